export { WebRtcProvider, MAX_INBOUND_ATTEMPTS } from './provider.js';
export { WebRtcConnection, type SetupPhases, type WebRtcConnectionStats } from './connection.js';
export { iceServersFromGateway, resolveTimeouts, type IceServersSource, type RtcPeerConnectionConstructor, type WebRtcProviderOptions, type WebRtcTimeouts } from './options.js';
export { Negotiator, normalizeCandidate, type NegotiationSignal, type NegotiatorEvents, type NegotiatorOptions } from './negotiator.js';
export { selectedPath } from './path.js';
