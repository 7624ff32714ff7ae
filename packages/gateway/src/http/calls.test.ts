import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, startTestApi, type TestApi } from './testkit/harness.js';

let api: TestApi;
let alice: { token: string; userId: string };
let bob: { token: string; userId: string };
let carol: { token: string; userId: string };
let chatAB: string;
let chatBC: string;
const T = Date.UTC(2025, 5, 1, 10);

beforeEach(async () => {
  api = await startTestApi();
  alice = await api.register('alice');
  bob = await api.register('bob');
  carol = await api.register('carol');
  chatAB = (await api.post('/api/chats', { members: ['bob'] }, alice.token)).json().id;
  chatBC = (await api.post('/api/chats', { members: ['carol'] }, bob.token)).json().id;
  const { calls } = api.stores;
  await calls.createCall({ id: 'call-ab', chatId: chatAB, mode: 'direct', initiatorId: alice.userId, createdAt: T, participantIds: [alice.userId, bob.userId] });
  await calls.markAnswered('call-ab', T + 2000);
  await calls.participantJoined('call-ab', bob.userId, T + 2000);
  await calls.addStats('call-ab', { userId: bob.userId, reportedAt: T + 5000, localCandidateType: 'host', remoteCandidateType: 'relay', rttMs: 1.5, packetsLost: 0, bytesSent: 10, bytesReceived: 20 });
  await calls.endCall('call-ab', { status: 'completed', reason: 'hangup', endedAt: T + 62_000, durationSeconds: 60 });
  await calls.createCall({ id: 'call-bc', chatId: chatBC, mode: 'room', initiatorId: bob.userId, createdAt: T + 100_000, participantIds: [bob.userId, carol.userId] });
});
afterEach(async () => {
  await api.close();
});

describe('GET /api/calls', () => {
  it('returns the history of the caller’s chats, newest first, timestamps as ISO strings', async () => {
    const res = await api.get('/api/calls', bob.token);
    expect(res.statusCode).toBe(200);
    const { calls } = res.json();
    expect(calls.map((c: { id: string }) => c.id)).toEqual(['call-bc', 'call-ab']);
    expect(calls[1]).toEqual({
      id: 'call-ab',
      chatId: chatAB,
      mode: 'direct',
      status: 'completed',
      reason: 'hangup',
      initiatorId: alice.userId,
      participants: [
        { userId: alice.userId, joinedAt: '2025-06-01T10:00:00.000Z', leftAt: '2025-06-01T10:01:02.000Z' },
        { userId: bob.userId, joinedAt: '2025-06-01T10:00:02.000Z', leftAt: '2025-06-01T10:01:02.000Z' },
      ],
      createdAt: '2025-06-01T10:00:00.000Z',
      answeredAt: '2025-06-01T10:00:02.000Z',
      endedAt: '2025-06-01T10:01:02.000Z',
      durationSeconds: 60,
      stats: [{ userId: bob.userId, reportedAt: '2025-06-01T10:00:05.000Z', localCandidateType: 'host', remoteCandidateType: 'relay', rttMs: 1.5, packetsLost: 0, bytesSent: 10, bytesReceived: 20 }],
    });
    expect(calls[0]).toMatchObject({ status: 'ringing', answeredAt: null, endedAt: null, durationSeconds: null, stats: [] });
  });

  it('shows only calls of chats the caller belongs to', async () => {
    expect((await api.get('/api/calls', alice.token)).json().calls.map((c: { id: string }) => c.id)).toEqual(['call-ab']);
    expect((await api.get('/api/calls', carol.token)).json().calls.map((c: { id: string }) => c.id)).toEqual(['call-bc']);
  });

  it('filters by chatId and limits the page', async () => {
    expect((await api.get(`/api/calls?chatId=${chatAB}`, bob.token)).json().calls.map((c: { id: string }) => c.id)).toEqual(['call-ab']);
    expect((await api.get('/api/calls?limit=1', bob.token)).json().calls.map((c: { id: string }) => c.id)).toEqual(['call-bc']);
  });

  it('answers 403 ACCESS_DENIED for a chat the caller is not in, and for an unknown chat alike', async () => {
    const foreign = errorOf(await api.get(`/api/calls?chatId=${chatBC}`, alice.token));
    expect(foreign).toMatchObject({ status: 403, code: 'ACCESS_DENIED' });
    expect(errorOf(await api.get('/api/calls?chatId=no-such-chat', alice.token))).toEqual(foreign);
  });

  it.each(['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'chatId='])('refuses the query %s (400 VALIDATION_FAILED)', async (query) => {
    expect(errorOf(await api.get(`/api/calls?${query}`, bob.token))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('requires a token', async () => {
    expect(errorOf(await api.get('/api/calls'))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
