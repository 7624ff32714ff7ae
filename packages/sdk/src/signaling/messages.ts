/**
 * Client view of the gateway's `/p2p` namespace. The schemas, limits and
 * error codes are shared with the gateway (the authority) and live in
 * `@peerlink/protocol` (`src/p2p-signaling/`). Everything received is parsed
 * with zod before use.
 */
export {
  challengeSchema,
  incomingSignalSchema,
  P2P_NAMESPACE,
  P2P_SIGNALING_ERROR_CODES,
  REGISTER_DOMAIN,
  registeredSchema,
  registrationMessage,
  signalingErrorSchema,
  signalPayloadSchema,
  type IncomingSignal,
  type P2pSignalingErrorCode,
  type SignalingErrorMessage,
  type SignalPayload,
} from '@peerlink/protocol';
