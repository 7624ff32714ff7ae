import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsRehash, verifyPassword } from '../auth/passwords.js';
import { TokenService } from '../auth/tokens.js';
import { UNKNOWN_USER_HASH } from './routes-auth.js';
import { errorOf, startTestApi, TEST_JWT_SECRET, type TestApi } from './testkit/harness.js';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi({ now: () => Date.UTC(2025, 5, 1, 12) });
});
afterEach(async () => {
  await api.close();
});

describe('POST /api/auth/register', () => {
  it('creates the user and returns a token and the user (201)', async () => {
    const res = await api.post('/api/auth/register', { username: 'Alice_1.x-y', password: 'long enough' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toEqual({ id: expect.any(String), username: 'Alice_1.x-y', createdAt: '2025-06-01T12:00:00.000Z' });
    await expect(api.tokens.verify(body.token)).resolves.toEqual({ userId: body.user.id, username: 'Alice_1.x-y' });
    const stored = await api.stores.users.findUserByUsername('alice_1.x-y');
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    await expect(verifyPassword('long enough', stored!.passwordHash)).resolves.toBe(true);
  });

  it('refuses a username taken in any letter case (409 USERNAME_TAKEN)', async () => {
    await api.register('bob');
    const res = await api.post('/api/auth/register', { username: 'BOB', password: 'password-x' });
    expect(errorOf(res)).toEqual({ status: 409, code: 'USERNAME_TAKEN', message: 'username "BOB" is already taken' });
  });

  it('lets exactly one of two simultaneous registrations of a name win', async () => {
    const attempts = await Promise.all(
      ['zoe', 'ZOE', 'Zoe'].map((username) => api.post('/api/auth/register', { username, password: 'password-zoe' })),
    );
    expect(attempts.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    for (const res of attempts.filter((r) => r.statusCode === 409)) expect(errorOf(res).code).toBe('USERNAME_TAKEN');
  });

  it.each([
    ['missing password', { username: 'carol' }, 'password'],
    ['missing username', { password: 'password-x' }, 'username'],
    ['short password', { username: 'carol', password: '1234567' }, 'password: must be at least 8 characters'],
    ['long password', { username: 'carol', password: 'x'.repeat(257) }, 'password: must be at most 256 characters'],
    ['short username', { username: 'ab', password: 'password-x' }, 'username: must be 3–32 characters'],
    ['long username', { username: 'a'.repeat(33), password: 'password-x' }, 'username'],
    ['username with a space', { username: 'a b c', password: 'password-x' }, 'username'],
    ['wrong types', { username: 42, password: ['x'] }, 'username'],
    ['extra fields', { username: 'carol', password: 'password-x', admin: true }, 'admin'],
    ['an array body', ['carol', 'password-x'], 'invalid registration'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, body, mentions) => {
    const error = errorOf(await api.post('/api/auth/register', body));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.message).toContain(mentions);
  });
});

describe('POST /api/auth/login', () => {
  it('returns a fresh token for the right password, any username case', async () => {
    const { userId } = await api.register('dave');
    const res = await api.post('/api/auth/login', { username: 'DAVE', password: 'password-dave' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ id: userId, username: 'dave' });
    await expect(api.tokens.verify(body.token)).resolves.toMatchObject({ userId });
  });

  it('answers a wrong password and an unknown user identically (401 INVALID_CREDENTIALS)', async () => {
    await api.register('erin');
    const wrong = errorOf(await api.post('/api/auth/login', { username: 'erin', password: 'not-her-password' }));
    const unknown = errorOf(await api.post('/api/auth/login', { username: 'nobody', password: 'password-x' }));
    expect(wrong).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', message: 'wrong username or password' });
    expect(unknown).toEqual(wrong);
  });

  it('spends a full-cost hash on unknown users (the decoy hash is well-formed)', async () => {
    expect(needsRehash(UNKNOWN_USER_HASH)).toBe(false);
    await expect(verifyPassword('anything', UNKNOWN_USER_HASH)).resolves.toBe(false);
  });

  it('refuses malformed bodies with 400', async () => {
    expect(errorOf(await api.post('/api/auth/login', { username: 'x' }))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(errorOf(await api.post('/api/auth/login', { username: 'x', password: '' }))).toMatchObject({ status: 400 });
  });
});

describe('GET /api/me', () => {
  it('returns the token owner', async () => {
    const { token, userId } = await api.register('frank');
    const res = await api.get('/api/me', token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: { id: userId, username: 'frank', createdAt: '2025-06-01T12:00:00.000Z' } });
  });

  it('refuses missing, malformed, forged and expired tokens with 401 UNAUTHENTICATED', async () => {
    const { userId } = await api.register('gina');
    const forged = await new TokenService({ secret: `${TEST_JWT_SECRET}-forged` }).issue({ id: userId, username: 'gina' });
    const expired = await new TokenService({ secret: TEST_JWT_SECRET, ttlSeconds: 60, now: () => Date.UTC(2025, 0, 1) }).issue({ id: userId, username: 'gina' });
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing Authorization: Bearer token'],
      [{ authorization: 'Basic Z2luYTpwdw==' }, 'Authorization header must be "Bearer <token>"'],
      [{ authorization: 'Bearer' }, 'Authorization header must be "Bearer <token>"'],
      [{ authorization: 'Bearer not-a-jwt' }, 'token is malformed or not issued by this gateway'],
      [{ authorization: `Bearer ${forged}` }, 'token signature is invalid'],
      [{ authorization: `Bearer ${expired}` }, 'token expired'],
    ];
    for (const [headers, message] of cases) {
      const res = await api.app.inject({ method: 'GET', url: '/api/me', headers });
      expect(errorOf(res)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message });
    }
  });

  it('refuses a valid token of a user that does not exist', async () => {
    const token = await api.tokens.issue({ id: 'ghost', username: 'ghost' });
    expect(errorOf(await api.get('/api/me', token))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
