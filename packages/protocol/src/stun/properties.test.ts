/**
 * Property tests. Total runs across all properties come from PEERLINK_FUZZ_RUNS
 * (default 100000), split by the weights below.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Attr,
  decodeAddress,
  decodeChannelData,
  decodeErrorCode,
  decodePasswordAlgorithms,
  decodeStunMessage,
  decodeUnknownAttributes,
  decodeUtf8,
  decodeXorAddress,
  encodeChannelData,
  StunMessageBuilder,
  StunStreamFramer,
  verifyIntegrity,
  type StunClass,
} from './index.js';

const TOTAL_RUNS = Number(process.env['PEERLINK_FUZZ_RUNS'] ?? 100_000);
const runs = (share: number): number => Math.max(1, Math.floor(TOTAL_RUNS * share));

const RESERVED = new Set<number>([Attr.MESSAGE_INTEGRITY, Attr.MESSAGE_INTEGRITY_SHA256, Attr.FINGERPRINT]);
const attribute = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }).filter((t) => !RESERVED.has(t)),
  value: fc.uint8Array({ maxLength: 40 }),
});
const message = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  cls: fc.constantFrom<StunClass>(0, 1, 2, 3),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(attribute, { maxLength: 12 }),
  integrity: fc.option(fc.record({ key: fc.uint8Array({ maxLength: 32 }), algorithm: fc.constantFrom<'sha1' | 'sha256'>('sha1', 'sha256') }), {
    nil: undefined,
  }),
  fingerprint: fc.boolean(),
});
type MessageSpec = typeof message extends fc.Arbitrary<infer T> ? T : never;

function build(m: MessageSpec): Uint8Array {
  const b = new StunMessageBuilder(m.method, m.cls, m.transactionId);
  for (const a of m.attributes) b.add(a.type, a.value);
  return b.build({ ...(m.integrity ? { integrity: m.integrity } : {}), fingerprint: m.fingerprint });
}

/** Every decoder a server may apply to an attribute it received; none may throw. */
function exerciseDecoders(bytes: Uint8Array): void {
  const r = decodeStunMessage(bytes);
  if (!r.ok) return;
  verifyIntegrity(r.value, new Uint8Array(16));
  for (const a of r.value.attributes) {
    decodeAddress(a.value);
    decodeXorAddress(a.value, r.value.transactionId);
    decodeErrorCode(a.value);
    decodeUtf8(a.value, 763);
    decodeUnknownAttributes(a.value);
    decodePasswordAlgorithms(a.value);
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = input.slice();
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.kind) {
      case 'flip':
        b[at]! ^= 1 << m.bit;
        break;
      case 'set':
        b[at] = m.byte;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'insert':
        b = Uint8Array.from([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
        break;
    }
  }
  return b;
}

describe('STUN message properties', () => {
  it('build -> decode round-trips', () => {
    fc.assert(
      fc.property(message, (m) => {
        const r = decodeStunMessage(build(m));
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        expect(r.value.method).toBe(m.method);
        expect(r.value.class).toBe(m.cls);
        expect([...r.value.transactionId]).toEqual([...m.transactionId]);
        const user = r.value.attributes.filter((a) => !RESERVED.has(a.type));
        expect(user.map((a) => [a.type, [...a.value]])).toEqual(m.attributes.map((a) => [a.type, [...a.value]]));
        expect(verifyIntegrity(r.value, m.integrity?.key ?? new Uint8Array(0))).toBe(m.integrity ? 'ok' : 'missing');
      }),
      { numRuns: runs(0.08) },
    );
  });

  it('decodeStunMessage never throws on random bytes', () => {
    const withHeader = fc
      .tuple(fc.integer({ min: 0, max: 0x3fff }), fc.uint8Array({ maxLength: 120 }), fc.uint8Array({ minLength: 12, maxLength: 12 }))
      .map(([type, body, tid]) => {
        const out = new Uint8Array(20 + body.length);
        const v = new DataView(out.buffer);
        v.setUint16(0, type);
        v.setUint16(2, body.length & ~3);
        v.setUint32(4, 0x2112a442);
        out.set(tid, 8);
        out.set(body, 20);
        return out.subarray(0, 20 + (body.length & ~3));
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), withHeader), (bytes) => {
        exerciseDecoders(bytes);
      }),
      { numRuns: runs(0.3) },
    );
  });

  it('decodeStunMessage never throws on mutated valid messages', () => {
    fc.assert(
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, ms) => {
        exerciseDecoders(mutate(build(m), ms));
      }),
      { numRuns: runs(0.3) },
    );
  });
});

describe('ChannelData and stream properties', () => {
  it('decodeChannelData never throws and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0x4000, max: 0x4fff }), fc.boolean(), (bytes, channel, pad) => {
        decodeChannelData(bytes);
        const r = decodeChannelData(encodeChannelData(channel, bytes, { pad }));
        expect(r.ok && r.value.channel).toBe(channel);
        expect(r.ok && [...r.value.data]).toEqual([...bytes]);
      }),
      { numRuns: runs(0.1) },
    );
  });

  const frame = fc.oneof(
    message.map(build),
    fc.tuple(fc.integer({ min: 0x4000, max: 0x4fff }), fc.uint8Array({ maxLength: 50 })).map(([c, d]) => encodeChannelData(c, d, { pad: true })),
  );

  it('framer output does not depend on chunking', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
        const points = [...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % stream.length)))].sort((a, b) => a - b);
        const framer = new StunStreamFramer();
        const out: string[] = [];
        let start = 0;
        for (const p of [...points, stream.length]) {
          const r = framer.push(stream.subarray(start, p));
          if (!r.ok) throw new Error(r.error.code);
          out.push(...r.value.map((f) => Buffer.from(f).toString('hex')));
          start = p;
        }
        expect(out).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
        expect(framer.bufferedBytes).toBe(0);
      }),
      { numRuns: runs(0.12) },
    );
  });

  it('framer never throws on random or mutated streams', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 4 }), fc.array(mutation, { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 4 }), (frames, ms, cuts) => {
        const stream = mutate(Uint8Array.from(frames.flatMap((f) => [...f])), ms);
        const framer = new StunStreamFramer({ maxFrameBytes: 200 });
        let start = 0;
        for (const c of [...cuts.map((x) => x % (stream.length + 1)).sort((a, b) => a - b), stream.length]) {
          const r = framer.push(stream.subarray(start, Math.max(start, c)));
          if (r.ok) for (const f of r.value) exerciseDecoders(f);
          start = Math.max(start, c);
        }
      }),
      { numRuns: runs(0.1) },
    );
  });
});
