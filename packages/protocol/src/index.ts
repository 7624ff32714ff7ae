export const PROTOCOL_VERSION = 1;
export * from './p2p/index.js';
export * from './signaling/index.js';
export * from './stun/index.js';
export * from './p2p-signaling/index.js';
