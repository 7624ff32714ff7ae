export * from './limits.js';
export * from './errors.js';
export * from './sdp.js';
export * from './candidate.js';
export { isCandidate } from './candidate-scan.js';
export type * from './payloads.js';
export * from './schemas.js';
export { fastCallSignal, fastCandidateSignal, fastIceCandidate, UNSURE, type Unsure } from './fast-path.js';
export * as signalingSamples from './samples.js';
