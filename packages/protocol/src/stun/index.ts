/** STUN (RFC 8489), TURN (RFC 8656) and ChannelData codec: pure, runtime-neutral, never throws on input. */
export * from './constants.js';
export * from './errors.js';
export * from './ip.js';
export * from './address.js';
export * from './message.js';
export * from './attributes.js';
export * from './integrity.js';
export * from './builder.js';
export * from './channel-data.js';
export * from './framer.js';
export { crc32, fingerprintOf } from './crc32.js';
export { saslprep } from './saslprep.js';
