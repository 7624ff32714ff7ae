import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { fastCallSignal, fastIceCandidate, UNSURE } from './fast-path.js';
import { MAX_ID_LENGTH, MAX_MID_LENGTH, MAX_MLINE_INDEX } from './limits.js';
import { GOOD_CANDIDATES } from './samples.js';
import { createClientEventSchemas } from './schemas.js';

const schemas = createClientEventSchemas();
const tally = { accepted: 0, unsure: 0 };

/** The claim: the fast path returns UNSURE, or exactly what the zod schema returns (so the schema accepts too). */
function agrees(fast: unknown, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, payload: unknown): void {
  if (fast === UNSURE) {
    tally.unsure += 1;
    return;
  }
  tally.accepted += 1;
  const parsed = schema.safeParse(payload);
  expect(parsed.success, `schema refused what the fast path accepted: ${JSON.stringify(payload)}`).toBe(true);
  expect(fast).toStrictEqual(parsed.data);
}

const edgeIds = ['', 'a', 'x'.repeat(MAX_ID_LENGTH), 'x'.repeat(MAX_ID_LENGTH + 1), '😀'.repeat(MAX_ID_LENGTH / 2 + 1), 'user-1'];
const id = fc.oneof(
  { arbitrary: fc.constantFrom('call-1', 'user-2'), weight: 4 },
  fc.constantFrom(...edgeIds),
  fc.string({ maxLength: MAX_ID_LENGTH + 2 }),
);
const short = fc.oneof({ arbitrary: fc.constant('0'), weight: 3 }, fc.constantFrom('0', 'audio', 'x'.repeat(MAX_MID_LENGTH), 'x'.repeat(MAX_MID_LENGTH + 1)), fc.string());
const lineIndex = fc.oneof(
  fc.constantFrom(0, -0, 1, MAX_MLINE_INDEX, MAX_MLINE_INDEX + 1, -1, 0.5, NaN, Infinity, 2 ** 53),
  fc.integer({ min: -5, max: MAX_MLINE_INDEX + 5 }),
);
const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.double(), fc.string(), fc.constant([]), fc.object());

/** Candidate lines: real ones, real ones with one field mutated, and noise. */
const candidateLine = fc.oneof(
  { arbitrary: fc.constantFrom('', ...GOOD_CANDIDATES), weight: 3 },
  fc.tuple(fc.constantFrom(...GOOD_CANDIDATES), fc.nat(), fc.string({ maxLength: 12 })).map(([line, at, text]) => {
    const fields = line.split(' ');
    fields[at % fields.length] = text;
    return fields.join(' ');
  }),
  fc.tuple(fc.constantFrom(...GOOD_CANDIDATES), fc.nat(), fc.nat()).map(([line, from, length]) => line.slice(0, from % line.length) + line.slice((from % line.length) + (length % 8))),
  fc.string().map((s) => `candidate:${s}`),
);

/** Optional key: absent, present with a value from `value`, or present with junk. */
function maybe<T>(value: fc.Arbitrary<T>): fc.Arbitrary<{ present: boolean; value: unknown }> {
  return fc.oneof(
    { arbitrary: fc.constant({ present: false, value: undefined }), weight: 1 },
    { arbitrary: value.map((v) => ({ present: true, value: v })), weight: 6 },
    { arbitrary: junk.map((v) => ({ present: true, value: v })), weight: 1 },
  );
}

function record(parts: Record<string, { present: boolean; value: unknown }>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...extra };
  for (const [key, part] of Object.entries(parts)) if (part.present) out[key] = part.value;
  return out;
}

const candidateInit = fc
  .record({
    candidate: maybe(candidateLine),
    sdpMid: maybe(fc.oneof(fc.constant(null), short)),
    sdpMLineIndex: maybe(fc.oneof(fc.constant(null), lineIndex)),
    usernameFragment: maybe(fc.oneof(fc.constant(null), short)),
    extra: fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 }),
  })
  .map(({ extra, ...parts }) => record(parts, extra));
const candidateSignal = fc.oneof(fc.constant(null), { arbitrary: candidateInit, weight: 6 }, junk);

const signalPayload = fc.oneof(
  { arbitrary: fc
    .record({
      callId: maybe(id),
      to: maybe(id),
      type: maybe(fc.constantFrom('ice-candidate', 'ice-candidate', 'ice-candidate', 'offer', 'answer', 'ICE-CANDIDATE')),
      signal: maybe(candidateSignal),
      extra: fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 }),
    })
    .map(({ extra, ...parts }) => record(parts, extra)), weight: 8 },
  { arbitrary: junk, weight: 1 },
);

