/**
 * zod schemas for every client → server payload. Built by
 * {@link createClientEventSchemas} because the SDP size limit is configurable.
 * Failures carry a stable code in the custom issue's `params.code`.
 */
import { z } from 'zod';
import { CANDIDATE_TYPES, parseCandidate } from './candidate.js';
import type { PayloadErrorCode } from './errors.js';
import { fastCallSignal, fastIceCandidate, UNSURE } from './fast-path.js';
import {
  DEFAULT_SIGNALING_LIMITS,
  MAX_ID_LENGTH,
  MAX_MID_LENGTH,
  MAX_MLINE_INDEX,
  type SignalingLimits,
} from './limits.js';
import type { ClientEventName, ClientToServerPayloads } from './payloads.js';
import { checkSessionDescription, SDP_TYPES, type SdpType } from './sdp.js';

const id = z.string().min(1).max(MAX_ID_LENGTH);

function issue(ctx: z.core.$RefinementCtx, code: PayloadErrorCode, message: string): void {
  ctx.addIssue({ code: 'custom', message, params: { code } });
}

function descriptionSchema(limits: SignalingLimits, allowed: readonly SdpType[]) {
  return z
    .object({ type: z.enum(SDP_TYPES), sdp: z.string() })
    .superRefine((value, ctx) => {
      if (!allowed.includes(value.type)) {
        issue(ctx, 'INVALID_SDP', `description type must be ${allowed.join(' or ')}`);
        return;
      }
      const problem = checkSessionDescription(value, limits.maxSdpBytes);
      if (problem) issue(ctx, problem.code, problem.message);
    });
}

const candidateInit = z
  .object({
    candidate: z.string(),
    sdpMid: z.string().max(MAX_MID_LENGTH).nullish(),
    sdpMLineIndex: z.number().int().min(0).max(MAX_MLINE_INDEX).nullish(),
    usernameFragment: z.string().max(MAX_MID_LENGTH).nullish(),
  })
  .superRefine((value, ctx) => {
    if (value.candidate === '') return; // end-of-candidates marker
    const parsed = parseCandidate(value.candidate);
    if (!parsed.ok) issue(ctx, 'INVALID_CANDIDATE', `malformed ICE candidate: ${parsed.message}`);
    else if (value.sdpMid == null && value.sdpMLineIndex == null) {
      issue(ctx, 'INVALID_CANDIDATE', 'ICE candidate needs sdpMid or sdpMLineIndex');
    }
  });

/** A candidate, or null for end-of-candidates. */
export const candidateSignalSchema = candidateInit.nullable();

const chatRef = z.object({ chatId: id, callId: id.optional() });
const callRef = z.object({ callId: id });
const toggle = z.object({ callId: id, enabled: z.boolean() });
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish();
const candidateType = z.enum(CANDIDATE_TYPES).nullish();

/** The schema of each client event's payload, by event name. */
export type ClientEventSchemas = { [K in ClientEventName]: z.ZodType<ClientToServerPayloads[K]> };

export function createClientEventSchemas(limits: SignalingLimits = DEFAULT_SIGNALING_LIMITS): ClientEventSchemas {
  const offer = descriptionSchema(limits, ['offer']);
  const answer = descriptionSchema(limits, ['answer', 'pranswer']);
  return {
    'call:initiate': z.object({ chatId: id, offer: offer.optional() }),
    'call:answer': z.object({ chatId: id, callId: id.optional(), answer }),
    'call:ice-candidate': z.object({ chatId: id, callId: id.optional(), candidate: candidateSignalSchema }),
    'call:reject': chatRef,
    'call:end': chatRef,
    'call:join': callRef,
    'call:signal': z.discriminatedUnion('type', [
      z.object({ callId: id, to: id, type: z.literal('offer'), signal: offer }),
      z.object({ callId: id, to: id, type: z.literal('answer'), signal: answer }),
      z.object({ callId: id, to: id, type: z.literal('ice-candidate'), signal: candidateSignalSchema }),
    ]),
    'call:toggle-audio': toggle,
    'call:toggle-video': toggle,
    'call:leave': callRef,
    'call:stats': z.object({
      callId: id,
      localCandidateType: candidateType,
      remoteCandidateType: candidateType,
      rttMs: z.number().min(0).max(3_600_000).nullish(),
      packetsLost: count,
      bytesSent: count,
      bytesReceived: count,
    }),
  };
}

export const CLIENT_EVENT_NAMES: readonly ClientEventName[] = Object.keys(createClientEventSchemas()) as ClientEventName[];

export function isClientEventName(name: string): name is ClientEventName {
  return (CLIENT_EVENT_NAMES as readonly string[]).includes(name);
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: PayloadErrorCode; readonly message: string };

/** Parses one client event payload; malformed input is a value, never an exception. */
export function parseClientEvent<K extends ClientEventName>(
  schemas: ClientEventSchemas,
  event: K,
  payload: unknown,
): ParseResult<ClientToServerPayloads[K]> {
  // The trickle messages take a fast path that returns what the schema would, or UNSURE (then the schema decides).
  const fast = event === 'call:signal' ? fastCallSignal(payload) : event === 'call:ice-candidate' ? fastIceCandidate(payload) : UNSURE;
  if (fast !== UNSURE) return { ok: true, value: fast as ClientToServerPayloads[K] };
  const result = schemas[event].safeParse(payload);
  if (result.success) return { ok: true, value: result.data };
  for (const found of result.error.issues) {
    const code: unknown = found.code === 'custom' ? found.params?.['code'] : undefined;
    if (typeof code === 'string') return { ok: false, code: code as PayloadErrorCode, message: found.message };
  }
  const first = result.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return { ok: false, code: 'VALIDATION_FAILED', message: `Invalid ${event} payload: ${where}${first?.message ?? 'invalid'}` };
}
