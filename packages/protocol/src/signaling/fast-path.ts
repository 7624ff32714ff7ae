/**
 * Allocation-light validators for the messages a call sends most: `call:signal`
 * carrying an ICE candidate and `call:ice-candidate`. They are an optimisation
 * of the zod schemas in `schemas.ts`, which stay the specification: a fast
 * validator either returns exactly the value the schema's parse returns, or
 * {@link UNSURE}, and then the caller parses with the schema (which also
 * produces the error). So the fast path can only accept, never reject, and it
 * accepts nothing the schema refuses; `fast-path.test.ts` checks both claims
 * with random and mutated payloads.
 *
 * Where the exact rule is costly to repeat, the fast path checks a stricter,
 * cheaper one and answers UNSURE otherwise (e.g. zod measures string limits in
 * code points; a string whose UTF-16 length fits fits either way).
 */
import { isCandidate } from './candidate-scan.js';
import { MAX_ID_LENGTH, MAX_MID_LENGTH, MAX_MLINE_INDEX } from './limits.js';
import type { CallIceCandidatePayload, CallSignalPayload, CandidateSignal, IceCandidateInit } from './payloads.js';

/** "Not decided here": parse with the zod schema instead. */
export const UNSURE: unique symbol = Symbol('signaling.fast-path.unsure');
export type Unsure = typeof UNSURE;

type Fields = Readonly<Record<string, unknown>>;

/** zod's object test (`util.isObject`): any non-null, non-array object. */
function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `z.string().min(1).max(MAX_ID_LENGTH)`, when decidable by UTF-16 length. */
function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH;
}

/** `z.string().max(MAX_MID_LENGTH).nullish()`. */
function isShortOrNullish(value: unknown): boolean {
  return value == null || (typeof value === 'string' && value.length <= MAX_MID_LENGTH);
}

/** `z.number().int().min(0).max(MAX_MLINE_INDEX).nullish()`. */
function isLineIndexOrNullish(value: unknown): boolean {
  return value == null || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_MLINE_INDEX);
}

/** The schema's `candidateSignalSchema` (an `RTCIceCandidateInit`, or null for end-of-candidates). */
export function fastCandidateSignal(value: unknown): CandidateSignal | Unsure {
  if (value === null) return null;
  if (!isFields(value)) return UNSURE;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value;
  if (typeof candidate !== 'string') return UNSURE;
  if (!isShortOrNullish(sdpMid) || !isLineIndexOrNullish(sdpMLineIndex) || !isShortOrNullish(usernameFragment)) return UNSURE;
  if (candidate !== '') {
    if (sdpMid == null && sdpMLineIndex == null) return UNSURE;
    if (!isCandidate(candidate)) return UNSURE;
  }
  // zod strips unknown keys and keeps a known key that is present (`in`, as zod tests it), even when undefined.
  const init: { -readonly [K in keyof IceCandidateInit]: IceCandidateInit[K] } = { candidate };
  if ('sdpMid' in value) init.sdpMid = sdpMid as IceCandidateInit['sdpMid'];
  if ('sdpMLineIndex' in value) init.sdpMLineIndex = sdpMLineIndex as IceCandidateInit['sdpMLineIndex'];
  if ('usernameFragment' in value) init.usernameFragment = usernameFragment as IceCandidateInit['usernameFragment'];
  return init;
}

/** `call:signal` with `type: 'ice-candidate'`; any other type is UNSURE (SDP goes through zod). */
export function fastCallSignal(payload: unknown): CallSignalPayload | Unsure {
  if (!isFields(payload)) return UNSURE;
  const { callId, to, type } = payload;
  if (type !== 'ice-candidate' || !isId(callId) || !isId(to)) return UNSURE;
  const signal = fastCandidateSignal(payload['signal']);
  if (signal === UNSURE) return UNSURE;
  return { callId, to, type, signal };
}

/** `call:ice-candidate` (the 1:1 flow's trickle message). */
export function fastIceCandidate(payload: unknown): CallIceCandidatePayload | Unsure {
  if (!isFields(payload)) return UNSURE;
  const { chatId, callId } = payload;
  if (!isId(chatId)) return UNSURE;
  const hasCallId = 'callId' in payload;
  if (hasCallId && callId !== undefined && !isId(callId)) return UNSURE;
  const candidate = fastCandidateSignal(payload['candidate']);
  if (candidate === UNSURE) return UNSURE;
  return hasCallId ? { chatId, callId: callId as string | undefined, candidate } : { chatId, candidate };
}
