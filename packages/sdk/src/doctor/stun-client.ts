/**
 * The STUN/TURN client messages `peerlink doctor` needs (RFC 8489 Binding,
 * RFC 8656 Allocate and Refresh), built and parsed without I/O. Transaction
 * ids come from the caller (inject randomness); replies that are not for the
 * expected transaction, or are malformed, parse to `undefined` (dropped).
 */
import {
  Attr,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  TransportProtocol,
  decodeAddress,
  decodeErrorCode,
  decodeStunMessage,
  decodeUtf8,
  decodeXorAddress,
  getAttribute,
  longTermKey,
  verifyIntegrity,
  MAX_NONCE_BYTES,
  MAX_REALM_BYTES,
  type StunMessage,
  type TransportAddress,
} from '@peerlink/protocol';

/** Long-term credentials of a TURN server (e.g. a TURN REST pair from `/api/ice-servers`). */
export interface TurnCredentials {
  readonly username: string;
  readonly password: string;
}

/** What the server's 401 told us, plus the key derived from it (RFC 8489 §9.2). */
export interface LongTermAuth {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly key: Uint8Array;
}

/** A reply to one of our requests, reduced to what doctor looks at. */
export type StunReply =
  | {
      readonly kind: 'binding-success';
      readonly mapped: TransportAddress;
      /** RESPONSE-ORIGIN (RFC 5780 §7.3), when the server sends it. */
      readonly responseOrigin: TransportAddress | undefined;
      /** OTHER-ADDRESS (RFC 5780 §7.4): the server's alternate address and port, when it has one. */
      readonly otherAddress: TransportAddress | undefined;
    }
  | { readonly kind: 'allocate-success'; readonly relayed: TransportAddress; readonly mapped: TransportAddress | undefined }
  | { readonly kind: 'refresh-success' }
  | { readonly kind: 'error'; readonly code: number; readonly reason: string; readonly realm: string | undefined; readonly nonce: string | undefined };

/** REQUESTED-TRANSPORT value for UDP relaying (RFC 8656 §18.7): protocol number then RFFU. */
const REQUESTED_UDP = new Uint8Array([TransportProtocol.UDP, 0, 0, 0]);

/** A Binding request (RFC 8489 §7.1) with FINGERPRINT. */
export function bindingRequest(transactionId: Uint8Array): Uint8Array {
  return new StunMessageBuilder(StunMethod.Binding, StunClass.Request, transactionId).build({ fingerprint: true });
}

/** An Allocate request for a UDP relay; unauthenticated when `auth` is undefined (expects 401). */
export function allocateRequest(transactionId: Uint8Array, auth: LongTermAuth | undefined): Uint8Array {
  const b = new StunMessageBuilder(StunMethod.Allocate, StunClass.Request, transactionId).add(Attr.REQUESTED_TRANSPORT, REQUESTED_UDP);
  return withAuth(b, auth);
}

/** A Refresh request with LIFETIME 0: deletes the allocation doctor just made (RFC 8656 §7.2). */
export function deleteAllocationRequest(transactionId: Uint8Array, auth: LongTermAuth): Uint8Array {
  return withAuth(new StunMessageBuilder(StunMethod.Refresh, StunClass.Request, transactionId).addUint32(Attr.LIFETIME, 0), auth);
}

function withAuth(b: StunMessageBuilder, auth: LongTermAuth | undefined): Uint8Array {
  if (auth === undefined) return b.build({ fingerprint: true });
  b.addString(Attr.USERNAME, auth.username).addString(Attr.REALM, auth.realm).addString(Attr.NONCE, auth.nonce);
  return b.build({ integrity: { key: auth.key, algorithm: 'sha1' }, fingerprint: true });
}

/** The long-term key for the realm and nonce of a 401/438 reply; `undefined` if the reply lacks them. */
export function authFromChallenge(reply: StunReply, credentials: TurnCredentials): LongTermAuth | undefined {
  if (reply.kind !== 'error' || reply.realm === undefined || reply.nonce === undefined) return undefined;
  // TURN REST passwords are base64 ASCII: SASLprep and raw bytes agree; 'none' matches coturn.
  const key = longTermKey(credentials.username, reply.realm, credentials.password, 'md5', { passwordPrep: 'none' });
  return { username: credentials.username, realm: reply.realm, nonce: reply.nonce, key };
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function optionalAddress(msg: StunMessage, type: number, xor: boolean): TransportAddress | undefined {
  const attr = getAttribute(msg, type);
  if (attr === undefined) return undefined;
  const decoded = xor ? decodeXorAddress(attr.value, msg.transactionId) : decodeAddress(attr.value);
  return decoded.ok ? decoded.value : undefined;
}

function optionalText(msg: StunMessage, type: number, max: number): string | undefined {
  const attr = getAttribute(msg, type);
  if (attr === undefined) return undefined;
  const decoded = decodeUtf8(attr.value, max);
  return decoded.ok ? decoded.value : undefined;
}

/**
 * Parse a datagram/frame as the reply to `transactionId`. With `key`, a
 * success reply must carry valid MESSAGE-INTEGRITY (authenticated exchanges).
 */
export function parseReply(bytes: Uint8Array, transactionId: Uint8Array, key?: Uint8Array): StunReply | undefined {
  const decoded = decodeStunMessage(bytes);
  if (!decoded.ok) return undefined;
  const msg = decoded.value;
  if (!sameId(msg.transactionId, transactionId)) return undefined;
  if (msg.class === StunClass.ErrorResponse) {
    const attr = getAttribute(msg, Attr.ERROR_CODE);
    const err = attr === undefined ? undefined : decodeErrorCode(attr.value);
    if (err === undefined || !err.ok) return undefined;
    return {
      kind: 'error',
      code: err.value.code,
      reason: err.value.reason,
      realm: optionalText(msg, Attr.REALM, MAX_REALM_BYTES),
      nonce: optionalText(msg, Attr.NONCE, MAX_NONCE_BYTES),
    };
  }
  if (msg.class !== StunClass.SuccessResponse) return undefined;
  if (key !== undefined && verifyIntegrity(msg, key) !== 'ok') return undefined;
  switch (msg.method) {
    case StunMethod.Binding: {
      const mapped = optionalAddress(msg, Attr.XOR_MAPPED_ADDRESS, true) ?? optionalAddress(msg, Attr.MAPPED_ADDRESS, false);
      if (mapped === undefined) return undefined;
      return {
        kind: 'binding-success',
        mapped,
        responseOrigin: optionalAddress(msg, Attr.RESPONSE_ORIGIN, false),
        otherAddress: optionalAddress(msg, Attr.OTHER_ADDRESS, false),
      };
    }
    case StunMethod.Allocate: {
      const relayed = optionalAddress(msg, Attr.XOR_RELAYED_ADDRESS, true);
      if (relayed === undefined) return undefined;
      return { kind: 'allocate-success', relayed, mapped: optionalAddress(msg, Attr.XOR_MAPPED_ADDRESS, true) };
    }
    case StunMethod.Refresh:
      return { kind: 'refresh-success' };
    default:
      return undefined;
  }
}

/** Length of the STUN message at the start of a TCP byte stream, or undefined until the header is in. */
export function stunFrameLength(buffered: Uint8Array): number | undefined {
  if (buffered.length < 20) return undefined;
  return 20 + ((buffered[2]! << 8) | buffered[3]!);
}
