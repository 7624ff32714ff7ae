import { describe, expect, it } from 'vitest';
import { CHANNEL_LIFETIME_MS, CHANNEL_REBIND_QUARANTINE_MS, ChannelTable } from './channel.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { TransportAddress } from './five-tuple.js';
import { PERMISSION_LIFETIME_MS, PermissionTable } from './permission.js';
import { TokenBucket } from './quotas.js';
import { SourceRateLimiter } from './source-rate-limiter.js';

const peerA: TransportAddress = { family: 'IPv4', address: '203.0.113.1', port: 4000 };
const peerB: TransportAddress = { family: 'IPv4', address: '203.0.113.2', port: 4000 };

describe('PermissionTable', () => {
  it('lives exactly 300 s and is refreshed by a new install', () => {
    const table = new PermissionTable();
    table.install('203.0.113.1', 0);
    expect(table.has('203.0.113.1', PERMISSION_LIFETIME_MS - 1)).toBe(true);
    expect(table.has('203.0.113.1', PERMISSION_LIFETIME_MS)).toBe(false);
    table.install('203.0.113.1', 200_000);
    expect(table.has('203.0.113.1', 499_999)).toBe(true);
    expect(table.purge(500_000)).toBe(0);
  });

  it('matches IPv6 whatever the textual form', () => {
    const table = new PermissionTable();
    table.install('2001:db8::1', 0);
    expect(table.has('2001:DB8:0:0::1', 1)).toBe(true);
  });
});

describe('ChannelTable rebinding rules (RFC 8656 §12)', () => {
  it('refuses numbers outside 0x4000–0x4FFF', () => {
    const table = new ChannelTable();
    expect(table.bind(0x3fff, peerA, 0)).toEqual({ ok: false, reason: 'channel-out-of-range' });
    expect(table.bind(0x5000, peerA, 0)).toEqual({ ok: false, reason: 'channel-out-of-range' });
    expect(table.bind(0x4fff, peerA, 0)).toEqual({ ok: true, created: true });
  });

  it('refreshes the identical pair; refuses the channel to another peer and the peer to another channel', () => {
    const table = new ChannelTable();
    expect(table.bind(0x4000, peerA, 0).ok).toBe(true);
    expect(table.bind(0x4000, peerA, 100_000)).toEqual({ ok: true, created: false });
    expect(table.byChannel(0x4000, 100_000 + CHANNEL_LIFETIME_MS - 1)?.peer).toEqual(peerA);
    expect(table.bind(0x4000, peerB, 1)).toEqual({ ok: false, reason: 'channel-in-use' });
    expect(table.bind(0x4001, peerA, 1)).toEqual({ ok: false, reason: 'peer-bound-elsewhere' });
    expect(table.bind(0x4000, { ...peerA, port: 4001 }, 1)).toEqual({ ok: false, reason: 'channel-in-use' });
  });

  it('expires after 600 s, stays reserved 5 minutes, then frees number and peer', () => {
    const table = new ChannelTable();
    table.bind(0x4000, peerA, 0);
    const expired = CHANNEL_LIFETIME_MS;
    expect(table.byChannel(0x4000, expired)).toBeUndefined();
    expect(table.byPeerKey('203.0.113.1|4000', expired)).toBeUndefined();
    expect(table.bind(0x4000, peerB, expired + CHANNEL_REBIND_QUARANTINE_MS - 1).ok).toBe(false);
    expect(table.bind(0x4001, peerA, expired + CHANNEL_REBIND_QUARANTINE_MS - 1).ok).toBe(false);
    expect(table.bind(0x4000, peerB, expired + CHANNEL_REBIND_QUARANTINE_MS)).toEqual({ ok: true, created: true });
    expect(table.bind(0x4001, peerA, expired + CHANNEL_REBIND_QUARANTINE_MS)).toEqual({ ok: true, created: true });
  });

  it('lets the identical pair re-bind during the quarantine', () => {
    const table = new ChannelTable();
    table.bind(0x4000, peerA, 0);
    expect(table.bind(0x4000, peerA, CHANNEL_LIFETIME_MS + 1).ok).toBe(true);
    expect(table.byChannel(0x4000, CHANNEL_LIFETIME_MS + 2)?.peer).toEqual(peerA);
  });

  it('purges bindings whose quarantine ended', () => {
    const table = new ChannelTable();
    table.bind(0x4000, peerA, 0);
    expect(table.purge(CHANNEL_LIFETIME_MS)).toBe(1);
    expect(table.purge(CHANNEL_LIFETIME_MS + CHANNEL_REBIND_QUARANTINE_MS)).toBe(0);
  });
});

describe('rate limiting', () => {
  it('token bucket refills from the clock and caps at the burst', () => {
    const bucket = new TokenBucket(1000, 1500, 0);
    expect(bucket.take(1500, 0)).toBe(true);
    expect(bucket.take(1, 0)).toBe(false);
    expect(bucket.take(500, 500)).toBe(true);
    expect(bucket.take(1, 500)).toBe(false);
    expect(bucket.take(1500, 100_000)).toBe(true);
    expect(bucket.take(1, 100_000)).toBe(false);
  });

  it('limits replies per source and keeps memory bounded', () => {
    const limiter = new SourceRateLimiter({ repliesPerSecond: 1, burst: 2, maxSources: 3 });
    expect([limiter.allow('a', 0), limiter.allow('a', 0), limiter.allow('a', 0)]).toEqual([true, true, false]);
    expect(limiter.allow('b', 0)).toBe(true);
    for (let i = 0; i < 1000; i++) limiter.allow(`spoofed-${i}`, 0);
    expect(limiter.size).toBe(3);
    expect(limiter.allow('a', 1000)).toBe(true);
  });
});

describe('DeadlineQueue', () => {
  it('pops due ids in deadline order', () => {
    const queue = new DeadlineQueue();
    const deadlines = [50, 10, 40, 30, 20, 60, 10];
    deadlines.forEach((at, id) => queue.push(at, id));
    expect(queue.peek()).toBe(10);
    expect(queue.popDue(35).sort()).toEqual([1, 3, 4, 6]);
    expect(queue.peek()).toBe(40);
    expect(queue.popDue(100)).toEqual([2, 0, 5]);
    expect(queue.peek()).toBeUndefined();
  });
});
