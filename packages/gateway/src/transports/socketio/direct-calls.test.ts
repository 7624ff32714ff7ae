import { signalingSamples } from '@peerlink/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalingTestEnv, type TestUser } from './testkit.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };
const answer = { type: 'answer' as const, sdp: signalingSamples.CHROMIUM_ANSWER };
const candidate = { candidate: signalingSamples.GOOD_CANDIDATES[1]!, sdpMid: '0', sdpMLineIndex: 0 };

let env: SignalingTestEnv;
let alice: TestUser;
let bob: TestUser;
let chatId: string;
beforeEach(async () => {
  env = await SignalingTestEnv.start({ ringTimeoutMs: 400, disconnectGraceMs: 300 });
  alice = await env.user('alice');
  bob = await env.user('bob');
  chatId = await env.chat(alice, bob);
});
afterEach(() => env.close());

describe('1:1 calls over Socket.IO', () => {
  it('offer, answer, candidates both ways, end; history says completed with both participants', async () => {
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    const started = await a.request('call:initiate', { chatId, offer });
    expect(started).toMatchObject({ ok: true });
    const callId = started.ok ? started.callId! : '';
    expect(await b.next('call:offer')).toEqual({ chatId, callId, offer, callerId: alice.id });
    expect(await a.next('call:initiated')).toEqual({ chatId, callId, callerId: alice.id, mode: 'direct' });

    expect(await b.request('call:answer', { chatId, answer })).toEqual({ ok: true, callId });
    expect(await a.next('call:answer')).toEqual({ chatId, callId, answer });

    await a.request('call:ice-candidate', { chatId, candidate });
    expect(await b.next('call:ice-candidate')).toEqual({ chatId, callId, candidate, from: alice.id });
    await b.request('call:ice-candidate', { chatId, candidate: { candidate: '', sdpMid: '0' } });
    expect(await a.next('call:ice-candidate')).toEqual({ chatId, callId, candidate: { candidate: '', sdpMid: '0' }, from: bob.id });
    await b.request('call:ice-candidate', { chatId, candidate: null });
    expect((await a.next('call:ice-candidate')).candidate).toBeNull();

    expect(await a.request('call:stats', { callId, localCandidateType: 'host', remoteCandidateType: 'relay', rttMs: 3, packetsLost: 1, bytesSent: 10, bytesReceived: 20 })).toEqual({ ok: true, callId });
    expect(await b.request('call:end', { chatId })).toEqual({ ok: true, callId });
    expect(await a.next('call:end')).toEqual({ chatId, callId, userId: bob.id, reason: 'hangup' });
    expect(await a.next('call:ended')).toMatchObject({ callId, status: 'completed', reason: 'hangup' });
    expect(await b.next('call:ended')).toMatchObject({ callId, status: 'completed' });

    await env.signaling.close(); // drains history writes
    const record = await env.stores.calls.getCall(callId);
    expect(record).toMatchObject({ chatId, mode: 'direct', status: 'completed', reason: 'hangup', initiatorId: alice.id });
    expect(record?.answeredAt).not.toBeNull();
    expect(record?.endedAt).not.toBeNull();
    expect(record?.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(record?.participants.map((p) => [p.userId, p.joinedAt !== null, p.leftAt !== null]).sort()).toEqual(
      [[alice.id, true, true], [bob.id, true, true]].sort(),
    );
    expect(record?.stats).toEqual([
      expect.objectContaining({ userId: alice.id, localCandidateType: 'host', remoteCandidateType: 'relay', rttMs: 3, packetsLost: 1, bytesSent: 10, bytesReceived: 20 }),
    ]);
  });

  it('candidates sent right behind call:initiate (no wait for its ack) are held until the call exists, in order', async () => {
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    const lines = signalingSamples.GOOD_CANDIDATES.slice(0, 3);
    const replies = Promise.all([
      a.request('call:initiate', { chatId, offer }),
      ...lines.map((line) => a.request('call:ice-candidate', { chatId, candidate: { candidate: line, sdpMid: '0' } })),
    ]);
    const [started, ...relayed] = await replies;
    expect(started).toMatchObject({ ok: true });
    expect(relayed).toEqual(lines.map(() => ({ ok: true, callId: started.ok ? started.callId : '' })));
    await b.next('call:ice-candidate', (p) => p.candidate?.candidate === lines[2]);
    const order = b.received.map((r) => r.event);
    expect(order[0]).toBe('call:offer');
    expect(b.seen('call:ice-candidate').map((p) => (p as { candidate: { candidate: string } }).candidate.candidate)).toEqual(lines.slice(0, 2));
  });

  it('reject: the caller gets call:reject and call:rejected; stored as rejected', async () => {
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    await a.request('call:initiate', { chatId, offer });
    const { callId } = await b.next('call:offer');
    expect(await b.request('call:reject', { chatId })).toEqual({ ok: true, callId });
    expect(await a.next('call:reject')).toEqual({ chatId, callId, userId: bob.id });
    expect(await a.next('call:rejected')).toEqual({ chatId, callId, userId: bob.id });
    await env.signaling.close();
    expect(await env.stores.calls.getCall(callId)).toMatchObject({ status: 'rejected', reason: 'rejected', answeredAt: null });
  });

  it('unanswered: missed after the ring timeout, both sides told', async () => {
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    await a.request('call:initiate', { chatId, offer });
    const { callId } = await b.next('call:offer');
    const ended = { chatId, callId, status: 'missed', reason: 'timeout', durationSeconds: 0 };
    expect(await a.next('call:ended')).toEqual(ended);
    expect(await b.next('call:ended')).toEqual(ended);
    await env.signaling.close();
    expect(await env.stores.calls.getCall(callId)).toMatchObject({ status: 'missed', reason: 'timeout' });
  });

  it('caller hangs up before an answer: cancelled', async () => {
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    await a.request('call:initiate', { chatId, offer });
    const { callId } = await b.next('call:offer');
    await a.request('call:end', { chatId });
    expect(await b.next('call:end')).toMatchObject({ callId, reason: 'hangup' });
    await env.signaling.close();
    expect(await env.stores.calls.getCall(callId)).toMatchObject({ status: 'cancelled' });
  });

  it('multi-tab: every tab rings, the first answer wins, the other tab stops ringing', async () => {
    const a = await env.connect(alice);
    const tab1 = await env.connect(bob);
    const tab2 = await env.connect(bob);
    await a.request('call:initiate', { chatId, offer });
    const { callId } = await tab1.next('call:offer');
    await tab2.next('call:offer');
    expect(await tab2.request('call:answer', { chatId, answer })).toEqual({ ok: true, callId });
    expect(await tab1.next('call:answered-elsewhere')).toEqual({ chatId, callId });
    expect(await tab1.request('call:answer', { chatId, answer })).toMatchObject({ ok: false, error: { code: 'CALL_STATE' } });
    await a.request('call:ice-candidate', { chatId, candidate });
    await tab2.next('call:ice-candidate');
    await tab1.sync();
    expect(tab1.seen('call:ice-candidate')).toEqual([]);
  });

  it('refusals: non-member, offline callee, busy callee', async () => {
    const carol = await env.user('carol');
    const mallory = await env.user('mallory');
    const c = await env.connect(carol);
    const m = await env.connect(mallory);
    expect(await m.request('call:initiate', { chatId, offer })).toEqual({ ok: false, error: { code: 'ACCESS_DENIED', message: 'Access denied' } });
    expect(await m.next('call:error')).toEqual({ code: 'ACCESS_DENIED', message: 'Access denied', event: 'call:initiate', chatId });

    const a = await env.connect(alice);
    expect(await a.request('call:initiate', { chatId, offer })).toEqual({ ok: false, error: { code: 'USER_OFFLINE', message: 'User offline' } });

    const b = await env.connect(bob);
    const chatBc = await env.chat(bob, carol);
    await a.request('call:initiate', { chatId, offer });
    await b.next('call:offer');
    await b.request('call:answer', { chatId, answer });
    expect(await c.request('call:initiate', { chatId: chatBc, offer })).toEqual({ ok: false, error: { code: 'USER_BUSY', message: 'User busy' } });
    expect(await c.next('call:error')).toMatchObject({ code: 'USER_BUSY', message: 'User busy' });
    expect(await m.request('call:ice-candidate', { chatId, candidate })).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect(await m.request('call:end', { chatId })).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
  });
});
