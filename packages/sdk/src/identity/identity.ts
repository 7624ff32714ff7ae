import { ed25519 } from '@noble/curves/ed25519.js';
import { parsePeerId, peerIdFromPublicKey, type PeerId } from '@peerlink/protocol';

/**
 * What a provider needs from the local identity: the peer id and a way to
 * prove possession of its key. File storage and gateway registration live
 * elsewhere; this is the seam they plug into.
 */
export interface PeerIdentity {
  readonly peerId: PeerId;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (RFC 8032, 64 bytes) over `message`. */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Creates an identity from a 32-byte Ed25519 secret key (seed), or a fresh
 * random one. Pass a seeded key for reproducible peer ids (the simulator does).
 */
export function createEd25519Identity(secretKey?: Uint8Array): PeerIdentity {
  const keys = secretKey === undefined ? ed25519.keygen() : ed25519.keygen(secretKey);
  const key = keys.secretKey;
  const publicKey = keys.publicKey;
  return {
    peerId: peerIdFromPublicKey(publicKey),
    publicKey,
    sign: (message) => ed25519.sign(message, key),
  };
}

/** Checks that `signature` over `message` was made with the key behind `peerId`. Never throws. */
export function verifyPeerSignature(peerId: PeerId, message: Uint8Array, signature: Uint8Array): boolean {
  const parsed = parsePeerId(peerId);
  if (!parsed.ok || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, parsed.publicKey);
  } catch {
    return false;
  }
}
