import { describe, expect, it } from 'vitest';
import {
  decodeAddress,
  decodeChannelNumber,
  decodeErrorCode,
  decodeEvenPort,
  decodePasswordAlgorithms,
  decodeRequestedAddressFamily,
  decodeRequestedTransport,
  decodeUint32,
  decodeUnknownAttributes,
  decodeUtf8,
  decodeXorAddress,
  encodeAddress,
  encodeXorAddress,
  MAX_USERNAME_BYTES,
  parseIPv6,
  formatIPv6,
  StunEncodeError,
  type Decoded,
} from './index.js';

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const code = <T>(r: Decoded<T>): string => (r.ok ? 'ok' : r.error.code);
const TID = bytes('b7e7a701bc34d686fa87dfae');

describe('address values', () => {
  it.each([
    ['zero-length', '', 'BAD_ADDRESS'],
    ['header only', '0001 1234', 'BAD_ADDRESS'],
    ['bad family 0x03', '0003 1234 7f000001', 'BAD_ADDRESS_FAMILY'],
    ['family 0x00', '0000 1234 7f000001', 'BAD_ADDRESS_FAMILY'],
    ['IPv4 with 5 address bytes', '0001 1234 7f00000100', 'BAD_ADDRESS'],
    ['truncated IPv6', '0002 1234 20010db8000000000000000000000001'.slice(0, 30), 'BAD_ADDRESS'],
    ['IPv6 family with IPv4 length', '0002 1234 7f000001', 'BAD_ADDRESS'],
  ])('%s -> %s', (_n, hex, expected) => {
    expect(code(decodeAddress(bytes(hex)))).toBe(expected);
    expect(code(decodeXorAddress(bytes(hex), TID))).toBe(expected);
  });

  it('decodes plain addresses and ignores the reserved first byte', () => {
    expect(decodeAddress(bytes('ff01 0d96 c0000201'))).toEqual({ ok: true, value: { family: 'IPv4', address: '192.0.2.1', port: 3478 } });
    expect(decodeAddress(bytes('0002 0050 20010db8 00000000 00000000 00000001'))).toEqual({
      ok: true,
      value: { family: 'IPv6', address: '2001:db8::1', port: 80 },
    });
  });

  it('round-trips XOR and plain encodings', () => {
    for (const addr of [
      { family: 'IPv4', address: '203.0.113.7', port: 0 },
      { family: 'IPv4', address: '255.255.255.255', port: 65535 },
      { family: 'IPv6', address: '::', port: 1 },
      { family: 'IPv6', address: 'fe80::1', port: 5000 },
      { family: 'IPv6', address: '::ffff:198.51.100.1', port: 5000 },
    ] as const) {
      expect(decodeXorAddress(encodeXorAddress(addr, TID), TID)).toEqual({ ok: true, value: addr });
      expect(decodeAddress(encodeAddress(addr))).toEqual({ ok: true, value: addr });
    }
  });

  it('rejects a transaction id of the wrong size', () => {
    expect(code(decodeXorAddress(bytes('0001 1234 7f000001'), new Uint8Array(11)))).toBe('BAD_VALUE');
  });

  it('refuses to encode invalid addresses', () => {
    const bad = [
      { family: 'IPv4', address: '256.0.0.1', port: 1 },
      { family: 'IPv4', address: '01.2.3.4', port: 1 },
      { family: 'IPv4', address: '::1', port: 1 },
      { family: 'IPv6', address: '1:2:3:4:5:6:7:8:9', port: 1 },
      { family: 'IPv6', address: '1::2::3', port: 1 },
      { family: 'IPv4', address: '1.2.3.4', port: 65536 },
    ] as const;
    for (const addr of bad) expect(() => encodeAddress(addr)).toThrow(StunEncodeError);
  });
});

describe('IPv6 text (RFC 5952)', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s -> %s', (input, canonical) => {
    const b = parseIPv6(input);
    expect(b && formatIPv6(b)).toBe(canonical);
  });
});

