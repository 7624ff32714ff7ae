import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeFrameParts, joinFrameBytes } from './codec.js';
import { FrameReader } from './frame-reader.js';
import { MAX_FRAME_PAYLOAD, negotiateVersion, type FrameDecodeResult, type P2PFrame } from './frames.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));

describe('p2p frame codec: bytes on the wire', () => {
  it('HELLO {versions:[1,2], capabilities:["streams"]}', () => {
    const bytes = hex('01 00000000 0000000e  02 0001 0002  01 07 73747265616d73');
    expect(encodeFrame({ type: 'HELLO', versions: [1, 2], capabilities: ['streams'] })).toEqual(bytes);
    expect(decodeFrame(bytes)).toEqual({ ok: true, frame: { type: 'HELLO', versions: [1, 2], capabilities: ['streams'] } });
  });

  it('STREAM_WINDOW on stream 3 granting 65536', () => {
    const bytes = hex('05 00000003 00000004 00010000');
    expect(encodeFrame({ type: 'STREAM_WINDOW', streamId: 3, increment: 65536 })).toEqual(bytes);
  });

  it('DISCONNECT "bye"', () => {
    expect(encodeFrame({ type: 'DISCONNECT', reason: 'bye' })).toEqual(hex('09 00000000 00000003 627965'));
  });

  it.each([
    ['short header', '01 0000', 'TRUNCATED_HEADER'],
    ['length beyond payload', '02 00000000 00000005 01', 'LENGTH_MISMATCH'],
    ['oversized length', '02 00000000 00010001', 'PAYLOAD_TOO_LARGE'],
    ['unknown type', '7f 00000000 00000000', 'UNKNOWN_TYPE'],
    ['stream frame without stream', '04 00000000 00000001 aa', 'INVALID_STREAM_ID'],
    ['session frame with stream', '02 00000001 00000000', 'INVALID_STREAM_ID'],
    ['zero window increment', '05 00000001 00000004 00000000', 'INVALID_PAYLOAD'],
    ['bad close kind', '06 00000001 00000001 02', 'INVALID_PAYLOAD'],
    ['HELLO without versions', '01 00000000 00000002 00 00', 'INVALID_PAYLOAD'],
    ['HELLO capability with upper case', '01 00000000 00000006 01 0001 01 01 41', 'INVALID_PAYLOAD'],
    ['DISCONNECT invalid UTF-8', '09 00000000 00000001 ff', 'INVALID_PAYLOAD'],
    ['PING of 4 bytes', '07 00000000 00000004 01020304', 'INVALID_PAYLOAD'],
  ])('rejects %s with %s', (_name, bytes, code) => {
    const result = decodeFrame(hex(bytes));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('refuses to encode frames that break limits', () => {
    expect(() => encodeFrame({ type: 'DATA', payload: new Uint8Array(MAX_FRAME_PAYLOAD + 1) })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 'DISCONNECT', reason: 'x'.repeat(257) })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 'HELLO', versions: [], capabilities: [] })).toThrow(RangeError);
  });

  it('negotiates the highest common version', () => {
    expect(negotiateVersion([1, 2, 3], [2, 3, 4])).toBe(3);
    expect(negotiateVersion([1], [2])).toBeUndefined();
  });
});

