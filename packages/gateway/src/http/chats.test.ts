import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, startTestApi, type TestApi } from './testkit/harness.js';

let api: TestApi;
let alice: { token: string; userId: string };
let bob: { token: string; userId: string };
let carol: { token: string; userId: string };
beforeEach(async () => {
  let clock = Date.UTC(2025, 5, 1);
  api = await startTestApi({ now: () => (clock += 1000) });
  alice = await api.register('alice');
  bob = await api.register('bob');
  carol = await api.register('carol');
});
afterEach(async () => {
  await api.close();
});

describe('POST /api/chats', () => {
  it('creates a chat with the creator first, members resolved case-insensitively (201)', async () => {
    const res = await api.post('/api/chats', { members: ['BOB', 'carol', 'bob'], title: '  Team  ' }, alice.token);
    expect(res.statusCode).toBe(201);
    const chat = res.json();
    expect(chat).toEqual({
      id: expect.any(String),
      title: 'Team',
      members: [
        { id: alice.userId, username: 'alice' },
        { id: bob.userId, username: 'bob' },
        { id: carol.userId, username: 'carol' },
      ],
      createdBy: alice.userId,
      createdAt: expect.stringMatching(/^2025-06-01T00:00:\d\d\.000Z$/),
    });
    expect((await api.stores.chats.getChat(chat.id))?.members).toEqual([alice.userId, bob.userId, carol.userId]);
  });

  it('accepts a chat without a title and ignores the creator listing themself', async () => {
    const res = await api.post('/api/chats', { members: ['alice', 'bob'] }, alice.token);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ title: null, members: [{ username: 'alice' }, { username: 'bob' }] });
  });

  it('lists every unknown username (400)', async () => {
    const error = errorOf(await api.post('/api/chats', { members: ['bob', 'zed', 'yan'] }, alice.token));
    expect(error).toEqual({ status: 400, code: 'VALIDATION_FAILED', message: 'unknown users: zed, yan' });
    expect(await api.stores.chats.listChatsForUser(alice.userId)).toEqual([]);
  });

  it.each([
    ['no members', { members: [] }, 'members'],
    ['only the creator', { members: ['alice'] }, 'at least one other user'],
    ['17 members', { members: Array.from({ length: 16 }, (_, i) => `user${i}`) }, 'at most 16 members, creator included'],
    ['more than 16 listed', { members: Array.from({ length: 17 }, (_, i) => `user${i}`) }, 'members'],
    ['a malformed username', { members: ['b o b'] }, 'members.0'],
    ['members not an array', { members: 'bob' }, 'members'],
    ['a blank title', { members: ['bob'], title: '   ' }, 'title: must not be blank'],
    ['a long title', { members: ['bob'], title: 'x'.repeat(101) }, 'title'],
    ['unknown fields', { members: ['bob'], owner: 'x' }, 'owner'],
  ])('refuses %s (400 VALIDATION_FAILED)', async (_case, body, mentions) => {
    const error = errorOf(await api.post('/api/chats', body, alice.token));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.message).toContain(mentions);
  });

  it('requires a token', async () => {
    expect(errorOf(await api.post('/api/chats', { members: ['bob'] }))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('GET /api/chats', () => {
  it("lists the caller's chats, newest first, and nobody else's", async () => {
    const first = (await api.post('/api/chats', { members: ['bob'] }, alice.token)).json();
    const second = (await api.post('/api/chats', { members: ['carol'], title: 'B+C' }, bob.token)).json();
    const ids = async (token: string): Promise<string[]> => (await api.get('/api/chats', token)).json<{ chats: { id: string }[] }>().chats.map((c) => c.id);
    expect(await ids(bob.token)).toEqual([second.id, first.id]);
    expect(await ids(alice.token)).toEqual([first.id]);
    expect(await ids(carol.token)).toEqual([second.id]);
    const [chat] = (await api.get('/api/chats', carol.token)).json().chats;
    expect(chat).toEqual(second);
  });

  it('requires a token', async () => {
    expect(errorOf(await api.get('/api/chats'))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
