import {
  CAPABILITY_PATTERN,
  FRAME_HEADER_LENGTH,
  FrameType,
  MAX_CAPABILITY_LENGTH,
  MAX_DISCONNECT_REASON_BYTES,
  MAX_FRAME_PAYLOAD,
  MAX_HELLO_CAPABILITIES,
  MAX_HELLO_VERSIONS,
  PING_PAYLOAD_LENGTH,
  type FrameDecodeErrorCode,
  type FrameDecodeResult,
  type P2PFrame,
} from './frames.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const TYPE_BY_CODE = new Map<number, P2PFrame['type']>(
  Object.entries(FrameType).map(([name, code]) => [code, name as P2PFrame['type']]),
);

/**
 * Encodes a frame into one new buffer. Throws `RangeError` when the frame
 * breaks a documented limit: that is a bug in the caller, never a property of
 * remote input. Data paths use {@link encodeFrameParts} (no payload copy).
 */
export function encodeFrame(frame: P2PFrame): Uint8Array {
  return joinFrameBytes(encodeFrameParts(frame));
}

/**
 * Encodes a frame as the parts to send back to back: `[header, payload]` for
 * DATA and STREAM_DATA, where `payload` is the caller's own bytes (not
 * copied: a gather write sends it as is), and one buffer for every other
 * frame. Same limits and `RangeError`s as {@link encodeFrame}.
 */
export function encodeFrameParts(frame: P2PFrame): readonly Uint8Array[] {
  switch (frame.type) {
    case 'DATA':
      return [frameHeader(FrameType.DATA, 0, frame.payload.length), frame.payload];
    case 'STREAM_DATA':
      if (frame.payload.length === 0) throw new RangeError('STREAM_DATA payload must not be empty');
      return [frameHeader(FrameType.STREAM_DATA, frame.streamId, frame.payload.length), frame.payload];
    case 'HELLO':
    case 'STREAM_OPEN':
    case 'STREAM_WINDOW':
    case 'STREAM_CLOSE':
    case 'PING':
    case 'PONG':
    case 'DISCONNECT':
      return [encodeControlFrame(frame)];
  }
}

/** Bytes of one frame, or the frame's parts in order (they concatenate to the frame). */
export type FrameBytes = Uint8Array | readonly Uint8Array[];

/** One buffer holding `bytes`: the buffer itself, the only part, or a copy joining the parts. */
export function joinFrameBytes(bytes: FrameBytes): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes.length === 1 && bytes[0] !== undefined) return bytes[0];
  let size = 0;
  for (const part of bytes) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of bytes) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Header part and, when the input is exactly `[header, payload]`, the payload part (else undefined: the payload follows the header in the first part). */
function splitFrameBytes(bytes: FrameBytes): readonly [Uint8Array, Uint8Array | undefined] {
  if (bytes instanceof Uint8Array) return [bytes, undefined];
  const [first, second] = bytes;
  if (bytes.length === 2 && first !== undefined && second !== undefined && first.length === FRAME_HEADER_LENGTH) return [first, second];
  return [joinFrameBytes(bytes), undefined];
}

