import { parsePeerId } from '@peerlink/protocol';
import { describe, expect, it } from 'vitest';
import { createEd25519Identity, verifyPeerSignature } from './identity.js';

describe('Ed25519 identity', () => {
  it('derives a parseable peer id and signs verifiably', () => {
    const id = createEd25519Identity();
    const parsed = parsePeerId(id.peerId);
    expect(parsed.ok && parsed.publicKey).toEqual(id.publicKey);
    const msg = new TextEncoder().encode('challenge');
    expect(verifyPeerSignature(id.peerId, msg, id.sign(msg))).toBe(true);
  });

  it('rejects a signature from another key and tampered messages', () => {
    const alice = createEd25519Identity(new Uint8Array(32).fill(1));
    const mallory = createEd25519Identity(new Uint8Array(32).fill(2));
    const msg = Uint8Array.of(1, 2, 3);
    expect(verifyPeerSignature(alice.peerId, msg, mallory.sign(msg))).toBe(false);
    expect(verifyPeerSignature(alice.peerId, Uint8Array.of(1, 2, 4), alice.sign(msg))).toBe(false);
    expect(verifyPeerSignature(alice.peerId, msg, new Uint8Array(3))).toBe(false);
  });

  it('is deterministic for a given secret key', () => {
    expect(createEd25519Identity(new Uint8Array(32).fill(7)).peerId).toBe(createEd25519Identity(new Uint8Array(32).fill(7)).peerId);
  });
});
