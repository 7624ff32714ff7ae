/**
 * Wire format of the `/p2p` Socket.IO namespace (peer registration and
 * `p2p:signal` routing). Mirrored for clients in `@peerlink/sdk`
 * (`src/signaling/messages.ts`); both sides validate with zod.
 *
 * Client → gateway: `p2p:register {peerId}`, `p2p:prove {peerId, signature}`,
 * `p2p:unregister {peerId}`, `p2p:signal {to, from, payload}`.
 * Gateway → client: `p2p:challenge {peerId, nonce}`, `p2p:registered {peerId}`,
 * `p2p:signal {from, to, payload}`, `p2p:error {code, message, peerId?, to?, sid?}`.
 */
import { z } from 'zod';

/** The Socket.IO namespace. Separate from the call protocol on `/`. */
export const P2P_NAMESPACE = '/p2p';

/** Largest serialized `p2p:signal` payload the gateway routes (JSON characters). */
export const MAX_SIGNAL_PAYLOAD_BYTES = 64 * 1024;
/** Longest SDP accepted inside a payload. */
export const MAX_SDP_LENGTH = 60 * 1024;
/** Domain separation for the registration signature. */
export const REGISTER_DOMAIN = 'peerlink-p2p-register-v1';

/** Stable error codes of `p2p:error`. */
export type P2pErrorCode =
  | 'INVALID_MESSAGE'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'NOT_REGISTERED'
  | 'CHALLENGE_FAILED'
  | 'PEER_ID_IN_USE'
  | 'TOO_MANY_PEER_IDS'
  | 'PEER_NOT_FOUND'
  | 'ACCESS_DENIED'
  /** A registry lookup failed (database down); the message was dropped. */
  | 'INTERNAL';

/** The bytes a peer signs to register: domain, nonce and peer id, newline-separated (UTF-8). */
export function registrationMessage(nonce: string, peerId: string): Uint8Array {
  return new TextEncoder().encode(`${REGISTER_DOMAIN}\n${nonce}\n${peerId}`);
}

const peerIdText = z.string().min(1).max(64);
const sid = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
const nonce = z.string().min(16).max(128).regex(/^[A-Za-z0-9_-]+$/);
const reason = z.string().max(128);

/** What peers exchange through the gateway. `sid` names one connection attempt. */
export const signalPayloadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dial'), sid, nonce }),
  z.object({ type: z.literal('accept'), sid, nonce }),
  z.object({ type: z.literal('reject'), sid, reason }),
  z.object({
    type: z.literal('description'),
    sid,
    description: z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(MAX_SDP_LENGTH) }),
  }),
  z.object({
    type: z.literal('candidate'),
    sid,
    candidate: z
      .object({
        candidate: z.string().max(1024),
        sdpMid: z.string().max(32).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
      })
      .nullable(),
  }),
  z.object({ type: z.literal('close'), sid, reason }),
]);
export type SignalPayload = z.infer<typeof signalPayloadSchema>;

export const registerSchema = z.object({ peerId: peerIdText });
export const proveSchema = z.object({ peerId: peerIdText, signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/) });
export const signalSchema = z.object({ to: peerIdText, from: peerIdText, payload: signalPayloadSchema });
export type SignalMessage = z.infer<typeof signalSchema>;

export interface P2pErrorMessage {
  readonly code: P2pErrorCode;
  readonly message: string;
  /** For registration errors. */
  readonly peerId?: string;
  /** For signal errors: the destination and the attempt. */
  readonly to?: string;
  readonly sid?: string;
}
