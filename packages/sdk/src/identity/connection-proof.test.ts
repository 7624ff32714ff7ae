import { describe, expect, it } from 'vitest';
import { sdpFingerprints, signConnectionProof, verifyConnectionProof, type ProofView } from './connection-proof.js';
import { createEd25519Identity } from './identity.js';

const alice = createEd25519Identity(new Uint8Array(32).fill(1));
const bob = createEd25519Identity(new Uint8Array(32).fill(2));
const FP_A = 'sha-256 AA:01';
const FP_B = 'sha-256 BB:02';

const aliceView: ProofView = {
  sid: 'attempt-0001',
  localPeerId: alice.peerId,
  remotePeerId: bob.peerId,
  localFingerprints: FP_A,
  remoteFingerprints: FP_B,
  localNonce: 'nonce-a',
  remoteNonce: 'nonce-b',
};
const bobView: ProofView = {
  sid: 'attempt-0001',
  localPeerId: bob.peerId,
  remotePeerId: alice.peerId,
  localFingerprints: FP_B,
  remoteFingerprints: FP_A,
  localNonce: 'nonce-b',
  remoteNonce: 'nonce-a',
};

describe('connection-bound identity proof', () => {
  it('verifies when both sides saw the same connection', () => {
    expect(verifyConnectionProof(bobView, signConnectionProof(alice, aliceView))).toBe(true);
    expect(verifyConnectionProof(aliceView, signConnectionProof(bob, bobView))).toBe(true);
  });

  it('fails when a fingerprint was swapped in transit (man in the middle)', () => {
    const bobSawMallory = { ...bobView, remoteFingerprints: 'sha-256 EE:66' };
    expect(verifyConnectionProof(bobSawMallory, signConnectionProof(alice, aliceView))).toBe(false);
  });

  it('fails for another key, another nonce, another attempt or swapped roles', () => {
    const proof = signConnectionProof(alice, aliceView);
    const mallory = createEd25519Identity(new Uint8Array(32).fill(3));
    expect(verifyConnectionProof(bobView, signConnectionProof(mallory, { ...aliceView, localPeerId: mallory.peerId }))).toBe(false);
    expect(verifyConnectionProof({ ...bobView, localNonce: 'nonce-x' }, proof)).toBe(false);
    expect(verifyConnectionProof({ ...bobView, sid: 'attempt-0002' }, proof)).toBe(false);
    expect(verifyConnectionProof(aliceView, proof)).toBe(false);
  });

  it('normalizes a=fingerprint lines from an SDP', () => {
    const sdp = 'v=0\r\na=fingerprint:SHA-256 ab:cd:ef\r\nm=application 9\r\na=fingerprint:sha-256 AB:CD:EF\r\na=setup:actpass\r\n';
    expect(sdpFingerprints(sdp)).toBe('sha-256 AB:CD:EF');
    expect(sdpFingerprints('v=0\r\n')).toBe('');
  });
});
