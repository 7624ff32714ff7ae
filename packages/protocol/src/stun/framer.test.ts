import { describe, expect, it } from 'vitest';
import { encodeChannelData, StunClass, StunMessageBuilder, StunMethod, StunStreamFramer, type CodecErrorCode } from './index.js';

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function frames(framer: StunStreamFramer, chunk: Uint8Array): string[] {
  const r = framer.push(chunk);
  if (!r.ok) throw new Error(r.error.code);
  return r.value.map(hex);
}

const stun = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(12).fill(1)).addString(0x8022, 'x').build({
  fingerprint: true,
});
const channel = encodeChannelData(0x4000, bytes('010203'), { pad: true });

describe('StunStreamFramer', () => {
  it('splits back-to-back STUN and padded ChannelData from one chunk', () => {
    const f = new StunStreamFramer();
    expect(frames(f, Buffer.concat([stun, channel, stun]))).toEqual([hex(stun), hex(channel), hex(stun)]);
    expect(f.bufferedBytes).toBe(0);
  });

  it('reassembles byte by byte', () => {
    const f = new StunStreamFramer();
    const out: string[] = [];
    const all = Buffer.concat([channel, stun]);
    for (let i = 0; i < all.length; i++) {
      out.push(...frames(f, all.subarray(i, i + 1)));
      const consumed = i + 1;
      const inFrame = consumed <= channel.length ? consumed % channel.length : (consumed - channel.length) % stun.length;
      expect(f.bufferedBytes).toBe(inFrame);
    }
    expect(out).toEqual([hex(channel), hex(stun)]);
  });

  it('frames STUN methods above 0xff (first byte up to 0x3f)', () => {
    const big = new StunMessageBuilder(0xfff, StunClass.ErrorResponse, new Uint8Array(12)).build();
    expect(big[0]).toBe(0x3f);
    expect(frames(new StunStreamFramer(), big)).toEqual([hex(big)]);
  });

  it('emits an empty ChannelData frame as soon as its header arrives', () => {
    const f = new StunStreamFramer();
    expect(frames(f, bytes('40'))).toEqual([]);
    expect(frames(f, bytes('010000'))).toEqual(['40010000']);
  });

  it.each<[string, string, CodecErrorCode]>([
    ['TLS/DTLS-looking byte 0x80', '80fefd00', 'UNKNOWN_FRAME'],
    ['reserved channel 0x5000', '50000000', 'BAD_CHANNEL_NUMBER'],
    ['wrong cookie', '00010000 2112a443', 'NOT_STUN'],
    ['STUN length not a multiple of 4', '00010002 2112a442', 'BAD_MESSAGE_LENGTH'],
  ])('fails on %s with %s, and stays failed', (_n, h, code) => {
    const f = new StunStreamFramer();
    const r = f.push(bytes(h));
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
    const again = f.push(stun);
    expect(again.ok ? 'ok' : again.error.code).toBe(code);
  });

  it('validates maxFrameBytes', () => {
    expect(() => new StunStreamFramer({ maxFrameBytes: 19 })).toThrow(RangeError);
    expect(() => new StunStreamFramer({ maxFrameBytes: 65553 })).toThrow(RangeError);
    expect(new StunStreamFramer({ maxFrameBytes: 20 }).bufferedBytes).toBe(0);
  });

  it('enforces maxFrameBytes from the header, before buffering the body', () => {
    const f = new StunStreamFramer({ maxFrameBytes: 100 });
    expect(frames(f, encodeChannelData(0x4000, new Uint8Array(96)))).toHaveLength(1); // exactly 100
    const r = f.push(bytes('4000 0061')); // 4 + 97 -> padded 104
    expect(r.ok ? 'ok' : r.error.code).toBe('TOO_LARGE');
    const g = new StunStreamFramer({ maxFrameBytes: 100 });
    const s = g.push(bytes('0001 0050 2112a442')); // 20 + 80 = 100 is fine
    expect(s.ok).toBe(true);
    expect(g.bufferedBytes).toBe(8);
    const h = new StunStreamFramer({ maxFrameBytes: 100 });
    const t = h.push(bytes('0001 0054 2112a442')); // 104
    expect(t.ok ? 'ok' : t.error.code).toBe('TOO_LARGE');
  });
});
