import { describe, expect, it } from 'vitest';
import {
  Attr,
  classifyPacket,
  decodeMessageType,
  decodeStunMessage,
  encodeMessageType,
  fingerprintOf,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  unknownComprehensionRequired,
  verifyIntegrity,
  type CodecErrorCode,
} from './index.js';

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
// Binding request header prefix: type 0x0001, then the length, cookie and a transaction id.
const TID = '000102030405060708090a0b';
const COOKIE = '2112a442';

describe('decodeStunMessage rejects malformed messages with a specific code', () => {
  const cases: [string, string, CodecErrorCode][] = [
    ['empty input', '', 'TOO_SHORT'],
    ['19 bytes', `0001 0000 ${COOKIE} 000102030405060708090a`, 'TOO_SHORT'],
    ['first bits 0b01 (ChannelData)', `4001 0000 ${COOKIE} ${TID}`, 'NOT_STUN'],
    ['wrong magic cookie (RFC 3489 style)', `0001 0000 2112a443 ${TID}`, 'NOT_STUN'],
    ['length not a multiple of 4', `0001 0002 ${COOKIE} ${TID} 0000`, 'BAD_MESSAGE_LENGTH'],
    ['length overruns the datagram', `0001 0008 ${COOKIE} ${TID} 80220000`, 'BAD_MESSAGE_LENGTH'],
    ['bytes after the declared length', `0001 0000 ${COOKIE} ${TID} 00000000`, 'BAD_MESSAGE_LENGTH'],
    ['attribute length overruns the body', `0001 0008 ${COOKIE} ${TID} 0006 0008 61626364`, 'BAD_ATTRIBUTE_LENGTH'],
    ['attribute padding overruns the body', `0001 0008 ${COOKIE} ${TID} 0006 0005 61626364`, 'BAD_ATTRIBUTE_LENGTH'],
    [
      'USERNAME after MESSAGE-INTEGRITY',
      `0001 0020 ${COOKIE} ${TID} 0008 0014 ${'00'.repeat(20)} 0006 0004 61626364`,
      'ATTRIBUTE_AFTER_INTEGRITY',
    ],
    [
      'MESSAGE-INTEGRITY after MESSAGE-INTEGRITY-SHA256',
      `0001 003c ${COOKIE} ${TID} 001c 0020 ${'00'.repeat(32)} 0008 0014 ${'00'.repeat(20)}`,
      'ATTRIBUTE_AFTER_INTEGRITY',
    ],
    ['SOFTWARE after FINGERPRINT', `0001 0010 ${COOKIE} ${TID} 8028 0004 00000000 8022 0004 61626364`, 'ATTRIBUTE_AFTER_FINGERPRINT'],
    ['FINGERPRINT of 8 bytes', `0001 000c ${COOKIE} ${TID} 8028 0008 ${'00'.repeat(8)}`, 'BAD_ATTRIBUTE_LENGTH'],
    ['FINGERPRINT with a wrong CRC', `0001 0008 ${COOKIE} ${TID} 8028 0004 00000000`, 'BAD_FINGERPRINT'],
  ];
  it.each(cases)('%s', (_name, hex, code) => {
    const r = decodeStunMessage(bytes(hex));
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });

  it('enforces maxAttributes', () => {
    const b = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(12));
    for (let i = 0; i < 5; i++) b.add(Attr.SOFTWARE, new Uint8Array(0));
    const raw = b.build();
    expect(decodeStunMessage(raw, { maxAttributes: 5 }).ok).toBe(true);
    expect(decodeStunMessage(raw, { maxAttributes: 4 })).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ATTRIBUTES' } });
  });
});

