import { signalingSamples } from '@peerlink/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveCallOptions } from './options.js';
import { CallHarness } from './testing.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };
const answer = { type: 'answer' as const, sdp: signalingSamples.CHROMIUM_ANSWER };

let h: CallHarness;
beforeEach(() => {
  h = new CallHarness({ disconnectGraceMs: 10_000, maxStatsReportsPerUser: 2, recentCallsLimit: 1 });
  h.chat('pair', ['alice', 'bob']);
  h.chat('room', ['alice', 'bob', 'carol']);
  h.connect('alice', 'a1');
  h.connect('bob', 'b1');
  h.connect('carol', 'c1');
});

function answered(): string {
  h.send('a1', 'call:initiate', { chatId: 'pair', offer });
  h.send('b1', 'call:answer', { chatId: 'pair', answer });
  for (const s of ['a1', 'b1']) h.take(s);
  return 'call-1';
}

describe('disconnect grace', () => {
  it('a participant whose socket comes back within the grace period stays in the call', () => {
    const callId = answered();
    h.disconnect('b1');
    expect(h.hasTimer({ kind: 'grace', userId: 'bob' })).toBe(true);
    h.advance(9_999);
    h.connect('bob', 'b1', true); // Socket.IO connection state recovery: same id
    expect(h.hasTimer({ kind: 'grace', userId: 'bob' })).toBe(false);
    h.advance(60_000);
    expect(h.manager.liveCalls).toBe(1);
    h.send('a1', 'call:ice-candidate', { chatId: 'pair', candidate: null });
    expect(h.takeEvent('b1', 'call:ice-candidate')).toEqual([{ chatId: 'pair', callId, candidate: null, from: 'alice' }]);
  });

  it('a new socket of the same user takes over the call', () => {
    const callId = answered();
    h.disconnect('b1');
    h.connect('bob', 'b9');
    h.send('a1', 'call:ice-candidate', { chatId: 'pair', candidate: null });
    expect(h.takeEvent('b9', 'call:ice-candidate')).toHaveLength(1);
    expect(h.send('b9', 'call:end', { chatId: 'pair', callId }).reply).toEqual({ ok: true, callId });
  });

  it('after the grace period a direct call ends and the other side is told', () => {
    const callId = answered();
    h.now += 5_000;
    h.disconnect('b1');
    h.advance(10_000);
    expect(h.takeEvent('a1', 'call:end')).toEqual([{ chatId: 'pair', callId, userId: 'bob', reason: 'disconnected' }]);
    expect(h.writes.at(-1)?.write).toMatchObject({ end: { status: 'completed', reason: 'disconnected', durationSeconds: 15 } });
  });

  it('only the call socket matters: closing another tab starts no grace period', () => {
    answered();
    h.connect('bob', 'b2');
    h.disconnect('b2');
    expect(h.hasTimer({ kind: 'grace', userId: 'bob' })).toBe(false);
  });

  it('in a room, the disconnected participant leaves; the last one ends the call', () => {
    h.send('a1', 'call:initiate', { chatId: 'room' });
    h.send('b1', 'call:join', { callId: 'call-1' });
    h.take('a1');
    h.disconnect('b1');
    h.advance(10_000);
    expect(h.takeEvent('a1', 'call:participant-left')).toEqual([{ chatId: 'room', callId: 'call-1', userId: 'bob', reason: 'disconnected' }]);
    h.disconnect('a1');
    h.advance(10_000);
    expect(h.takeEvent('c1', 'call:ended')).toMatchObject([{ status: 'completed', reason: 'disconnected' }]);
    expect(h.manager.liveCalls).toBe(0);
  });
});

describe('call:stats', () => {
  it('stores reports from participants, also shortly after the call ended', () => {
    const callId = answered();
    const report = { callId, localCandidateType: 'host', remoteCandidateType: 'srflx', rttMs: 12.5, packetsLost: 0 } as const;
    expect(h.send('a1', 'call:stats', report).reply).toEqual({ ok: true, callId });
    h.send('a1', 'call:end', { chatId: 'pair' });
    expect(h.send('b1', 'call:stats', { callId, bytesSent: 1000, bytesReceived: 2000 }).reply).toMatchObject({ ok: true });
    const stats = h.writes.filter((w) => w.write.op === 'addStats').map((w) => w.write);
    expect(stats).toEqual([
      {
        op: 'addStats',
        stats: { userId: 'alice', reportedAt: h.now, localCandidateType: 'host', remoteCandidateType: 'srflx', rttMs: 12.5, packetsLost: 0, bytesSent: null, bytesReceived: null },
      },
      {
        op: 'addStats',
        stats: { userId: 'bob', reportedAt: h.now, localCandidateType: null, remoteCandidateType: null, rttMs: null, packetsLost: null, bytesSent: 1000, bytesReceived: 2000 },
      },
    ]);
  });

  it('refuses strangers, non-participants, unknown calls and too many reports', () => {
    const callId = answered();
    h.connect('mallory', 'm1');
    expect(h.send('m1', 'call:stats', { callId }).reply).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect(h.send('a1', 'call:stats', { callId: 'nope' }).reply).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
    h.send('a1', 'call:stats', { callId });
    h.send('a1', 'call:stats', { callId });
    expect(h.send('a1', 'call:stats', { callId }).reply).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    h.send('a1', 'call:initiate', { chatId: 'room' }); // busy: refused, no call created
    h.send('a1', 'call:end', { chatId: 'pair' });
    h.send('c1', 'call:initiate', { chatId: 'room' });
    expect(h.send('b1', 'call:stats', { callId: 'call-2' }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
    h.send('c1', 'call:leave', { callId: 'call-2' }); // call-2 ends; recentCallsLimit 1 forgets call-1
    expect(h.send('b1', 'call:stats', { callId }).reply).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
  });
});

describe('lifecycle', () => {
  it('shutdown ends answered calls as completed and ringing ones as failed', () => {
    answered();
    h.send('c1', 'call:initiate', { chatId: 'room' }); // carol's room call: ringing (alice and bob are busy)
    h.shutdown();
    const ends = h.writes.filter((w) => w.write.op === 'endCall').map((w) => [w.callId, w.write]);
    expect(ends).toEqual([
      ['call-1', expect.objectContaining({ end: expect.objectContaining({ status: 'completed', reason: 'server-shutdown' }) })],
      ['call-2', expect.objectContaining({ end: expect.objectContaining({ status: 'failed', reason: 'server-shutdown' }) })],
    ]);
    expect(h.manager.liveCalls).toBe(0);
  });

  it('counts connected users, not sockets', () => {
    h.connect('alice', 'a2');
    expect(h.manager.connectedUsers).toBe(3);
    h.disconnect('a1');
    h.disconnect('a2');
    expect(h.manager.connectedUsers).toBe(2);
    expect(h.disconnect('unknown').actions).toEqual([]);
  });

  it('validates options once', () => {
    expect(() => resolveCallOptions({ ringTimeoutMs: 0 })).toThrow(/ringTimeoutMs/);
    expect(() => resolveCallOptions({ disconnectGraceMs: -1 })).toThrow(/disconnectGraceMs/);
    expect(resolveCallOptions({ disconnectGraceMs: 0 }).disconnectGraceMs).toBe(0);
    expect(() => resolveCallOptions({ maxParticipantsPerCall: 1 })).toThrow(/at least 2/);
    expect(resolveCallOptions().ringTimeoutMs).toBe(30_000);
  });
});
