/**
 * Stream headers: the first bytes of every tunnel stream, before the
 * forwarded TCP bytes. The session layer's STREAM_OPEN carries no metadata,
 * so the opener writes a {@link StreamRequest} (which service) and the
 * acceptor answers with a {@link StreamResponse} (accepted, or refused with a
 * stable code) before any payload flows.
 *
 * Encoding: `length u16 BE | UTF-8 JSON` with 1..{@link MAX_STREAM_HEADER_BYTES}
 * bytes of JSON. Parsed with zod: the other side is never trusted.
 */
import { z } from 'zod';

/** Largest header JSON in bytes; a longer declared length is a protocol error. */
export const MAX_STREAM_HEADER_BYTES = 1024;
/** Service names: 1..64 of lowercase letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const SERVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const serviceNameSchema = z.string().regex(SERVICE_NAME_PATTERN, 'service names are 1..64 of [a-z0-9._-], starting with a letter or digit');

/** Why a stream was refused. Stable codes, suitable as counter labels. */
export const STREAM_REFUSAL_CODES = [
  /** The agent has no service of that name (it never dials anything else). */
  'UNKNOWN_SERVICE',
  /** The user has no grant on the device at the moment of the open. */
  'ACCESS_DENIED',
  /** The device's agent is not connected to the gateway. */
  'DEVICE_OFFLINE',
  /** The agent could not connect to the service's target. */
  'TARGET_UNREACHABLE',
  /** The header was missing, malformed or too long. */
  'BAD_REQUEST',
  /** A limit (streams per device) was reached. */
  'STREAM_LIMIT',
] as const;
export type StreamRefusalCode = (typeof STREAM_REFUSAL_CODES)[number];

export const streamRequestSchema = z.strictObject({
  /** The service to reach, by name (never an address). */
  service: serviceNameSchema,
  /** Who opened the stream; set by the gateway when it forwards to the agent, ignored from clients. */
  user: z.string().min(1).max(128).optional(),
});
export type StreamRequest = z.infer<typeof streamRequestSchema>;

export const streamResponseSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), code: z.enum(STREAM_REFUSAL_CODES), message: z.string().max(512) }),
]);
export type StreamResponse = z.infer<typeof streamResponseSchema>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a header value as `length u16 | JSON`. Throws RangeError above the size limit (a caller bug). */
export function encodeStreamHeader(value: StreamRequest | StreamResponse): Uint8Array {
  const json = encoder.encode(JSON.stringify(value));
  if (json.length > MAX_STREAM_HEADER_BYTES) throw new RangeError(`stream header of ${json.length} bytes exceeds ${MAX_STREAM_HEADER_BYTES}`);
  const out = new Uint8Array(2 + json.length);
  new DataView(out.buffer).setUint16(0, json.length);
  out.set(json, 2);
  return out;
}

export type HeaderDecodeResult =
  | { readonly status: 'need-more' }
  | { readonly status: 'error'; readonly detail: string }
  | { readonly status: 'ok'; readonly json: unknown; readonly consumed: number };

/** Decodes one header from the start of `bytes`. Never throws. */
export function decodeStreamHeader(bytes: Uint8Array): HeaderDecodeResult {
  if (bytes.length < 2) return { status: 'need-more' };
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(0);
  if (length === 0 || length > MAX_STREAM_HEADER_BYTES) return { status: 'error', detail: `header length ${length} not in 1..${MAX_STREAM_HEADER_BYTES}` };
  if (bytes.length < 2 + length) return { status: 'need-more' };
  try {
    return { status: 'ok', json: JSON.parse(decoder.decode(bytes.subarray(2, 2 + length))), consumed: 2 + length };
  } catch {
    return { status: 'error', detail: 'header is not UTF-8 JSON' };
  }
}

/** What {@link readStreamHeader} yields: the parsed header and any payload bytes read past it. */
export type ReadHeaderResult<T> =
  | { readonly ok: true; readonly value: T; readonly rest: Uint8Array }
  | { readonly ok: false; readonly detail: string };

/**
 * Reads one header from a stream reader (WHATWG), validating it with
 * `schema`. Bytes after the header are returned in `rest` so no payload is lost.
 */
export async function readStreamHeader<T>(reader: ReadableStreamDefaultReader<Uint8Array>, schema: z.ZodType<T>): Promise<ReadHeaderResult<T>> {
  let buffered = new Uint8Array(0);
  for (;;) {
    const decoded = decodeStreamHeader(buffered);
    if (decoded.status === 'error') return { ok: false, detail: decoded.detail };
    if (decoded.status === 'ok') {
      const parsed = schema.safeParse(decoded.json);
      if (!parsed.success) return { ok: false, detail: parsed.error.issues.map((i) => `${i.path.join('.') || 'header'}: ${i.message}`).join('; ') };
      return { ok: true, value: parsed.data, rest: buffered.subarray(decoded.consumed) };
    }
    const { done, value } = await reader.read();
    if (done) return { ok: false, detail: 'stream ended before its header' };
    const next = new Uint8Array(buffered.length + value.length);
    next.set(buffered);
    next.set(value, buffered.length);
    buffered = next;
  }
}
