import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { toErrorResponse } from './errors.js';
import { HTTP_BODY_LIMIT_BYTES } from './schemas.js';
import { errorOf, startTestApi, type TestApi } from './testkit/harness.js';

const opened: TestApi[] = [];
async function open(options?: Parameters<typeof startTestApi>[0]): Promise<TestApi> {
  const api = await startTestApi(options);
  opened.push(api);
  return api;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((api) => api.close()));
});

const json = { 'content-type': 'application/json' };

describe('request errors', () => {
  it('answers bad JSON with 400 BAD_REQUEST', async () => {
    const api = await open();
    const res = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: '{"username": "a",', headers: json });
    expect(errorOf(res)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const empty = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: '', headers: json });
    expect(errorOf(empty)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('refuses a prototype-pollution body', async () => {
    const api = await open();
    const res = await api.app.inject({ method: 'POST', url: '/api/auth/register', payload: '{"__proto__": {"admin": true}, "username": "abc", "password": "password-x"}', headers: json });
    expect(res.statusCode).toBe(400);
  });

  it(`answers bodies over ${HTTP_BODY_LIMIT_BYTES} bytes with 413 PAYLOAD_TOO_LARGE`, async () => {
    const api = await open();
    const { token } = await api.register('alice');
    const payload = JSON.stringify({ members: ['bob'], title: 'x'.repeat(HTTP_BODY_LIMIT_BYTES) });
    const res = await api.app.inject({ method: 'POST', url: '/api/chats', payload, headers: { ...json, authorization: `Bearer ${token}` } });
    expect(errorOf(res)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const big = await api.app.inject({ method: 'POST', url: '/api/auth/register', payload: JSON.stringify({ username: 'abc', password: 'p'.repeat(HTTP_BODY_LIMIT_BYTES) }), headers: json });
    expect(errorOf(big)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers non-JSON bodies with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const api = await open();
    const res = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: 'username=a&password=b', headers: { 'content-type': 'text/plain' } });
    expect(errorOf(res)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const form = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(errorOf(form)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers a body-less POST with 400 VALIDATION_FAILED', async () => {
    const api = await open();
    expect(errorOf(await api.app.inject({ method: 'POST', url: '/api/auth/login' }))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers unknown API routes and wrong methods with 404 NOT_FOUND', async () => {
    const api = await open();
    expect(errorOf(await api.get('/api/nope'))).toEqual({ status: 404, code: 'NOT_FOUND', message: 'no route GET /api/nope' });
    expect(errorOf(await api.app.inject({ method: 'DELETE', url: '/api/chats' }))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('maps errors onto codes and hides internal details', () => {
    expect(toErrorResponse(new GatewayError('CALL_STATE', 'busy'))).toEqual({ status: 409, body: { error: { code: 'CALL_STATE', message: 'busy' } } });
    expect(toErrorResponse(new GatewayError('INTERNAL', 'db password is hunter2'))).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
    expect(toErrorResponse(new Error('secret detail'))).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
    expect(toErrorResponse(Object.assign(new Error('slow down'), { statusCode: 429 })).body.error.code).toBe('RATE_LIMITED');
    expect(toErrorResponse(Object.assign(new Error('teapot'), { statusCode: 418 })).body.error).toEqual({ code: 'BAD_REQUEST', message: 'teapot' });
  });
});

describe('rate limit on login/register', () => {
  it('answers the request over the per-IP limit with 429 RATE_LIMITED and Retry-After', async () => {
    const api = await open({ authRateLimit: { max: 2, timeWindowMs: 60_000 } });
    const login = (): ReturnType<TestApi['post']> => api.post('/api/auth/login', { username: 'nobody', password: 'password-x' });
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    const limited = await login();
    expect(errorOf(limited)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // register keeps its own budget; other routes are not limited
    expect((await api.post('/api/auth/register', { username: 'alice', password: 'password-alice' })).statusCode).toBe(201);
    for (let i = 0; i < 3; i++) expect((await api.get('/healthz')).statusCode).toBe(200);
  });
});

describe('GET /healthz', () => {
  it('reports ok while the database answers, 503 DATABASE_UNAVAILABLE once it does not', async () => {
    const api = await open();
    const ok = await api.get('/healthz');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', db: 'ok' });
    await api.stores.close();
    const down = await api.get('/healthz');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'error', db: 'unavailable', error: { code: 'DATABASE_UNAVAILABLE', message: 'the database did not answer' } });
  });
});

describe('GET /healthz with a hung database', () => {
  it('gives up after healthTimeoutMs with 503', async () => {
    const api = await open({ healthTimeoutMs: 50 });
    Object.assign(api.stores, { ping: () => new Promise<void>(() => {}) });
    const res = await api.get('/healthz');
    expect(res.statusCode).toBe(503);
    expect(errorOf(res).code).toBe('DATABASE_UNAVAILABLE');
  });
});

describe('over a real socket', () => {
  it('serves the API to fetch()', async () => {
    const api = await open();
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const registered = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'alice', password: 'password-alice' }) });
    expect(registered.status).toBe(201);
    const { token } = (await registered.json()) as { token: string };
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
