/**
 * Wire format of the `/p2p` Socket.IO namespace. The schemas, limits and
 * error codes are shared with clients and live in `@peerlink/protocol`
 * (`src/p2p-signaling/`); this module re-exports what the gateway uses and
 * adds its own view of the messages it sends.
 */
import type { P2pSignalingErrorCode } from '@peerlink/protocol';

export {
  MAX_SDP_LENGTH,
  MAX_SIGNAL_PAYLOAD_BYTES,
  P2P_NAMESPACE,
  proveSchema,
  REGISTER_DOMAIN,
  registerSchema,
  registrationMessage,
  signalPayloadSchema,
  signalSchema,
  type SignalMessage,
  type SignalPayload,
} from '@peerlink/protocol';

/** Stable error codes of `p2p:error`. */
export type P2pErrorCode = P2pSignalingErrorCode;

/** `p2p:error` as the gateway sends it. */
export interface P2pErrorMessage {
  readonly code: P2pErrorCode;
  readonly message: string;
  /** For registration errors. */
  readonly peerId?: string;
  /** For signal errors: the destination and the attempt. */
  readonly to?: string;
  readonly sid?: string;
}
