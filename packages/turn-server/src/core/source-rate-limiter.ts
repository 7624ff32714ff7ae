/**
 * Rate limit for unauthenticated replies, per source IP (issue 3: amplification).
 *
 * This is the one piece of per-source state the server keeps before
 * authentication, and it is deliberately bounded: at most `maxSources` token
 * buckets live at once; when full, the least recently created bucket is
 * evicted (Map insertion order). Eviction can only hand a source a fresh
 * bucket, so the worst case stays `burst` replies per source per eviction
 * cycle, while memory never grows with the number of spoofed sources.
 */
import { TokenBucket } from './quotas.js';

export interface SourceRateLimitInit {
  /** Unauthenticated replies per second per source IP. Default 50. */
  readonly repliesPerSecond?: number;
  /** Burst of unauthenticated replies per source IP (many clients can share one NAT address). Default 200. */
  readonly burst?: number;
  /** Most source IPs tracked at once (memory bound). Default 65 536. */
  readonly maxSources?: number;
}

export class SourceRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxSources: number;

  constructor(init: SourceRateLimitInit = {}) {
    this.#rate = init.repliesPerSecond ?? 50;
    this.#burst = init.burst ?? 200;
    this.#maxSources = Math.max(1, init.maxSources ?? 65_536);
  }

  /** Consumes one reply for `source`; false when it must be dropped. */
  allow(source: string, now: number): boolean {
    let bucket = this.#buckets.get(source);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxSources) {
        const oldest = this.#buckets.keys().next();
        if (oldest.done !== true) this.#buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.#rate, this.#burst, now);
      this.#buckets.set(source, bucket);
    }
    return bucket.take(1, now);
  }

  /** Number of tracked sources (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }
}
