export { P2pSignalingClient, type AuthorizeReply, type P2pSignalingClientOptions, type OutgoingSignal, type SignalInterceptor } from './client.js';
export * from './messages.js';
