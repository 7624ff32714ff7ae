/** Per-socket message rate limiting: a token bucket plus an abuse counter. */
import type { RateLimitOptions } from './options.js';

/** Classic token bucket; time is passed in (ms), so it is deterministic. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if available. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * `pass`: handle the message. `refuse-first`: drop it and tell the client
 * once per streak. `refuse`: drop silently. `disconnect`: sustained abuse.
 */
export type GateVerdict = 'pass' | 'refuse-first' | 'refuse' | 'disconnect';

export class MessageGate {
  private readonly bucket: TokenBucket;
  private violations = 0;

  constructor(
    private readonly limits: RateLimitOptions,
    now: number,
  ) {
    this.bucket = new TokenBucket(limits.perSecond, limits.burst, now);
  }

  admit(now: number): GateVerdict {
    if (this.bucket.take(now)) {
      this.violations = 0;
      return 'pass';
    }
    this.violations += 1;
    if (this.violations >= this.limits.maxViolations) return 'disconnect';
    return this.violations === 1 ? 'refuse-first' : 'refuse';
  }
}
