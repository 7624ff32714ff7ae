/// <reference lib="dom" />
/**
 * Framing of the connection-bound identity proof: the first message each
 * side sends on the reliable data channel is `PLAUTH1` followed by the
 * 64-byte Ed25519 signature over the proof view (see
 * `identity/connection-proof.ts`), which binds both peer ids, both nonces,
 * the attempt id and both DTLS fingerprints taken from the SDP.
 */
import type { PeerId } from '@peerlink/protocol';
import { sdpFingerprints, type ProofView } from '../../identity/connection-proof.js';

/** Magic prefix of the identity proof, the first message on the reliable channel. */
const PROOF_MAGIC = new TextEncoder().encode('PLAUTH1');
/** Length of an Ed25519 signature. */
const SIGNATURE_LENGTH = 64;

/** The reliable-channel message carrying `signature`. */
export function encodeProofFrame(signature: Uint8Array): Uint8Array<ArrayBuffer> {
  const message = new Uint8Array(PROOF_MAGIC.length + signature.length);
  message.set(PROOF_MAGIC);
  message.set(signature, PROOF_MAGIC.length);
  return message;
}

/** The signature inside a proof message (a copy), or undefined when `bytes` is not one. */
export function decodeProofFrame(bytes: Uint8Array): Uint8Array | undefined {
  const isProof = bytes.length === PROOF_MAGIC.length + SIGNATURE_LENGTH && PROOF_MAGIC.every((b, i) => bytes[i] === b);
  return isProof ? bytes.slice(PROOF_MAGIC.length) : undefined;
}

/** What one attempt contributes to the proof view besides the SDP and the remote nonce. */
export interface ProofParties {
  readonly sid: string;
  readonly localPeerId: PeerId;
  readonly remotePeerId: PeerId;
  readonly localNonce: string;
}

/** The proof view of `pc` as it stands (fingerprints from both current descriptions). */
export function proofView(pc: RTCPeerConnection, parties: ProofParties, remoteNonce: string): ProofView {
  return {
    sid: parties.sid,
    localPeerId: parties.localPeerId,
    remotePeerId: parties.remotePeerId,
    localFingerprints: sdpFingerprints(pc.localDescription?.sdp ?? ''),
    remoteFingerprints: sdpFingerprints(pc.remoteDescription?.sdp ?? ''),
    localNonce: parties.localNonce,
    remoteNonce,
  };
}