function encodeControlFrame(frame: Exclude<P2PFrame, { type: 'DATA' | 'STREAM_DATA' }>): Uint8Array {
  switch (frame.type) {
    case 'HELLO': {
      if (frame.versions.length < 1 || frame.versions.length > MAX_HELLO_VERSIONS) throw new RangeError('HELLO versions: 1..16');
      if (frame.capabilities.length > MAX_HELLO_CAPABILITIES) throw new RangeError('HELLO capabilities: at most 32');
      const caps = frame.capabilities.map((c) => {
        if (!isCapability(c)) throw new RangeError(`invalid capability name: ${c}`);
        return utf8Encoder.encode(c);
      });
      const size = 1 + frame.versions.length * 2 + 1 + caps.reduce((n, c) => n + 1 + c.length, 0);
      const payload = new Uint8Array(size);
      const view = new DataView(payload.buffer);
      let at = 0;
      payload[at++] = frame.versions.length;
      for (const v of frame.versions) {
        if (!Number.isInteger(v) || v < 1 || v > 0xffff) throw new RangeError(`invalid version: ${v}`);
        view.setUint16(at, v);
        at += 2;
      }
      payload[at++] = caps.length;
      for (const c of caps) {
        payload[at++] = c.length;
        payload.set(c, at);
        at += c.length;
      }
      return withHeader(FrameType.HELLO, 0, payload);
    }
    case 'STREAM_OPEN':
      return withHeader(FrameType.STREAM_OPEN, frame.streamId, u32(frame.initialWindow));
    case 'STREAM_WINDOW':
      if (frame.increment < 1) throw new RangeError('STREAM_WINDOW increment must be >= 1');
      return withHeader(FrameType.STREAM_WINDOW, frame.streamId, u32(frame.increment));
    case 'STREAM_CLOSE':
      return withHeader(FrameType.STREAM_CLOSE, frame.streamId, Uint8Array.of(frame.kind === 'fin' ? 0 : 1));
    case 'PING':
    case 'PONG':
      if (frame.opaque.length !== PING_PAYLOAD_LENGTH) throw new RangeError('PING/PONG payload is 8 bytes');
      return withHeader(FrameType[frame.type], 0, frame.opaque);
    case 'DISCONNECT': {
      const reason = utf8Encoder.encode(frame.reason);
      if (reason.length > MAX_DISCONNECT_REASON_BYTES) throw new RangeError('DISCONNECT reason: at most 256 bytes');
      return withHeader(FrameType.DISCONNECT, 0, reason);
    }
  }
}

/**
 * Decodes exactly one frame, given whole or as consecutive parts (e.g. the
 * fragments of one WebSocket message). Never throws: malformed input is a
 * typed error value.
 *
 * Zero-copy: byte fields of the result (`payload`, `opaque`) are views into
 * the input, so the caller must not modify the input afterwards. Parts are
 * only joined (one copy) when the header is not exactly the first part.
 */
export function decodeFrame(bytes: FrameBytes): FrameDecodeResult {
  const [head, body] = splitFrameBytes(bytes);
  if (head.length < FRAME_HEADER_LENGTH) return fail('TRUNCATED_HEADER', `${head.length} < ${FRAME_HEADER_LENGTH} bytes`);
  const view = new DataView(head.buffer, head.byteOffset, FRAME_HEADER_LENGTH);
  const code = view.getUint8(0);
  const streamId = view.getUint32(1);
  const length = view.getUint32(5);
  if (length > MAX_FRAME_PAYLOAD) return fail('PAYLOAD_TOO_LARGE', `${length} > ${MAX_FRAME_PAYLOAD}`);
  const payload = body ?? head.subarray(FRAME_HEADER_LENGTH);
  if (payload.length !== length) {
    return fail('LENGTH_MISMATCH', `header says ${length}, got ${payload.length}`);
  }
  const type = TYPE_BY_CODE.get(code);
  if (type === undefined) return fail('UNKNOWN_TYPE', `type 0x${code.toString(16)}`);
  const perStream = type.startsWith('STREAM_');
  if (perStream !== (streamId !== 0)) {
    return fail('INVALID_STREAM_ID', perStream ? `${type} needs a stream id` : `${type} must use stream id 0`);
  }
  const pv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  switch (type) {
    case 'HELLO':
      return decodeHello(payload);
    case 'DATA':
      return ok({ type, payload });
    case 'STREAM_OPEN':
      if (payload.length !== 4) return fail('INVALID_PAYLOAD', 'STREAM_OPEN payload is 4 bytes');
      return ok({ type, streamId, initialWindow: pv.getUint32(0) });
    case 'STREAM_DATA':
      if (payload.length === 0) return fail('INVALID_PAYLOAD', 'empty STREAM_DATA');
      return ok({ type, streamId, payload });
    case 'STREAM_WINDOW': {
      if (payload.length !== 4) return fail('INVALID_PAYLOAD', 'STREAM_WINDOW payload is 4 bytes');
      const increment = pv.getUint32(0);
      if (increment === 0) return fail('INVALID_PAYLOAD', 'STREAM_WINDOW increment 0');
      return ok({ type, streamId, increment });
    }
    case 'STREAM_CLOSE':
      if (payload.length !== 1 || (payload[0] !== 0 && payload[0] !== 1)) {
        return fail('INVALID_PAYLOAD', 'STREAM_CLOSE payload is one byte: 0 fin, 1 reset');
      }
      return ok({ type, streamId, kind: payload[0] === 0 ? 'fin' : 'reset' });
    case 'PING':
    case 'PONG':
      if (payload.length !== PING_PAYLOAD_LENGTH) return fail('INVALID_PAYLOAD', `${type} payload is 8 bytes`);
      return ok({ type, opaque: payload });
    case 'DISCONNECT': {
      if (payload.length > MAX_DISCONNECT_REASON_BYTES) return fail('INVALID_PAYLOAD', 'DISCONNECT reason too long');
      const reason = decodeUtf8(payload);
      return reason === undefined ? fail('INVALID_PAYLOAD', 'DISCONNECT reason is not UTF-8') : ok({ type, reason });
    }
  }
}

