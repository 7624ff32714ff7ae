import { signalingSamples } from '@peerlink/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallHarness } from './testing.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };
const answer = { type: 'answer' as const, sdp: signalingSamples.CHROMIUM_ANSWER };
const candidate = { candidate: signalingSamples.GOOD_CANDIDATES[0]!, sdpMid: '0', sdpMLineIndex: 0 };

let h: CallHarness;
beforeEach(() => {
  h = new CallHarness({ ringTimeoutMs: 30_000, disconnectGraceMs: 10_000 });
  h.chat('c1', ['alice', 'bob']);
  h.chat('c2', ['bob', 'carol']);
  h.chat('c3', ['alice', 'bob', 'carol']);
  h.connect('alice', 'a1');
  h.connect('bob', 'b1');
  h.connect('bob', 'b2'); // second tab
  h.connect('carol', 'k1');
  h.connect('mallory', 'm1');
});

function ring(): string {
  const outcome = h.send('a1', 'call:initiate', { chatId: 'c1', offer });
  expect(outcome.reply).toEqual({ ok: true, callId: 'call-1' });
  return 'call-1';
}

describe('direct flow', () => {
  it('rings every socket of the callee and tells the caller the call id', () => {
    const callId = ring();
    for (const s of ['b1', 'b2']) {
      expect(h.takeEvent(s, 'call:offer')).toEqual([{ chatId: 'c1', callId, offer, callerId: 'alice' }]);
    }
    expect(h.takeEvent('a1', 'call:initiated')).toEqual([{ chatId: 'c1', callId, callerId: 'alice', mode: 'direct' }]);
    expect(h.take('k1')).toEqual([]);
    expect(h.ops(callId)).toEqual(['createCall']);
    expect(h.writes[0]?.write).toMatchObject({ call: { participantIds: ['alice', 'bob'], mode: 'direct' } });
    expect(h.hasTimer({ kind: 'ring', callId })).toBe(true);
  });

  it('first answer wins: caller gets the answer, other tabs stop ringing, a late answer is refused', () => {
    const callId = ring();
    h.now += 2_000;
    expect(h.send('b2', 'call:answer', { chatId: 'c1', answer }).reply).toEqual({ ok: true, callId });
    expect(h.takeEvent('a1', 'call:answer')).toEqual([{ chatId: 'c1', callId, answer }]);
    expect(h.takeEvent('b1', 'call:answered-elsewhere')).toEqual([{ chatId: 'c1', callId }]);
    expect(h.takeEvent('b2', 'call:answered-elsewhere')).toEqual([]);
    const late = h.send('b1', 'call:answer', { chatId: 'c1', answer });
    expect(late.reply).toMatchObject({ ok: false, error: { code: 'CALL_STATE' } });
    expect(h.takeEvent('b1', 'call:error')).toEqual([
      { code: 'CALL_STATE', message: 'Call already answered', event: 'call:answer', chatId: 'c1', callId },
    ]);
    expect(h.ops(callId)).toEqual(['createCall', 'participantJoined', 'markAnswered']);
    expect(h.hasTimer({ kind: 'ring', callId })).toBe(false);
  });

  it('relays candidates to the answering socket only, and refuses them from the other tab', () => {
    const callId = ring();
    h.send('a1', 'call:ice-candidate', { chatId: 'c1', candidate }); // before the answer: all tabs
    expect(h.takeEvent('b1', 'call:ice-candidate')).toHaveLength(1);
    h.send('b1', 'call:answer', { chatId: 'c1', answer });
    h.take('b2');
    h.send('a1', 'call:ice-candidate', { chatId: 'c1', candidate: null });
    expect(h.takeEvent('b1', 'call:ice-candidate')).toEqual([{ chatId: 'c1', callId, candidate: null, from: 'alice' }]);
    expect(h.take('b2')).toEqual([]);
    h.send('b1', 'call:ice-candidate', { chatId: 'c1', candidate });
    expect(h.takeEvent('a1', 'call:ice-candidate')).toEqual([{ chatId: 'c1', callId, candidate, from: 'bob' }]);
    expect(h.send('b2', 'call:ice-candidate', { chatId: 'c1', candidate }).reply).toMatchObject({
      error: { code: 'CALL_STATE', message: 'This call is on another device' },
    });
  });

  it('refuses non-members, offline and busy callees, and group chats', () => {
    expect(h.send('m1', 'call:initiate', { chatId: 'c1', offer }).reply).toEqual({
      ok: false,
      error: { code: 'ACCESS_DENIED', message: 'Access denied' },
    });
    expect(h.send('m1', 'call:initiate', { chatId: 'nope', offer }).reply).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect(h.send('a1', 'call:initiate', { chatId: 'c3', offer }).reply).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    h.disconnect('k1');
    expect(h.send('b1', 'call:initiate', { chatId: 'c2', offer }).reply).toEqual({
      ok: false,
      error: { code: 'USER_OFFLINE', message: 'User offline' },
    });
    h.connect('carol', 'k2');
    ring(); // bob is now ringing
    expect(h.send('k2', 'call:initiate', { chatId: 'c2', offer }).reply).toEqual({
      ok: false,
      error: { code: 'USER_BUSY', message: 'User busy' },
    });
    expect(h.send('a1', 'call:initiate', { chatId: 'c1', offer }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
    expect(h.takeEvent('m1', 'call:error')[0]).toMatchObject({ code: 'ACCESS_DENIED', event: 'call:initiate' });
    expect(h.writes.filter((w) => w.write.op === 'createCall')).toHaveLength(1);
  });

  it('refuses signaling from non-members of the chat', () => {
    ring();
    for (const [event, payload] of [
      ['call:answer', { chatId: 'c1', answer }],
      ['call:ice-candidate', { chatId: 'c1', candidate }],
      ['call:reject', { chatId: 'c1' }],
      ['call:end', { chatId: 'c1' }],
    ] as const) {
      expect(h.send('m1', event, payload as never).reply).toMatchObject({ error: { code: 'ACCESS_DENIED', message: 'Access denied' } });
    }
    expect(h.send('m1', 'call:leave', { callId: 'call-1' }).reply).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect(h.send('a1', 'call:answer', { chatId: 'c2', answer }).reply).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
  });

  it('ends unanswered calls as missed after the ring timeout and tells both sides', () => {
    const callId = ring();
    h.advance(29_999);
    expect(h.takeEvent('a1', 'call:ended')).toEqual([]);
    h.advance(1);
    const ended = { chatId: 'c1', callId, status: 'missed', reason: 'timeout', durationSeconds: 0 };
    for (const s of ['a1', 'b1', 'b2']) expect(h.takeEvent(s, 'call:ended')).toEqual([ended]);
    expect(h.ops(callId)).toEqual(['createCall', 'participantLeft', 'endCall']);
    expect(h.manager.liveCalls).toBe(0);
    // Both are free again.
    expect(h.send('b1', 'call:initiate', { chatId: 'c1', offer }).reply).toMatchObject({ ok: true });
  });

  it('reject: caller gets call:reject and call:rejected, the call is stored as rejected', () => {
    const callId = ring();
    expect(h.send('b2', 'call:reject', { chatId: 'c1' }).reply).toEqual({ ok: true, callId });
    const a1 = h.take('a1').map((d) => d.event);
    expect(a1).toEqual(['call:initiated', 'call:reject', 'call:rejected', 'call:ended']);
    expect(h.takeEvent('b1', 'call:ended')).toEqual([{ chatId: 'c1', callId, status: 'rejected', reason: 'rejected', durationSeconds: 0 }]);
    expect(h.writes.at(-1)?.write).toMatchObject({ op: 'endCall', end: { status: 'rejected', reason: 'rejected' } });
    expect(h.hasTimer({ kind: 'ring', callId })).toBe(false);
  });

  it('end before answer is cancelled; end after answer is completed with a duration', () => {
    let callId = ring();
    h.send('a1', 'call:end', { chatId: 'c1' });
    expect(h.takeEvent('b1', 'call:end')).toEqual([{ chatId: 'c1', callId, userId: 'alice', reason: 'hangup' }]);
    expect(h.writes.at(-1)?.write).toMatchObject({ end: { status: 'cancelled', durationSeconds: 0 } });

    h.send('a1', 'call:initiate', { chatId: 'c1', offer });
    callId = 'call-2';
    h.now += 1_000;
    h.send('b1', 'call:answer', { chatId: 'c1', callId, answer });
    h.now += 61_400;
    h.take('a1');
    expect(h.send('b1', 'call:end', { chatId: 'c1', callId }).reply).toEqual({ ok: true, callId });
    expect(h.takeEvent('a1', 'call:end')).toEqual([{ chatId: 'c1', callId, userId: 'bob', reason: 'hangup' }]);
    expect(h.writes.at(-1)?.write).toEqual({
      op: 'endCall',
      end: { status: 'completed', reason: 'hangup', endedAt: h.now, durationSeconds: 61 },
    });
    expect(h.ops(callId)).toEqual(['createCall', 'participantJoined', 'markAnswered', 'participantLeft', 'participantLeft', 'endCall']);
  });

  it('a tab opened while ringing rings too (unless it is a recovered socket)', () => {
    const callId = ring();
    h.connect('bob', 'b3');
    expect(h.takeEvent('b3', 'call:offer')).toEqual([{ chatId: 'c1', callId, offer, callerId: 'alice' }]);
    h.connect('bob', 'b4', true);
    expect(h.take('b4')).toEqual([]);
  });
});
