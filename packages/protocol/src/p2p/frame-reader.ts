import { decodeFrame } from './codec.js';
import { FRAME_HEADER_LENGTH, MAX_FRAME_PAYLOAD, type FrameDecodeResult } from './frames.js';

const EMPTY = new Uint8Array(0);

/**
 * Splits a byte stream (e.g. a TCP-like channel) into frames using the header
 * length. After the first error the reader stays failed: once framing is lost
 * the stream cannot be resynchronised, so the session must disconnect.
 * Buffers at most one frame (9 + 64 KiB bytes).
 *
 * Frames that lie whole inside one pushed chunk decode as views into that
 * chunk (no copy; the caller must not modify a chunk after pushing it); only
 * the bytes of a frame split across chunks are copied.
 */
export class FrameReader {
  /** The split frame being completed: its header first, then (once the length is known) the whole frame. */
  #pending: Uint8Array = EMPTY;
  /** Bytes of `#pending` filled so far. */
  #filled = 0;
  #failed = false;

  /** Appends bytes and returns every complete frame (or the first error). */
  push(chunk: Uint8Array): FrameDecodeResult[] {
    if (this.#failed) return [];
    const results: FrameDecodeResult[] = [];
    let bytes = chunk;
    if (this.#filled > 0) {
      bytes = this.#fill(bytes);
      if (this.#pending.length === FRAME_HEADER_LENGTH && this.#filled === FRAME_HEADER_LENGTH) {
        // Header complete: size the buffer for the whole frame (one allocation per split frame).
        const length = payloadLength(this.#pending, 0);
        if (length > MAX_FRAME_PAYLOAD) return this.#fail(results, length);
        if (length > 0) {
          const frame = new Uint8Array(FRAME_HEADER_LENGTH + length);
          frame.set(this.#pending, 0);
          this.#pending = frame;
          bytes = this.#fill(bytes);
        }
      }
      if (this.#filled < this.#pending.length) return results;
      const result = decodeFrame(this.#pending);
      this.#pending = EMPTY;
      this.#filled = 0;
      results.push(result);
      if (!result.ok) {
        this.#failed = true;
        return results;
      }
    }
    let at = 0;
    while (bytes.length - at >= FRAME_HEADER_LENGTH) {
      const length = payloadLength(bytes, at);
      if (length > MAX_FRAME_PAYLOAD) return this.#fail(results, length);
      const end = at + FRAME_HEADER_LENGTH + length;
      if (end > bytes.length) break;
      const result = decodeFrame(bytes.subarray(at, end));
      results.push(result);
      at = end;
      if (!result.ok) {
        this.#failed = true;
        return results;
      }
    }
    if (at < bytes.length) {
      const rest = bytes.subarray(at);
      const length = rest.length >= FRAME_HEADER_LENGTH ? FRAME_HEADER_LENGTH + payloadLength(rest, 0) : FRAME_HEADER_LENGTH;
      this.#pending = new Uint8Array(length);
      this.#filled = 0;
      this.#fill(rest);
    }
    return results;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.#filled;
  }

  /** Copies what `#pending` still lacks from `bytes`; returns the rest of `bytes`. */
  #fill(bytes: Uint8Array): Uint8Array {
    const n = Math.min(bytes.length, this.#pending.length - this.#filled);
    this.#pending.set(bytes.subarray(0, n), this.#filled);
    this.#filled += n;
    return bytes.subarray(n);
  }

  #fail(results: FrameDecodeResult[], length: number): FrameDecodeResult[] {
    this.#failed = true;
    this.#pending = EMPTY;
    this.#filled = 0;
    results.push({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', detail: `${length} > ${MAX_FRAME_PAYLOAD}` } });
    return results;
  }
}

function payloadLength(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + at + 5, 4).getUint32(0);
}
