export { attachSignaling, type SignalingDeps, type SignalingHandle } from './signaling.js';
export { createSignalingServer, type SignalingServerHandle } from './server.js';
export {
  DEFAULT_RATE_LIMIT,
  DEFAULT_SIGNALING_OPTIONS,
  resolveSignalingOptions,
  type RateLimitOptions,
  type SignalingOptions,
  type SignalingOptionsInput,
} from './options.js';
export type { SignalingLogger, SignalingServer, SignalingSocket, UntrustedClientEvents } from './types.js';
