import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Attr,
  decodeErrorCode,
  decodePasswordAlgorithms,
  decodeStunMessage,
  decodeUint32,
  decodeUint64,
  decodeUtf8,
  decodeXorAddress,
  getAttribute,
  longTermKey,
  PasswordAlgorithm,
  shortTermKey,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  userHash,
  verifyIntegrity,
  type StunMessage,
} from './index.js';

function vector(name: string): Uint8Array {
  const text = readFileSync(new URL(`../../test-fixtures/rfc5769/${name}.hex`, import.meta.url), 'utf8');
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function decoded(bytes: Uint8Array): StunMessage {
  const r = decodeStunMessage(bytes);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function text(msg: StunMessage, type: number): string {
  const a = getAttribute(msg, type);
  if (!a) throw new Error(`missing 0x${type.toString(16)}`);
  const r = decodeUtf8(a.value, 763);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const SHORT_TERM = shortTermKey('VOkJxbRl1RmTxUk/WvJxBt');
const TRANSACTION_5769 = 'b7e7a701bc34d686fa87dfae';

describe('RFC 5769 §2.1 sample request', () => {
  const bytes = vector('2.1-sample-request');
  const msg = decoded(bytes);

  it('decodes header and attributes', () => {
    expect(msg.method).toBe(StunMethod.Binding);
    expect(msg.class).toBe(StunClass.Request);
    expect(hex(msg.transactionId)).toBe(TRANSACTION_5769);
    expect(msg.attributes.map((a) => a.type)).toEqual([
      Attr.SOFTWARE, Attr.PRIORITY, Attr.ICE_CONTROLLED, Attr.USERNAME, Attr.MESSAGE_INTEGRITY, Attr.FINGERPRINT,
    ]);
    expect(text(msg, Attr.SOFTWARE)).toBe('STUN test client');
    expect(text(msg, Attr.USERNAME)).toBe('evtj:h6vY');
    expect(decodeUint32(getAttribute(msg, Attr.PRIORITY)!.value)).toEqual({ ok: true, value: 0x6e0001ff });
    expect(decodeUint64(getAttribute(msg, Attr.ICE_CONTROLLED)!.value)).toEqual({ ok: true, value: 0x932ff9b151263b36n });
  });

  it('verifies MESSAGE-INTEGRITY with the short-term password', () => {
    expect(verifyIntegrity(msg, SHORT_TERM)).toBe('ok');
    expect(verifyIntegrity(msg, shortTermKey('VOkJxbRl1RmTxUk/WvJxBT'))).toBe('mismatch');
  });

  it('rejects any flipped byte before FINGERPRINT', () => {
    for (let i = 0; i < bytes.length - 8; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x01;
      const r = decodeStunMessage(bad);
      expect(r.ok).toBe(false);
      // The cookie is checked first and framing bytes may fail earlier; every other byte reaches the CRC.
      if (i >= 4 && i < 8) expect(r.ok || r.error.code).toBe('NOT_STUN');
      else if (!isInsideFraming(bytes, i)) expect(r.ok || r.error.code).toBe('BAD_FINGERPRINT');
    }
  });

  it('rejects a flipped FINGERPRINT byte', () => {
    const bad = bytes.slice();
    bad[bad.length - 1]! ^= 0x80;
    expect(decodeStunMessage(bad)).toMatchObject({ ok: false, error: { code: 'BAD_FINGERPRINT' } });
  });
});

/** Header length and attribute headers change framing (e.g. 0x8029 -> FINGERPRINT 0x8028), so a flip there may fail earlier than the CRC. */
function isInsideFraming(bytes: Uint8Array, index: number): boolean {
  if (index === 2 || index === 3) return true;
  for (let pos = 20; pos < bytes.length; ) {
    if (index >= pos && index < pos + 4) return true;
    const len = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    pos += 4 + ((len + 3) & ~3);
  }
  return false;
}

describe('RFC 5769 §2.2/§2.3 sample responses', () => {
  it.each([
    ['2.2-sample-ipv4-response', { family: 'IPv4', address: '192.0.2.1', port: 32853 }],
    ['2.3-sample-ipv6-response', { family: 'IPv6', address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }],
  ] as const)('%s decodes, verifies and maps the address', (name, expected) => {
    const bytes = vector(name);
    const msg = decoded(bytes);
    expect(msg.method).toBe(StunMethod.Binding);
    expect(msg.class).toBe(StunClass.SuccessResponse);
    expect(text(msg, Attr.SOFTWARE)).toBe('test vector');
    expect(decodeXorAddress(getAttribute(msg, Attr.XOR_MAPPED_ADDRESS)!.value, msg.transactionId)).toEqual({ ok: true, value: expected });
    expect(verifyIntegrity(msg, SHORT_TERM)).toBe('ok');
    const bad = bytes.slice();
    bad[bad.length - 9]! ^= 0x04; // last byte of the HMAC
    expect(decodeStunMessage(bad)).toMatchObject({ ok: false, error: { code: 'BAD_FINGERPRINT' } });
  });
});

describe('RFC 5769 §2.4 long-term request', () => {
  const bytes = vector('2.4-long-term-request');
  const msg = decoded(bytes);
  const key = longTermKey('マトリックス', 'example.org', 'The\u00adM\u00aatr\u2168', 'md5');

  it('derives the RFC key through SASLprep', () => {
    expect(hex(key)).toBe('e8ca7ad59d5eb0518e312911d2dab2a9');
    expect(hex(longTermKey('マトリックス', 'example.org', 'TheMatrIX', 'md5', { passwordPrep: 'none' }))).toBe(hex(key));
  });

  it('decodes and verifies', () => {
    expect(text(msg, Attr.USERNAME)).toBe('マトリックス');
    expect(text(msg, Attr.NONCE)).toBe('f//499k954d6OL34oL9FSTvy64sA');
    expect(text(msg, Attr.REALM)).toBe('example.org');
    expect(getAttribute(msg, Attr.FINGERPRINT)).toBeUndefined();
    expect(verifyIntegrity(msg, key)).toBe('ok');
  });

  it('re-encodes byte-exact with the builder', () => {
    const built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, msg.transactionId)
      .addString(Attr.USERNAME, 'マトリックス')
      .addString(Attr.NONCE, 'f//499k954d6OL34oL9FSTvy64sA')
      .addString(Attr.REALM, 'example.org')
      .build({ integrity: { key, algorithm: 'sha1' } });
    expect(hex(built)).toBe(hex(bytes));
  });

  it('fails integrity when byte 32 is altered', () => {
    const bad = bytes.slice();
    bad[32]! ^= 0x01;
    expect(verifyIntegrity(decoded(bad), key)).toBe('mismatch');
  });
});

describe('RFC 8489 Appendix B.1 (Errata 6268) SHA-256 request', () => {
  const bytes = vector('rfc8489-b.1-sha256-userhash-request');
  const msg = decoded(bytes);
  const key = longTermKey('マトリックス', 'example.org', 'TheMatrIX', 'sha256');

  it('decodes USERHASH, NONCE, REALM and PASSWORD-ALGORITHM', () => {
    expect(hex(getAttribute(msg, Attr.USERHASH)!.value)).toBe(hex(userHash('マトリックス', 'example.org')));
    expect(text(msg, Attr.NONCE)).toBe('obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA');
    expect(text(msg, Attr.REALM)).toBe('example.org');
    const alg = decodePasswordAlgorithms(getAttribute(msg, Attr.PASSWORD_ALGORITHM)!.value);
    expect(alg.ok && alg.value.map((a) => a.algorithm)).toEqual([PasswordAlgorithm.SHA256]);
  });

  it('verifies MESSAGE-INTEGRITY-SHA256 and detects tampering', () => {
    expect(verifyIntegrity(msg, key)).toBe('ok');
    expect(verifyIntegrity(msg, longTermKey('マトリックス', 'example.org', 'TheMatrIX', 'md5'))).toBe('mismatch');
    const bad = bytes.slice();
    bad[60]! ^= 0x01; // inside NONCE
    expect(verifyIntegrity(decoded(bad), key)).toBe('mismatch');
  });

  it('re-encodes byte-exact with the builder', () => {
    const built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, msg.transactionId)
      .add(Attr.USERHASH, userHash('マトリックス', 'example.org'))
      .addString(Attr.NONCE, 'obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA')
      .addString(Attr.REALM, 'example.org')
      .add(Attr.PASSWORD_ALGORITHM, Uint8Array.of(0, 2, 0, 0))
      .build({ integrity: { key, algorithm: 'sha256' } });
    expect(hex(built)).toBe(hex(bytes));
  });
});

it('ERROR-CODE round trip through the builder', () => {
  const tid = new Uint8Array(12).fill(7);
  const msg = decoded(new StunMessageBuilder(StunMethod.Allocate, StunClass.ErrorResponse, tid).addErrorCode(437, 'Allocation Mismatch').build());
  expect(msg.class).toBe(StunClass.ErrorResponse);
  expect(decodeErrorCode(getAttribute(msg, Attr.ERROR_CODE)!.value)).toEqual({ ok: true, value: { code: 437, reason: 'Allocation Mismatch' } });
});
