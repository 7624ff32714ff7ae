export * from './stream-header.js';
export * from './handshake.js';
export { WebSocketLink } from './ws-link.js';
export { pipeSocketStream, pipeStreams, type PipeCounters, type PipeResult } from './pipe.js';
export { GATEWAY_PEER_ID, TUNNEL_SESSION_DEFAULTS, establishTunnelSession, type TunnelSessionInit } from './session.js';
