import type { P2PStream } from './provider.js';

/** Reads a stream's readable side to the end and concatenates the chunks. */
export async function readAll(stream: P2PStream, limit = 64 * 1024 * 1024): Promise<Uint8Array> {
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
    if (total > limit) throw new RangeError(`stream exceeded ${limit} bytes`);
  }
  reader.releaseLock();
  return concatBytes(chunks);
}

/** Writes `data` in `chunkSize` pieces, then closes the writable side (FIN). */
export async function writeAll(stream: P2PStream, data: Uint8Array, chunkSize = 16_384): Promise<void> {
  const writer = stream.writable.getWriter();
  for (let at = 0; at < data.length; at += chunkSize) await writer.write(data.subarray(at, at + chunkSize));
  await writer.close();
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Deterministic test payload: byte i is a hash of (seed, i), so shifted or dropped bytes are caught. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Index of the first differing byte, or -1 when equal (cheap; deep-equality matchers are slow on MiB arrays). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
