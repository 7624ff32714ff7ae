import { signalingSamples } from '@peerlink/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallHarness } from './testing.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };
const candidate = { candidate: signalingSamples.GOOD_CANDIDATES[1]!, sdpMid: '0' };

let h: CallHarness;
beforeEach(() => {
  h = new CallHarness({ ringTimeoutMs: 30_000, maxParticipantsPerCall: 3 });
  h.chat('room', ['alice', 'bob', 'carol', 'dave']);
  h.chat('pair', ['alice', 'bob']);
  for (const [user, socket] of [['alice', 'a1'], ['bob', 'b1'], ['bob', 'b2'], ['carol', 'c1'], ['dave', 'd1'], ['mallory', 'm1']]) {
    h.connect(user!, socket!);
  }
});

function start(): string {
  expect(h.send('a1', 'call:initiate', { chatId: 'room' }).reply).toEqual({ ok: true, callId: 'call-1', participants: [] });
  return 'call-1';
}

describe('room flow', () => {
  it('announces the call to every member, including the caller', () => {
    const callId = start();
    for (const s of ['a1', 'b1', 'b2', 'c1', 'd1']) {
      expect(h.takeEvent(s, 'call:initiated')).toEqual([{ chatId: 'room', callId, callerId: 'alice', mode: 'room' }]);
    }
    expect(h.take('m1')).toEqual([]);
    expect(h.send('b1', 'call:initiate', { chatId: 'room' }).reply).toEqual({
      ok: false,
      error: { code: 'CALL_STATE', message: 'A call is already in progress in this chat' },
    });
    expect(h.takeEvent('b1', 'call:error')[0]).toMatchObject({ callId });
  });

  it('join: participants are told, the joiner gets the list, other tabs stop ringing', () => {
    const callId = start();
    h.take('a1');
    h.now += 3_000;
    expect(h.send('b2', 'call:join', { callId }).reply).toEqual({ ok: true, callId, participants: ['alice'] });
    expect(h.takeEvent('a1', 'call:participant-joined')).toEqual([{ chatId: 'room', callId, userId: 'bob' }]);
    expect(h.takeEvent('b1', 'call:answered-elsewhere')).toEqual([{ chatId: 'room', callId }]);
    expect(h.ops(callId)).toEqual(['createCall', 'participantJoined', 'markAnswered']);
    expect(h.hasTimer({ kind: 'ring', callId })).toBe(false);
    expect(h.send('b2', 'call:join', { callId }).reply).toMatchObject({ ok: true }); // idempotent
    expect(h.send('b1', 'call:join', { callId }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
    expect(h.send('c1', 'call:join', { callId }).reply).toEqual({ ok: true, callId, participants: ['alice', 'bob'] });
    expect(h.send('d1', 'call:join', { callId }).reply).toEqual({ ok: false, error: { code: 'CALL_FULL', message: 'Call is full' } });
  });

  it('signal goes to the addressee only, with the sender filled in by the server', () => {
    const callId = start();
    h.send('b1', 'call:join', { callId });
    h.send('c1', 'call:join', { callId });
    for (const s of ['a1', 'b1', 'b2', 'c1']) h.take(s);
    h.send('c1', 'call:signal', { callId, to: 'alice', type: 'offer', signal: offer });
    h.send('c1', 'call:signal', { callId, to: 'alice', type: 'ice-candidate', signal: candidate });
    expect(h.take('a1')).toEqual([
      { event: 'call:signal', payload: { callId, from: 'carol', type: 'offer', signal: offer } },
      { event: 'call:signal', payload: { callId, from: 'carol', type: 'ice-candidate', signal: candidate } },
    ]);
    expect([...h.take('b1'), ...h.take('b2')]).toEqual([]);
    const toOutsider = h.send('c1', 'call:signal', { callId, to: 'dave', type: 'ice-candidate', signal: null });
    expect(toOutsider.reply).toMatchObject({ error: { code: 'CALL_STATE', message: 'Recipient is not in the call' } });
    const fromOutsider = h.send('d1', 'call:signal', { callId, to: 'alice', type: 'ice-candidate', signal: null });
    expect(fromOutsider.reply).toMatchObject({ error: { code: 'CALL_STATE', message: 'Not in this call' } });
    const fromStranger = h.send('m1', 'call:signal', { callId, to: 'alice', type: 'ice-candidate', signal: null });
    expect(fromStranger.reply).toEqual({ ok: false, error: { code: 'ACCESS_DENIED', message: 'Access denied' } });
    expect(h.send('m1', 'call:join', { callId }).reply).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect(h.send('m1', 'call:join', { callId: 'nope' }).reply).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
  });

  it('media toggles reach the other participants', () => {
    const callId = start();
    h.send('b1', 'call:join', { callId });
    h.take('a1');
    h.send('b1', 'call:toggle-video', { callId, enabled: false });
    h.send('a1', 'call:toggle-audio', { callId, enabled: true });
    expect(h.takeEvent('a1', 'call:media-toggled')).toEqual([{ callId, userId: 'bob', kind: 'video', enabled: false }]);
    expect(h.takeEvent('b1', 'call:media-toggled')).toEqual([{ callId, userId: 'alice', kind: 'audio', enabled: true }]);
    expect(h.send('c1', 'call:toggle-audio', { callId, enabled: true }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
  });

  it('leave notifies the others; the last one out ends the call for every member', () => {
    const callId = start();
    h.now += 1_000;
    h.send('b1', 'call:join', { callId });
    h.now += 45_000;
    for (const s of ['a1', 'b1', 'b2', 'c1', 'd1']) h.take(s);
    h.send('a1', 'call:leave', { callId });
    expect(h.takeEvent('b1', 'call:participant-left')).toEqual([{ chatId: 'room', callId, userId: 'alice', reason: 'left' }]);
    expect(h.take('c1')).toEqual([]);
    h.send('b1', 'call:end', { chatId: 'room' }); // call:end on a room call = leave
    const ended = { chatId: 'room', callId, status: 'completed', reason: 'left', durationSeconds: 45 };
    for (const s of ['a1', 'b1', 'b2', 'c1', 'd1']) expect(h.takeEvent(s, 'call:ended')).toEqual([ended]);
    expect(h.ops(callId)).toEqual(['createCall', 'participantJoined', 'markAnswered', 'participantLeft', 'participantLeft', 'endCall']);
    expect(h.send('b1', 'call:leave', { callId }).reply).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
  });

  it('nobody joins: missed after the ring timeout; initiator leaving first: cancelled', () => {
    let callId = start();
    h.advance(30_000);
    expect(h.takeEvent('c1', 'call:ended')).toEqual([{ chatId: 'room', callId, status: 'missed', reason: 'timeout', durationSeconds: 0 }]);
    h.take('d1');
    callId = h.send('a1', 'call:initiate', { chatId: 'room' }).reply.ok ? 'call-2' : '';
    h.send('a1', 'call:leave', { callId });
    expect(h.takeEvent('d1', 'call:ended')).toEqual([{ chatId: 'room', callId, status: 'cancelled', reason: 'left', durationSeconds: 0 }]);
  });

  it('declines: other tabs stop ringing; when everyone declined the call ends rejected', () => {
    const callId = start();
    h.take('a1');
    h.send('b1', 'call:reject', { chatId: 'room' });
    expect(h.takeEvent('b2', 'call:rejected-elsewhere')).toEqual([{ chatId: 'room', callId }]);
    expect(h.take('a1').map((d) => d.event)).toEqual(['call:reject', 'call:rejected']);
    h.send('c1', 'call:reject', { chatId: 'room' });
    h.send('d1', 'call:end', { chatId: 'room' }); // from a non-participant: a decline
    expect(h.takeEvent('a1', 'call:ended')).toEqual([{ chatId: 'room', callId, status: 'rejected', reason: 'rejected', durationSeconds: 0 }]);
  });

  it('a user in a call cannot join or start another one', () => {
    const callId = start();
    h.send('b1', 'call:join', { callId });
    h.send('b1', 'call:initiate', { chatId: 'pair', offer });
    expect(h.takeEvent('b1', 'call:error')).toEqual([{ code: 'CALL_STATE', message: 'Already in a call', event: 'call:initiate', chatId: 'pair' }]);
  });

  it('direct and room events do not mix', () => {
    const callId = start();
    expect(h.send('b1', 'call:answer', { chatId: 'room', answer: offer }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
    expect(h.send('b1', 'call:ice-candidate', { chatId: 'room', candidate: null }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
    h.send('a1', 'call:leave', { callId });
    h.send('a1', 'call:initiate', { chatId: 'pair', offer });
    expect(h.send('b1', 'call:join', { callId: 'call-2' }).reply).toMatchObject({ error: { code: 'CALL_STATE' } });
  });
});