function decodeHello(payload: Uint8Array): FrameDecodeResult {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 0;
  const versionCount = payload[at++] ?? 0;
  if (versionCount < 1 || versionCount > MAX_HELLO_VERSIONS) return fail('INVALID_PAYLOAD', 'HELLO lists 1..16 versions');
  if (payload.length < at + versionCount * 2 + 1) return fail('INVALID_PAYLOAD', 'HELLO truncated in versions');
  const versions: number[] = [];
  for (let i = 0; i < versionCount; i++, at += 2) {
    const v = view.getUint16(at);
    if (v === 0) return fail('INVALID_PAYLOAD', 'HELLO version 0');
    versions.push(v);
  }
  const capCount = payload[at++] ?? 0;
  if (capCount > MAX_HELLO_CAPABILITIES) return fail('INVALID_PAYLOAD', 'HELLO lists at most 32 capabilities');
  const capabilities: string[] = [];
  for (let i = 0; i < capCount; i++) {
    const len = payload[at++];
    if (len === undefined || len === 0 || len > MAX_CAPABILITY_LENGTH || at + len > payload.length) {
      return fail('INVALID_PAYLOAD', 'HELLO capability length');
    }
    const name = decodeUtf8(payload.subarray(at, at + len));
    if (name === undefined || !isCapability(name)) return fail('INVALID_PAYLOAD', 'HELLO capability name');
    capabilities.push(name);
    at += len;
  }
  if (at !== payload.length) return fail('INVALID_PAYLOAD', 'HELLO has trailing bytes');
  return ok({ type: 'HELLO', versions, capabilities });
}

function isCapability(name: string): boolean {
  return name.length > 0 && name.length <= MAX_CAPABILITY_LENGTH && CAPABILITY_PATTERN.test(name);
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function withHeader(code: number, streamId: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH + payload.length);
  out.set(frameHeader(code, streamId, payload.length), 0);
  out.set(payload, FRAME_HEADER_LENGTH);
  return out;
}

/** The 9 header bytes of a frame with a `length`-byte payload; checks the payload and stream id limits. */
function frameHeader(code: number, streamId: number, length: number): Uint8Array {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`payload ${length} > ${MAX_FRAME_PAYLOAD}`);
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > 0xffff_ffff) throw new RangeError('stream id is u32');
  const out = new Uint8Array(FRAME_HEADER_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint8(0, code);
  view.setUint32(1, streamId);
  view.setUint32(5, length);
  return out;
}

function u32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`not a u32: ${value}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function ok(frame: P2PFrame): FrameDecodeResult {
  return { ok: true, frame };
}

function fail(code: FrameDecodeErrorCode, detail: string): FrameDecodeResult {
  return { ok: false, error: { code, detail } };
}
