import { decodeBase32, encodeBase32 } from './base32.js';

/**
 * A peer's public identity: derived from its Ed25519 public key.
 *
 * Text form (56 characters, fixed length):
 * `b` (multibase prefix: base32 lowercase, no padding) followed by the base32
 * encoding of `0xed 0x01` (the multicodec varint for `ed25519-pub`) and the
 * 32-byte public key. The multicodec prefix leaves room for other key types
 * later without ambiguity. This is multiformats-style but NOT a libp2p PeerId.
 */
export type PeerId = string & { readonly __brand: 'PeerId' };

/** Byte length of an Ed25519 public key. */
export const ED25519_PUBLIC_KEY_LENGTH = 32;
/** Multicodec `ed25519-pub` (0xed) as an unsigned varint. */
const ED25519_PUB_MULTICODEC = Uint8Array.of(0xed, 0x01);
/** Multibase prefix for RFC 4648 base32, lowercase, unpadded. */
const MULTIBASE_BASE32 = 'b';
/** Length of every peer id text: 1 + ceil((2 + 32) * 8 / 5). */
export const PEER_ID_LENGTH = 56;

/** Why a text is not a peer id. Stable codes. */
export type PeerIdErrorCode =
  | 'PEER_ID_NOT_STRING'
  | 'PEER_ID_LENGTH'
  | 'PEER_ID_MULTIBASE'
  | 'PEER_ID_ENCODING'
  | 'PEER_ID_KEY_TYPE';

export type ParsePeerIdResult =
  | { readonly ok: true; readonly peerId: PeerId; readonly publicKey: Uint8Array }
  | { readonly ok: false; readonly code: PeerIdErrorCode; readonly detail: string };

/** Derives the peer id of an Ed25519 public key. Throws on a wrong key length (programmer error). */
export function peerIdFromPublicKey(publicKey: Uint8Array): PeerId {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new RangeError(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`);
  }
  const bytes = new Uint8Array(ED25519_PUB_MULTICODEC.length + publicKey.length);
  bytes.set(ED25519_PUB_MULTICODEC, 0);
  bytes.set(publicKey, ED25519_PUB_MULTICODEC.length);
  return (MULTIBASE_BASE32 + encodeBase32(bytes)) as PeerId;
}

/**
 * Validates untrusted input as a peer id. Case-insensitive (pasted ids in
 * upper case are accepted) and whitespace around it is ignored; the returned
 * `peerId` is always the canonical lowercase form. Never throws.
 */
export function parsePeerId(input: unknown): ParsePeerIdResult {
  if (typeof input !== 'string') return fail('PEER_ID_NOT_STRING', `expected a string, got ${typeof input}`);
  const text = input.trim().toLowerCase();
  if (text.length !== PEER_ID_LENGTH) {
    return fail('PEER_ID_LENGTH', `expected ${PEER_ID_LENGTH} characters, got ${text.length}`);
  }
  if (!text.startsWith(MULTIBASE_BASE32)) return fail('PEER_ID_MULTIBASE', `expected prefix "${MULTIBASE_BASE32}"`);
  const bytes = decodeBase32(text.slice(1));
  if (bytes === undefined) return fail('PEER_ID_ENCODING', 'not canonical RFC 4648 base32 (a-z, 2-7)');
  if (bytes[0] !== ED25519_PUB_MULTICODEC[0] || bytes[1] !== ED25519_PUB_MULTICODEC[1]) {
    return fail('PEER_ID_KEY_TYPE', 'only ed25519-pub (multicodec 0xed) keys are supported');
  }
  return { ok: true, peerId: text as PeerId, publicKey: bytes.slice(ED25519_PUB_MULTICODEC.length) };
}

/** Type guard for already-canonical peer ids (no trimming, no case folding). */
export function isPeerId(input: unknown): input is PeerId {
  const parsed = parsePeerId(input);
  return parsed.ok && parsed.peerId === input;
}

function fail(code: PeerIdErrorCode, detail: string): ParsePeerIdResult {
  return { ok: false, code, detail };
}
