/**
 * Connection-bound identity proof. After the data channel opens, each peer
 * signs a transcript of THIS connection and sends the signature over it:
 *
 *   "peerlink-p2p-auth-v1" | sid | signer id | verifier id |
 *   signer DTLS fingerprints | verifier DTLS fingerprints | signer nonce | verifier nonce
 *
 * Each side takes its own fingerprints from its local description and the
 * peer's from the remote description *as its RTCPeerConnection applied it* —
 * the fingerprint DTLS actually checked. A gateway that swaps fingerprints to
 * sit in the middle makes the two sides see different transcripts, so the
 * signatures fail (it cannot re-sign: it lacks the peers' keys). Fresh nonces
 * from both sides stop replay of a proof from an earlier connection.
 */
import type { PeerId } from '@peerlink/protocol';
import { verifyPeerSignature, type PeerIdentity } from './identity.js';

export const PROOF_DOMAIN = 'peerlink-p2p-auth-v1';

export interface ProofView {
  /** Attempt id both sides share. */
  readonly sid: string;
  readonly localPeerId: PeerId;
  readonly remotePeerId: PeerId;
  /** `a=fingerprint` values of the local description (normalized). */
  readonly localFingerprints: string;
  /** `a=fingerprint` values of the remote description as applied (normalized). */
  readonly remoteFingerprints: string;
  readonly localNonce: string;
  readonly remoteNonce: string;
}

function transcript(sid: string, signer: PeerId, verifier: PeerId, signerFp: string, verifierFp: string, signerNonce: string, verifierNonce: string): Uint8Array {
  return new TextEncoder().encode([PROOF_DOMAIN, sid, signer, verifier, signerFp, verifierFp, signerNonce, verifierNonce].join('\n'));
}

/** Our proof: a signature over the transcript with us as signer. */
export function signConnectionProof(identity: PeerIdentity, view: ProofView): Uint8Array {
  return identity.sign(
    transcript(view.sid, view.localPeerId, view.remotePeerId, view.localFingerprints, view.remoteFingerprints, view.localNonce, view.remoteNonce),
  );
}

/** Checks the peer's proof against what WE saw; false on any difference. */
export function verifyConnectionProof(view: ProofView, signature: Uint8Array): boolean {
  const bytes = transcript(view.sid, view.remotePeerId, view.localPeerId, view.remoteFingerprints, view.localFingerprints, view.remoteNonce, view.localNonce);
  return verifyPeerSignature(view.remotePeerId, bytes, signature);
}

/**
 * The `a=fingerprint` attributes of an SDP (RFC 8122), normalized: hash name
 * lower case, hex upper case, sorted, joined with `,`. Empty when there are none.
 */
export function sdpFingerprints(sdp: string): string {
  const found = new Set<string>();
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) found.add(`${match[1].toLowerCase()} ${match[2].toUpperCase()}`);
  }
  return [...found].sort().join(',');
}
