/**
 * Wire format of the gateway's `/p2p` Socket.IO namespace (peer registration
 * and `p2p:signal` routing), shared by the gateway (`@peerlink/gateway`,
 * `src/p2p/`) and its clients (`@peerlink/sdk`, `src/signaling/`). Both sides
 * parse everything they receive with these zod schemas; the gateway is the
 * authority on what it accepts.
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

/** The bytes a peer signs to register: domain, nonce and peer id, newline-separated (UTF-8). */
export function registrationMessage(nonce: string, peerId: string): Uint8Array {
  return new TextEncoder().encode(`${REGISTER_DOMAIN}\n${nonce}\n${peerId}`);
}

/**
 * Stable codes the gateway sends in `p2p:error`. `INTERNAL`: a registry
 * lookup failed (database down); the message was dropped.
 */
export const P2P_SIGNALING_ERROR_CODES = [
  'INVALID_MESSAGE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'NOT_REGISTERED',
  'CHALLENGE_FAILED',
  'PEER_ID_IN_USE',
  'TOO_MANY_PEER_IDS',
  'PEER_NOT_FOUND',
  'ACCESS_DENIED',
  'INTERNAL',
] as const;
export type P2pSignalingErrorCode = (typeof P2P_SIGNALING_ERROR_CODES)[number];

const peerIdText = z.string().min(1).max(64);
const sid = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
const nonce = z.string().min(16).max(128).regex(/^[A-Za-z0-9_-]+$/);
const reason = z.string().max(128);

/** What two peers exchange through the gateway for one connection attempt (`sid`). */
export const signalPayloadSchema = z.discriminatedUnion('type', [
  /** Dialer → listener: opens attempt `sid`; `nonce` enters the identity transcript. */
  z.object({ type: z.literal('dial'), sid, nonce }),
  /** Listener → dialer: takes the attempt, with its own nonce. */
  z.object({ type: z.literal('accept'), sid, nonce }),
  /** Listener → dialer: refuses (e.g. `not-listening`). */
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
  /** Either side: the attempt or connection is over. */
  z.object({ type: z.literal('close'), sid, reason }),
]);
export type SignalPayload = z.infer<typeof signalPayloadSchema>;

// Client → gateway (the gateway parses these).

/** `p2p:register` and `p2p:unregister`. */
export const registerSchema = z.object({ peerId: peerIdText });
/** `p2p:prove`: the base64url Ed25519 signature of `registrationMessage`. */
export const proveSchema = z.object({ peerId: peerIdText, signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/) });
/** `p2p:signal` as a client sends it. */
export const signalSchema = z.object({ to: peerIdText, from: peerIdText, payload: signalPayloadSchema });
export type SignalMessage = z.infer<typeof signalSchema>;

// Gateway → client (clients parse these).

/** `p2p:signal` as the gateway delivers it. */
export const incomingSignalSchema = z.object({ from: z.string().max(64), to: z.string().max(64), payload: signalPayloadSchema });
export type IncomingSignal = z.infer<typeof incomingSignalSchema>;
/** `p2p:challenge`: sign `registrationMessage(nonce, peerId)`. */
export const challengeSchema = z.object({ peerId: z.string().max(64), nonce: z.string().max(256) });
/** `p2p:registered`. */
export const registeredSchema = z.object({ peerId: z.string().max(64) });

/** `p2p:error`. */
export const signalingErrorSchema = z.object({
  code: z.enum(P2P_SIGNALING_ERROR_CODES),
  message: z.string().max(1024),
  peerId: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  sid: z.string().max(64).optional(),
});
export type SignalingErrorMessage = z.infer<typeof signalingErrorSchema>;
