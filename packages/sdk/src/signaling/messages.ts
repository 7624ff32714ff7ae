/**
 * Client view of the gateway's `/p2p` namespace (mirrors
 * `packages/gateway/src/p2p/messages.ts`; the gateway is the authority).
 * Everything received is parsed with zod before use.
 */
import { z } from 'zod';

export const P2P_NAMESPACE = '/p2p';
/** Domain separation for the registration signature (must match the gateway). */
export const REGISTER_DOMAIN = 'peerlink-p2p-register-v1';

/** The bytes a peer signs to register: domain, nonce and peer id, newline-separated (UTF-8). */
export function registrationMessage(nonce: string, peerId: string): Uint8Array {
  return new TextEncoder().encode(`${REGISTER_DOMAIN}\n${nonce}\n${peerId}`);
}

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
    description: z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(60 * 1024) }),
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

export const incomingSignalSchema = z.object({ from: z.string().max(64), to: z.string().max(64), payload: signalPayloadSchema });
export type IncomingSignal = z.infer<typeof incomingSignalSchema>;

export const challengeSchema = z.object({ peerId: z.string().max(64), nonce: z.string().max(256) });
export const registeredSchema = z.object({ peerId: z.string().max(64) });

/** Stable codes the gateway sends in `p2p:error`. */
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

export const signalingErrorSchema = z.object({
  code: z.enum(P2P_SIGNALING_ERROR_CODES),
  message: z.string().max(1024),
  peerId: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  sid: z.string().max(64).optional(),
});
export type SignalingErrorMessage = z.infer<typeof signalingErrorSchema>;
