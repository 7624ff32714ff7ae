import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32 } from './base32.js';
import { PEER_ID_LENGTH, isPeerId, parsePeerId, peerIdFromPublicKey } from './peer-id.js';

describe('base32 (RFC 4648 §10 test vectors, lowercase, unpadded)', () => {
  it.each([
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ])('%s <-> %s', (plain, encoded) => {
    const bytes = new TextEncoder().encode(plain);
    expect(encodeBase32(bytes)).toBe(encoded);
    expect(decodeBase32(encoded)).toEqual(bytes);
  });

  it('round-trips and rejects non-canonical trailing bits', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => void expect(decodeBase32(encodeBase32(b))).toEqual(b)));
    expect(decodeBase32('mz')).toBeUndefined(); // "f" is "my"; "mz" has a non-zero trailing bit
    expect(decodeBase32('m1')).toBeUndefined();
  });
});

describe('PeerId', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);

  it('is 56 characters, starts with "b", and round-trips the key', () => {
    const id = peerIdFromPublicKey(key);
    expect(id).toHaveLength(PEER_ID_LENGTH);
    expect(id).toMatch(/^b[a-z2-7]{55}$/);
    expect(id.startsWith('b5uaq')).toBe(true); // 0xed 0x01 prefix
    const parsed = parsePeerId(id);
    expect(parsed).toEqual({ ok: true, peerId: id, publicKey: key });
    expect(isPeerId(id)).toBe(true);
  });

  it('accepts pasted upper case and surrounding whitespace, returning the canonical form', () => {
    const id = peerIdFromPublicKey(key);
    const parsed = parsePeerId(`  ${id.toUpperCase()}\n`);
    expect(parsed.ok && parsed.peerId).toBe(id);
    expect(isPeerId(id.toUpperCase())).toBe(false);
  });

  it.each([
    [42, 'PEER_ID_NOT_STRING'],
    ['b5uaq', 'PEER_ID_LENGTH'],
    ['z'.repeat(56), 'PEER_ID_MULTIBASE'],
    ['b' + '1'.repeat(55), 'PEER_ID_ENCODING'],
    ['b' + 'a'.repeat(55), 'PEER_ID_KEY_TYPE'],
  ])('rejects %s with %s', (input, code) => {
    const parsed = parsePeerId(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.code).toBe(code);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (x) => void parsePeerId(x)));
    fc.assert(fc.property(fc.string({ minLength: 56, maxLength: 56 }), (x) => void parsePeerId(x)));
  });
});