const icePayload = fc.oneof(
  fc
    .record({
      chatId: maybe(id),
      callId: maybe(fc.oneof(fc.constant(undefined), id)),
      candidate: maybe(candidateSignal),
      extra: fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 }),
    })
    .map(({ extra, ...parts }) => record(parts, extra)),
  junk,
);

describe('signaling fast path', () => {
  beforeEach(() => {
    tally.accepted = 0;
    tally.unsure = 0;
  });

  it('call:signal: accepts only what the zod schema accepts, with the same value', () => {
    fc.assert(
      fc.property(signalPayload, (payload) => agrees(fastCallSignal(payload), schemas['call:signal'], payload)),
      { numRuns: 5_000 },
    );
    // The generators must exercise both answers, or the property proves little.
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.unsure).toBeGreaterThan(100);
  });

  it('call:ice-candidate: accepts only what the zod schema accepts, with the same value', () => {
    fc.assert(
      fc.property(icePayload, (payload) => agrees(fastIceCandidate(payload), schemas['call:ice-candidate'], payload)),
      { numRuns: 5_000 },
    );
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.unsure).toBeGreaterThan(100);
  });

  it('decides the common messages itself (no zod), stripping unknown keys', () => {
    for (const line of GOOD_CANDIDATES) {
      const signal = { candidate: line, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null, extra: 'dropped' };
      expect(fastCallSignal({ callId: 'k', to: 'u', type: 'ice-candidate', signal, junk: 1 })).toStrictEqual({
        callId: 'k',
        to: 'u',
        type: 'ice-candidate',
        signal: { candidate: line, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null },
      });
      expect(fastIceCandidate({ chatId: 'c', candidate: { candidate: line, sdpMLineIndex: 1 } })).toStrictEqual({
        chatId: 'c',
        candidate: { candidate: line, sdpMLineIndex: 1 },
      });
    }
    expect(fastCallSignal({ callId: 'k', to: 'u', type: 'ice-candidate', signal: null })).toStrictEqual({
      callId: 'k',
      to: 'u',
      type: 'ice-candidate',
      signal: null,
    });
    expect(fastIceCandidate({ chatId: 'c', callId: undefined, candidate: { candidate: '' } })).toStrictEqual({
      chatId: 'c',
      callId: undefined,
      candidate: { candidate: '' },
    });
  });

  it('leaves SDP, malformed and borderline payloads to the schema', () => {
    const candidate = { candidate: GOOD_CANDIDATES[0], sdpMid: '0' };
    expect(fastCallSignal({ callId: 'k', to: 'u', type: 'offer', signal: { type: 'offer', sdp: 'v=0' } })).toBe(UNSURE);
    expect(fastCallSignal({ callId: 'k', to: 'u', type: 'ice-candidate', signal: { candidate: 'candidate:x', sdpMid: '0' } })).toBe(UNSURE);
    expect(fastCallSignal({ callId: 'k', to: 'u', type: 'ice-candidate', signal: { candidate: GOOD_CANDIDATES[0] } })).toBe(UNSURE);
    expect(fastCallSignal({ callId: '', to: 'u', type: 'ice-candidate', signal: candidate })).toBe(UNSURE);
    expect(fastCallSignal({ callId: 'k', to: 'u', type: 'ice-candidate' })).toBe(UNSURE);
    expect(fastIceCandidate({ chatId: 'c', callId: null, candidate })).toBe(UNSURE);
    expect(fastIceCandidate({ chatId: 'c', candidate: { ...candidate, sdpMLineIndex: MAX_MLINE_INDEX + 1 } })).toBe(UNSURE);
    // Four UTF-16 units per two emoji: zod counts code points, so this id is valid, but the fast path defers.
    const emojiId = '😀'.repeat(MAX_ID_LENGTH / 2 + 1);
    expect(fastCallSignal({ callId: emojiId, to: 'u', type: 'ice-candidate', signal: candidate })).toBe(UNSURE);
    expect(schemas['call:signal'].safeParse({ callId: emojiId, to: 'u', type: 'ice-candidate', signal: candidate }).success).toBe(true);
    expect([fastCallSignal([]), fastCallSignal(null), fastIceCandidate('x')]).toEqual([UNSURE, UNSURE, UNSURE]);
  });
});
