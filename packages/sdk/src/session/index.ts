export type { ChannelKind, DropReason, SessionAction } from './actions.js';
export { SessionCore, type SessionCoreInit, type SessionPhase } from './session-core.js';
export { SESSION_DEFAULTS, resolveSessionOptions, type SessionOptions, type ResolvedSessionOptions } from './options.js';
export { SessionConnection, type SessionConnectionInit } from './session-connection.js';
export type { SessionLink, SessionLinkEvents } from './link.js';
export { systemClock, DeadlineTimer, type Clock, type TimerHandle } from './clock.js';
export { QueueListener, MAX_PENDING_ACCEPTS } from './queue-listener.js';
export { ProviderMetrics, MAX_ESTABLISHMENT_SAMPLES } from './provider-metrics.js';
export { isDirectByteStream, type ByteSink, type DirectByteStream } from './session-stream.js';
