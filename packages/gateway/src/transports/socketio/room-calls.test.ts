import { signalingSamples } from '@peerlink/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalingTestEnv, type TestClient, type TestUser } from './testkit.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };
const answer = { type: 'answer' as const, sdp: signalingSamples.CHROMIUM_ANSWER };
const candidate = { candidate: signalingSamples.GOOD_CANDIDATES[0]!, sdpMid: '0' };

let env: SignalingTestEnv;
let users: TestUser[];
let chatId: string;
beforeEach(async () => {
  env = await SignalingTestEnv.start({ ringTimeoutMs: 5_000, disconnectGraceMs: 250, maxParticipantsPerCall: 3 });
  users = [await env.user('ann'), await env.user('ben'), await env.user('cat'), await env.user('dan')];
  chatId = await env.chat(...users);
});
afterEach(() => env.close());

async function startRoom(): Promise<{ clients: TestClient[]; callId: string }> {
  const clients = await Promise.all(users.map((u) => env.connect(u)));
  const started = await clients[0]!.request('call:initiate', { chatId });
  expect(started).toMatchObject({ ok: true, participants: [] });
  const callId = started.ok ? started.callId! : '';
  for (const c of clients) expect(await c.next('call:initiated')).toEqual({ chatId, callId, callerId: users[0]!.id, mode: 'room' });
  return { clients, callId };
}

describe('room calls over Socket.IO', () => {
  it('join, pairwise signal, media toggles, leave, and call:ended when the last one leaves', async () => {
    const { clients, callId } = await startRoom();
    const [ann, ben, cat, dan] = clients as [TestClient, TestClient, TestClient, TestClient];
    expect(await ben.request('call:join', { callId })).toEqual({ ok: true, callId, participants: [users[0]!.id] });
    expect(await ann.next('call:participant-joined')).toEqual({ chatId, callId, userId: users[1]!.id });
    expect(await cat.request('call:join', { callId })).toEqual({ ok: true, callId, participants: [users[0]!.id, users[1]!.id] });
    await ann.next('call:participant-joined');
    await ben.next('call:participant-joined');
    expect(await dan.request('call:join', { callId })).toEqual({ ok: false, error: { code: 'CALL_FULL', message: 'Call is full' } });

    await cat.request('call:signal', { callId, to: users[0]!.id, type: 'offer', signal: offer });
    expect(await ann.next('call:signal')).toEqual({ callId, from: users[2]!.id, type: 'offer', signal: offer });
    await ann.request('call:signal', { callId, to: users[2]!.id, type: 'answer', signal: answer });
    expect(await cat.next('call:signal')).toEqual({ callId, from: users[0]!.id, type: 'answer', signal: answer });
    await ann.request('call:signal', { callId, to: users[2]!.id, type: 'ice-candidate', signal: candidate });
    expect(await cat.next('call:signal')).toMatchObject({ type: 'ice-candidate', signal: candidate });
    await ben.sync();
    expect(ben.seen('call:signal')).toEqual([]);
    expect(await dan.request('call:signal', { callId, to: users[0]!.id, type: 'ice-candidate', signal: null })).toMatchObject({
      error: { code: 'CALL_STATE' },
    });

    await ben.request('call:toggle-video', { callId, enabled: false });
    await cat.request('call:toggle-audio', { callId, enabled: true });
    expect(await ann.next('call:media-toggled')).toEqual({ callId, userId: users[1]!.id, kind: 'video', enabled: false });
    expect(await ann.next('call:media-toggled')).toEqual({ callId, userId: users[2]!.id, kind: 'audio', enabled: true });

    await ann.request('call:leave', { callId });
    expect(await ben.next('call:participant-left')).toEqual({ chatId, callId, userId: users[0]!.id, reason: 'left' });
    await ben.request('call:leave', { callId });
    await cat.request('call:leave', { callId });
    for (const c of clients) expect(await c.next('call:ended')).toMatchObject({ chatId, callId, status: 'completed', reason: 'left' });

    await env.signaling.close();
    const record = await env.stores.calls.getCall(callId);
    expect(record).toMatchObject({ mode: 'room', status: 'completed', initiatorId: users[0]!.id });
    const joined = record!.participants.filter((p) => p.joinedAt !== null).map((p) => p.userId).sort();
    expect(joined).toEqual([users[0]!.id, users[1]!.id, users[2]!.id].sort());
    expect(record!.participants.every((p) => p.joinedAt === null || p.leftAt !== null)).toBe(true);
  });

  it('a stranger cannot join or signal; a second room call in the chat is refused', async () => {
    const { clients, callId } = await startRoom();
    const stranger = await env.connect(await env.user('eve'));
    expect(await stranger.request('call:join', { callId })).toEqual({ ok: false, error: { code: 'ACCESS_DENIED', message: 'Access denied' } });
    expect(await stranger.request('call:signal', { callId, to: users[0]!.id, type: 'offer', signal: offer })).toMatchObject({
      error: { code: 'ACCESS_DENIED' },
    });
    expect(await stranger.request('call:toggle-audio', { callId, enabled: false })).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect(await clients[1]!.request('call:initiate', { chatId })).toMatchObject({ error: { code: 'CALL_STATE' } });
  });

  it('a participant who drops leaves after the grace period; a new socket in time keeps the seat', async () => {
    const { clients, callId } = await startRoom();
    const [ann, ben, cat] = clients as [TestClient, TestClient, TestClient];
    await ben.request('call:join', { callId });
    await cat.request('call:join', { callId });
    ben.socket.disconnect();
    await env.until(() => env.signaling.connectedUsers === 3, 'the server saw ben go');
    const benAgain = await env.connect(users[1]!); // within the grace period
    cat.socket.disconnect(); // cat never comes back; its grace timer fires after ben's would have
    expect(await ann.next('call:participant-left')).toEqual({ chatId, callId, userId: users[2]!.id, reason: 'disconnected' });
    expect(ann.seen('call:participant-left')).toEqual([]); // ben stayed
    await ann.request('call:signal', { callId, to: users[1]!.id, type: 'ice-candidate', signal: null });
    expect(await benAgain.next('call:signal')).toMatchObject({ from: users[0]!.id, type: 'ice-candidate' });
  });
});
