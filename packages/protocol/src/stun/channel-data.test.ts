import { describe, expect, it } from 'vitest';
import { decodeChannelData, encodeChannelData, encodeChannelDataHeader, StunEncodeError, type CodecErrorCode } from './index.js';

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('decodeChannelData', () => {
  it('decodes a view without copying', () => {
    const raw = bytes('4001 0003 616263');
    const r = decodeChannelData(raw);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.channel).toBe(0x4001);
    expect(Buffer.from(r.value.data).toString()).toBe('abc');
    expect(r.value.data.buffer).toBe(raw.buffer);
    expect(r.value.data.byteOffset).toBe(raw.byteOffset + 4);
  });

  it('accepts zero-length data and padding up to 4', () => {
    expect(decodeChannelData(bytes('4fff 0000'))).toMatchObject({ ok: true, value: { channel: 0x4fff } });
    expect(decodeChannelData(bytes('4000 0001 61 000000'))).toMatchObject({ ok: true, value: { channel: 0x4000 } });
  });

  it.each<[string, string, CodecErrorCode]>([
    ['3 bytes', '4000 00', 'TOO_SHORT'],
    ['channel 0x3fff', '3fff 0000', 'BAD_CHANNEL_NUMBER'],
    ['channel 0x5000 (reserved)', '5000 0000', 'BAD_CHANNEL_NUMBER'],
    ['channel 0x7fff (reserved)', '7fff 0000', 'BAD_CHANNEL_NUMBER'],
    ['channel 0x0001 (STUN)', '0001 0000', 'BAD_CHANNEL_NUMBER'],
    ['length overruns', '4000 0005 61626364', 'BAD_MESSAGE_LENGTH'],
    ['trailing bytes beyond padding', '4000 0001 61 00000000', 'BAD_MESSAGE_LENGTH'],
    ['4 trailing bytes after aligned data', '4000 0004 61626364 00000000', 'BAD_MESSAGE_LENGTH'],
  ])('%s -> %s', (_n, hex, code) => {
    const r = decodeChannelData(bytes(hex));
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });
});

describe('encodeChannelData', () => {
  it('encodes unpadded (UDP) and padded (TCP)', () => {
    const data = bytes('616263');
    expect(Buffer.from(encodeChannelData(0x4001, data)).toString('hex')).toBe('40010003616263');
    expect(Buffer.from(encodeChannelData(0x4001, data, { pad: true })).toString('hex')).toBe('4001000361626300');
    expect(encodeChannelData(0x4001, new Uint8Array(4), { pad: true }).length).toBe(8);
  });

  it('refuses invalid channels and oversize payloads', () => {
    expect(() => encodeChannelData(0x3fff, new Uint8Array(1))).toThrow(StunEncodeError);
    expect(() => encodeChannelData(0x5000, new Uint8Array(1))).toThrow(StunEncodeError);
    expect(() => encodeChannelData(0x4000, new Uint8Array(0x10000))).toThrow(StunEncodeError);
    expect(encodeChannelData(0x4000, new Uint8Array(0xffff)).length).toBe(0x10003);
  });

  it('encodeChannelDataHeader matches the full encoding', () => {
    expect(Buffer.from(encodeChannelDataHeader(0x4abc, 0x1234)).toString('hex')).toBe('4abc1234');
    expect(() => encodeChannelDataHeader(0x4000, 0x10000)).toThrow(StunEncodeError);
    expect(() => encodeChannelDataHeader(0x4000, -1)).toThrow(StunEncodeError);
  });
});