describe('scalar values', () => {
  it('decodeUtf8 enforces size and UTF-8', () => {
    expect(decodeUtf8(new TextEncoder().encode('ü'.repeat(256)), MAX_USERNAME_BYTES)).toEqual({ ok: true, value: 'ü'.repeat(256) });
    expect(code(decodeUtf8(new Uint8Array(514).fill(0x61), MAX_USERNAME_BYTES))).toBe('TOO_LARGE');
    expect(code(decodeUtf8(bytes('c328'), 10))).toBe('BAD_VALUE');
    expect(code(decodeUtf8(bytes('eda080'), 10))).toBe('BAD_VALUE'); // lone surrogate
  });

  it('decodeUint32 needs exactly 4 bytes', () => {
    expect(decodeUint32(bytes('ffffffff'))).toEqual({ ok: true, value: 0xffffffff });
    expect(code(decodeUint32(bytes('000000')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });

  it('ERROR-CODE', () => {
    expect(decodeErrorCode(bytes('00000401 556e617574686f72697a6564'))).toEqual({ ok: true, value: { code: 401, reason: 'Unauthorized' } });
    expect(decodeErrorCode(bytes('00000614'))).toEqual({ ok: true, value: { code: 620, reason: '' } });
    expect(code(decodeErrorCode(bytes('000004')))).toBe('BAD_ATTRIBUTE_LENGTH');
    expect(code(decodeErrorCode(bytes('00000264')))).toBe('BAD_VALUE'); // class 2
    expect(code(decodeErrorCode(bytes('00000464')))).toBe('BAD_VALUE'); // number 100
    expect(code(decodeErrorCode(bytes('00000401 ff')))).toBe('BAD_VALUE');
  });

  it('REQUESTED-TRANSPORT', () => {
    expect(decodeRequestedTransport(bytes('11000000'))).toEqual({ ok: true, value: 17 });
    expect(code(decodeRequestedTransport(bytes('11')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });

  it('CHANNEL-NUMBER', () => {
    expect(decodeChannelNumber(bytes('40000000'))).toEqual({ ok: true, value: 0x4000 });
    expect(decodeChannelNumber(bytes('4fff0000'))).toEqual({ ok: true, value: 0x4fff });
    expect(code(decodeChannelNumber(bytes('3fff0000')))).toBe('BAD_CHANNEL_NUMBER');
    expect(code(decodeChannelNumber(bytes('50000000')))).toBe('BAD_CHANNEL_NUMBER');
    expect(code(decodeChannelNumber(bytes('4000')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });

  it('UNKNOWN-ATTRIBUTES', () => {
    expect(decodeUnknownAttributes(bytes('00067777'))).toEqual({ ok: true, value: [6, 0x7777] });
    expect(code(decodeUnknownAttributes(bytes('000677')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });

  it('REQUESTED-ADDRESS-FAMILY', () => {
    expect(decodeRequestedAddressFamily(bytes('01000000'))).toEqual({ ok: true, value: 'IPv4' });
    expect(decodeRequestedAddressFamily(bytes('02000000'))).toEqual({ ok: true, value: 'IPv6' });
    expect(code(decodeRequestedAddressFamily(bytes('03000000')))).toBe('BAD_ADDRESS_FAMILY');
    expect(code(decodeRequestedAddressFamily(bytes('01')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });

  it('EVEN-PORT', () => {
    expect(decodeEvenPort(bytes('80'))).toEqual({ ok: true, value: { reserveNext: true } });
    expect(decodeEvenPort(bytes('00'))).toEqual({ ok: true, value: { reserveNext: false } });
    expect(code(decodeEvenPort(bytes('')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });

  it('PASSWORD-ALGORITHMS', () => {
    const r = decodePasswordAlgorithms(bytes('0002 0000 0001 0003 aabbcc00'));
    expect(r.ok && r.value.map((a) => [a.algorithm, Buffer.from(a.params).toString('hex')])).toEqual([
      [2, ''],
      [1, 'aabbcc'],
    ]);
    expect(code(decodePasswordAlgorithms(bytes('0002 00')))).toBe('BAD_ATTRIBUTE_LENGTH');
    expect(code(decodePasswordAlgorithms(bytes('0002 0008 0000')))).toBe('BAD_ATTRIBUTE_LENGTH');
  });
});
