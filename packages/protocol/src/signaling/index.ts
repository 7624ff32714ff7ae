export * from './limits.js';
export * from './errors.js';
export * from './sdp.js';
export * from './candidate.js';
export type * from './payloads.js';
export * from './schemas.js';
export * as signalingSamples from './samples.js';
