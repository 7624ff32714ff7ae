import { describe, expect, it } from 'vitest';
import { MessageGate, TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the configured rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(99)).toBe(false); // 0.99 token
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(10_000)).toBe(true); // capped at burst
    expect([1, 2, 3].map(() => bucket.take(10_000))).toEqual([true, true, false]);
  });

  it('ignores a clock going backwards', () => {
    const bucket = new TokenBucket(10, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
  });
});

describe('MessageGate', () => {
  it('reports the first refusal of a streak, then disconnects after maxViolations', () => {
    const gate = new MessageGate({ perSecond: 1, burst: 1, maxViolations: 3 }, 0);
    expect(gate.admit(0)).toBe('pass');
    expect(gate.admit(0)).toBe('refuse-first');
    expect(gate.admit(0)).toBe('refuse');
    expect(gate.admit(0)).toBe('disconnect');
  });

  it('a message let through resets the streak', () => {
    const gate = new MessageGate({ perSecond: 1, burst: 1, maxViolations: 3 }, 0);
    gate.admit(0);
    expect(gate.admit(0)).toBe('refuse-first');
    expect(gate.admit(0)).toBe('refuse');
    expect(gate.admit(1000)).toBe('pass');
    expect(gate.admit(1000)).toBe('refuse-first');
  });
});