describe('placement rules', () => {
  const tid = new Uint8Array(12).fill(9);
  const key = new TextEncoder().encode('secret');

  it('accepts MESSAGE-INTEGRITY, then MESSAGE-INTEGRITY-SHA256, then FINGERPRINT', () => {
    const raw = bytes(
      `0001 0044 ${COOKIE} ${TID} 0008 0014 ${'00'.repeat(20)} 001c 0020 ${'00'.repeat(32)} 8028 0004 00000000`,
    );
    new DataView(raw.buffer).setUint32(raw.length - 4, fingerprintOf(raw.subarray(0, raw.length - 8)));
    const r = decodeStunMessage(raw);
    expect(r.ok && r.value.attributes.map((a) => a.type)).toEqual([
      Attr.MESSAGE_INTEGRITY,
      Attr.MESSAGE_INTEGRITY_SHA256,
      Attr.FINGERPRINT,
    ]);
  });

  it('verifyIntegrity prefers MESSAGE-INTEGRITY-SHA256 and reports missing', () => {
    const b = new StunMessageBuilder(StunMethod.Allocate, StunClass.Request, tid).addString(Attr.USERNAME, 'u');
    const sha1 = decodeStunMessage(b.build({ integrity: { key, algorithm: 'sha1' }, fingerprint: true }));
    const sha256 = decodeStunMessage(b.build({ integrity: { key, algorithm: 'sha256' } }));
    const none = decodeStunMessage(b.build({ fingerprint: true }));
    if (!sha1.ok || !sha256.ok || !none.ok) throw new Error('decode failed');
    expect(verifyIntegrity(sha1.value, key)).toBe('ok');
    expect(verifyIntegrity(sha256.value, key)).toBe('ok');
    expect(verifyIntegrity(sha256.value, new Uint8Array(6))).toBe('mismatch');
    expect(verifyIntegrity(none.value, key)).toBe('missing');
  });

  it('accepts MESSAGE-INTEGRITY-SHA256 truncated to 16 bytes, rejects 12', () => {
    const full = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, tid).build({ integrity: { key, algorithm: 'sha256' } });
    const truncate = (n: number): Uint8Array => {
      const out = full.slice(0, 24 + n);
      out[3] = 4 + n; // message length
      out[23] = n; // attribute length
      return out;
    };
    const t16 = decodeStunMessage(truncate(16));
    const t12 = decodeStunMessage(truncate(12));
    if (!t16.ok || !t12.ok) throw new Error('decode failed');
    // The HMAC input's length field covers the truncated attribute, so a truncated MAC is a different MAC.
    expect(verifyIntegrity(t16.value, key)).toBe('mismatch');
    expect(verifyIntegrity(t12.value, key)).toBe('mismatch');
  });
});

describe('message type', () => {
  it('round-trips every method and class', () => {
    for (let method = 0; method <= 0xfff; method += 7) {
      for (const cls of Object.values(StunClass)) {
        expect(decodeMessageType(encodeMessageType(method, cls))).toEqual({ method, class: cls });
      }
    }
  });

  it('matches RFC 8489 examples', () => {
    expect(encodeMessageType(StunMethod.Binding, StunClass.Request)).toBe(0x0001);
    expect(encodeMessageType(StunMethod.Binding, StunClass.SuccessResponse)).toBe(0x0101);
    expect(encodeMessageType(StunMethod.Binding, StunClass.ErrorResponse)).toBe(0x0111);
    expect(encodeMessageType(StunMethod.Send, StunClass.Indication)).toBe(0x0016);
    expect(encodeMessageType(StunMethod.Data, StunClass.Indication)).toBe(0x0017);
  });
});

it('classifyPacket demultiplexes by first byte', () => {
  expect(classifyPacket(new Uint8Array(0))).toBe('unknown');
  expect(classifyPacket(bytes('00'))).toBe('stun');
  expect(classifyPacket(bytes('03'))).toBe('stun');
  expect(classifyPacket(bytes('04'))).toBe('unknown');
  expect(classifyPacket(bytes('14'))).toBe('unknown'); // DTLS
  expect(classifyPacket(bytes('40'))).toBe('channel-data');
  expect(classifyPacket(bytes('4f'))).toBe('channel-data');
  expect(classifyPacket(bytes('50'))).toBe('unknown');
  expect(classifyPacket(bytes('80'))).toBe('unknown'); // RTP
});

it('unknownComprehensionRequired lists unknown types < 0x8000 once', () => {
  const raw = new StunMessageBuilder(StunMethod.Allocate, StunClass.Request, new Uint8Array(12))
    .add(0x7777, new Uint8Array(1))
    .add(Attr.SOFTWARE, new Uint8Array(0))
    .add(0x0030, new Uint8Array(0))
    .add(0x7777, new Uint8Array(0))
    .add(0x8fff, new Uint8Array(0))
    .addUint32(Attr.LIFETIME, 600)
    .build();
  const r = decodeStunMessage(raw);
  if (!r.ok) throw new Error(r.error.code);
  expect(unknownComprehensionRequired(r.value, new Set([Attr.LIFETIME]))).toEqual([0x7777, 0x0030]);
});
