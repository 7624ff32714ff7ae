/**
 * Sans-I/O splitter for a TCP/TLS byte stream carrying STUN messages and
 * ChannelData back to back (RFC 8656 §11.5/§12.5). Frames are whole STUN
 * messages (header + body) or ChannelData including its padding to 4 bytes.
 */
import { CHANNEL_DATA_HEADER_BYTES, MAGIC_COOKIE, STUN_HEADER_BYTES } from './constants.js';
import { fail, ok, type CodecError, type Decoded } from './errors.js';

/** Largest frame the wire format allows: a STUN message with a 65532-byte body. */
export const MAX_STREAM_FRAME_BYTES = STUN_HEADER_BYTES + 0xfffc;

export interface StunStreamFramerOptions {
  /**
   * Largest frame accepted; a longer frame fails with 'TOO_LARGE' as soon as
   * its header is seen, before its bytes are buffered.
   * Must be an integer from 20 (an attribute-less STUN message) to
   * {@link MAX_STREAM_FRAME_BYTES}; the constructor throws a RangeError otherwise.
   * @default {@link MAX_STREAM_FRAME_BYTES} (no limit beyond the wire format)
   */
  readonly maxFrameBytes?: number;
}

/** Header bytes needed before the frame size is known and checked. */
const STUN_PREFIX_BYTES = 8; // type, length, magic cookie

type Size = { readonly size: number } | { readonly need: number } | { readonly error: CodecError };

function frameSize(b: Uint8Array, at: number, avail: number, max: number): Size {
  const first = b[at]!;
  // RFC 8656 §12: the first two bits are 0b00 for STUN (any method, so 0x00..0x3f)
  // and 0b01 for ChannelData, whose valid channels start with 0x40..0x4f.
  if (first < 0x40) {
    if (avail < STUN_PREFIX_BYTES) return { need: STUN_PREFIX_BYTES };
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    const cookie = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
    if (cookie !== MAGIC_COOKIE) return { error: { code: 'NOT_STUN', message: 'wrong magic cookie in stream' } };
    if (length % 4 !== 0) return { error: { code: 'BAD_MESSAGE_LENGTH', message: `length ${length} is not a multiple of 4` } };
    return sized(STUN_HEADER_BYTES + length, max);
  }
  if (first >= 0x40 && first <= 0x4f) {
    if (avail < CHANNEL_DATA_HEADER_BYTES) return { need: CHANNEL_DATA_HEADER_BYTES };
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    return sized((CHANNEL_DATA_HEADER_BYTES + length + 3) & ~3, max);
  }
  if (first < 0x80) return { error: { code: 'BAD_CHANNEL_NUMBER', message: `reserved channel prefix 0x${first.toString(16)}` } };
  return { error: { code: 'UNKNOWN_FRAME', message: `stream byte 0x${first.toString(16)} starts no frame` } };
}

function sized(size: number, max: number): Size {
  return size > max ? { error: { code: 'TOO_LARGE', message: `frame of ${size} bytes exceeds ${max}` } } : { size };
}

export class StunStreamFramer {
  readonly #max: number;
  /** Header bytes of a frame whose size is not yet known. */
  readonly #head = new Uint8Array(STUN_PREFIX_BYTES);
  #headLength = 0;
  /** The frame being filled once its size is known. */
  #frame: Uint8Array | undefined;
  #frameFill = 0;
  #error: CodecError | undefined;

  constructor(options?: StunStreamFramerOptions) {
    const max = options?.maxFrameBytes ?? MAX_STREAM_FRAME_BYTES;
    if (!Number.isInteger(max) || max < STUN_HEADER_BYTES || max > MAX_STREAM_FRAME_BYTES) {
      throw new RangeError(`maxFrameBytes ${max} outside ${STUN_HEADER_BYTES}..${MAX_STREAM_FRAME_BYTES}`);
    }
    this.#max = max;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.#frame ? this.#frameFill : this.#headLength;
  }

  /**
   * Feed stream bytes; returns the frames completed by this chunk. Frames may
   * be views into `chunk`, so the caller must not reuse `chunk`'s memory.
   * An error is final: every later call returns it and the stream must be
   * closed (frames completed earlier in the failing chunk are discarded).
   */
  push(chunk: Uint8Array): Decoded<Uint8Array[]> {
    if (this.#error) return { ok: false, error: this.#error };
    const frames: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#frame) {
        const n = Math.min(this.#frame.length - this.#frameFill, chunk.length - pos);
        this.#frame.set(chunk.subarray(pos, pos + n), this.#frameFill);
        this.#frameFill += n;
        pos += n;
        if (this.#frameFill === this.#frame.length) {
          frames.push(this.#frame);
          this.#frame = undefined;
          this.#frameFill = 0;
        }
        continue;
      }
      if (this.#headLength === 0) {
        // Fast path: the frame header is inside this chunk.
        const s = frameSize(chunk, pos, chunk.length - pos, this.#max);
        if ('error' in s) return this.#fail(s.error);
        if ('size' in s) {
          if (pos + s.size <= chunk.length) {
            frames.push(chunk.subarray(pos, pos + s.size));
            pos += s.size;
          } else {
            this.#startFrame(s.size, chunk.subarray(pos));
            pos = chunk.length;
          }
          continue;
        }
      }
      // Slow path: accumulate header bytes across chunks.
      this.#head[this.#headLength++] = chunk[pos++]!;
      const s = frameSize(this.#head, 0, this.#headLength, this.#max);
      if ('error' in s) return this.#fail(s.error);
      if ('size' in s) {
        this.#startFrame(s.size, this.#head.subarray(0, this.#headLength));
        this.#headLength = 0;
        if (this.#frameFill === s.size) {
          frames.push(this.#frame!);
          this.#frame = undefined;
          this.#frameFill = 0;
        }
      }
    }
    return ok(frames);
  }

  #startFrame(size: number, prefix: Uint8Array): void {
    this.#frame = new Uint8Array(size);
    this.#frame.set(prefix);
    this.#frameFill = prefix.length;
  }

  #fail(error: CodecError): Decoded<Uint8Array[]> {
    this.#error = error;
    this.#frame = undefined;
    this.#headLength = 0;
    return fail(error.code, error.message);
  }
}