const bytesArb = (max: number) => fc.uint8Array({ maxLength: max });
const streamId = fc.integer({ min: 1, max: 0xffff_ffff });
const capability = fc.stringMatching(/^[a-z0-9][a-z0-9./-]{0,20}$/);
const frameArb: fc.Arbitrary<P2PFrame> = fc.oneof(
  fc.record({
    type: fc.constant('HELLO' as const),
    versions: fc.array(fc.integer({ min: 1, max: 0xffff }), { minLength: 1, maxLength: 16 }),
    capabilities: fc.array(capability, { maxLength: 32 }),
  }),
  fc.record({ type: fc.constant('DATA' as const), payload: bytesArb(2048) }),
  fc.record({ type: fc.constant('STREAM_OPEN' as const), streamId, initialWindow: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  fc.record({ type: fc.constant('STREAM_DATA' as const), streamId, payload: fc.uint8Array({ minLength: 1, maxLength: 2048 }) }),
  fc.record({ type: fc.constant('STREAM_WINDOW' as const), streamId, increment: fc.integer({ min: 1, max: 0xffff_ffff }) }),
  fc.record({ type: fc.constant('STREAM_CLOSE' as const), streamId, kind: fc.constantFrom('fin' as const, 'reset' as const) }),
  fc.record({ type: fc.constantFrom('PING' as const, 'PONG' as const), opaque: fc.uint8Array({ minLength: 8, maxLength: 8 }) }),
  fc.record({ type: fc.constant('DISCONNECT' as const), reason: fc.string({ maxLength: 60 }) }),
);

describe('p2p frame codec: properties', () => {
  it('decode(encode(frame)) == frame', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        expect(decodeFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
      }),
    );
  });

  it('encodeFrameParts joins to encodeFrame; DATA/STREAM_DATA payloads are passed by reference', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        const parts = encodeFrameParts(frame);
        expect(joinFrameBytes(parts)).toEqual(encodeFrame(frame));
        if (frame.type === 'DATA' || frame.type === 'STREAM_DATA') {
          expect(parts).toHaveLength(2);
          expect(parts[1]).toBe(frame.payload);
        } else expect(parts).toHaveLength(1);
        expect(decodeFrame(parts)).toEqual({ ok: true, frame });
      }),
    );
  });

  it('decoding parts split anywhere gives the same result as decoding the whole', () => {
    fc.assert(
      fc.property(fc.oneof(frameArb.map(encodeFrame), bytesArb(64)), fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const parts = [...points, bytes.length].map((p, i, all) => bytes.subarray(i === 0 ? 0 : (all[i - 1] ?? 0), p));
        expect(decodeFrame(parts)).toEqual(decodeFrame(bytes));
      }),
    );
  });

  it('decodes payloads as views into the input (no copy)', () => {
    const bytes = encodeFrame({ type: 'STREAM_DATA', streamId: 1, payload: hex('0102030405') });
    const whole = decodeFrame(bytes);
    const header = bytes.subarray(0, 9);
    const body = bytes.subarray(9);
    const parts = decodeFrame([header, body]);
    if (!whole.ok || whole.frame.type !== 'STREAM_DATA' || !parts.ok || parts.frame.type !== 'STREAM_DATA') throw new Error('expected STREAM_DATA');
    expect(whole.frame.payload.buffer).toBe(bytes.buffer);
    expect(parts.frame.payload).toBe(body);
  });

  it('rejects a [header, payload] pair whose payload length disagrees with the header', () => {
    const [header] = encodeFrameParts({ type: 'STREAM_DATA', streamId: 1, payload: hex('0102') });
    const result = decodeFrame([header ?? new Uint8Array(0), hex('01')]);
    expect(result.ok ? 'ok' : result.error.code).toBe('LENGTH_MISMATCH');
  });

  it('decode never throws on arbitrary bytes', () => {
    fc.assert(fc.property(bytesArb(300), (bytes) => void decodeFrame(bytes)), { numRuns: 2000 });
  });

  it('decode never throws on mutated valid frames', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (frame, at, value) => {
        const bytes = encodeFrame(frame);
        bytes[at % bytes.length] = value;
        const result = decodeFrame(bytes);
        if (result.ok) expect(encodeFrame(result.frame).length).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('FrameReader reassembles frames split at any points', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const wire = concat(frames.map(encodeFrame));
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const reader = new FrameReader();
        const out: P2PFrame[] = [];
        let last = 0;
        for (const p of [...points, wire.length]) {
          for (const r of reader.push(wire.subarray(last, p))) if (r.ok) out.push(r.frame);
          last = p;
        }
        expect(out).toEqual(frames);
        expect(reader.buffered).toBe(0);
      }),
    );
  });

  it('FrameReader reassembles a full-size frame pushed one byte at a time, and frames whole in a chunk decode without a copy', () => {
    const payload = new Uint8Array(MAX_FRAME_PAYLOAD).map((_, i) => i & 0xff);
    const wire = encodeFrame({ type: 'STREAM_DATA', streamId: 7, payload });
    const reader = new FrameReader();
    const out: FrameDecodeResult[] = [];
    for (let i = 0; i < wire.length; i++) out.push(...reader.push(wire.subarray(i, i + 1)));
    expect(out).toEqual([{ ok: true, frame: { type: 'STREAM_DATA', streamId: 7, payload } }]);
    expect(reader.buffered).toBe(0);
    const [whole] = reader.push(wire);
    expect(whole?.ok === true && whole.frame.type === 'STREAM_DATA' && whole.frame.payload.buffer === wire.buffer).toBe(true);
  });

  it('FrameReader refuses an oversized length announced in a header split across chunks', () => {
    const reader = new FrameReader();
    expect(reader.push(hex('04 00000001 00'))).toEqual([]);
    expect(reader.push(hex('010001 aa'))).toEqual([{ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', detail: '65537 > 65536' } }]);
    expect(reader.push(hex('aa'))).toEqual([]);
  });

  it('FrameReader stops at the first malformed frame', () => {
    const reader = new FrameReader();
    const results = reader.push(concat([hex('7f 00000000 00000000'), encodeFrame({ type: 'DATA', payload: hex('01') })]));
    expect(results).toHaveLength(1);
    expect(results[0]?.ok).toBe(false);
    expect(reader.push(encodeFrame({ type: 'DATA', payload: hex('01') }))).toEqual([]);
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
