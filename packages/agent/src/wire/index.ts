export * from './stream-header.js';
export * from './handshake.js';
export { WebSocketLink } from './ws-link.js';
export { pipeSocketStream, pipeStreams, type PipeCounters, type PipeResult } from './pipe.js';
export { GATEWAY_PEER_ID, TUNNEL_SESSION_DEFAULTS, establishTunnelSession, type TunnelSessionInit } from './session.js';
export { STREAMING_HEAP_GROWING_PERCENT, tuneHeapForStreaming } from './heap-tuning.js';
