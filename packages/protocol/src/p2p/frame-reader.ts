import { decodeFrame } from './codec.js';
import { FRAME_HEADER_LENGTH, MAX_FRAME_PAYLOAD, type FrameDecodeResult } from './frames.js';

/**
 * Splits a byte stream (e.g. a TCP-like channel) into frames using the header
 * length. After the first error the reader stays failed: once framing is lost
 * the stream cannot be resynchronised, so the session must disconnect.
 * Buffers at most one frame (9 + 64 KiB bytes).
 */
export class FrameReader {
  #buffer = new Uint8Array(0);
  #failed = false;

  /** Appends bytes and returns every complete frame (or the first error). */
  push(chunk: Uint8Array): FrameDecodeResult[] {
    if (this.#failed) return [];
    const merged = new Uint8Array(this.#buffer.length + chunk.length);
    merged.set(this.#buffer, 0);
    merged.set(chunk, this.#buffer.length);
    const results: FrameDecodeResult[] = [];
    let at = 0;
    while (merged.length - at >= FRAME_HEADER_LENGTH) {
      const length = new DataView(merged.buffer, at + 5, 4).getUint32(0);
      if (length > MAX_FRAME_PAYLOAD) {
        this.#failed = true;
        results.push({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', detail: `${length} > ${MAX_FRAME_PAYLOAD}` } });
        return results;
      }
      const end = at + FRAME_HEADER_LENGTH + length;
      if (end > merged.length) break;
      const result = decodeFrame(merged.subarray(at, end));
      results.push(result);
      at = end;
      if (!result.ok) {
        this.#failed = true;
        return results;
      }
    }
    this.#buffer = merged.slice(at);
    return results;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.#buffer.length;
  }
}
