import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api.js';

// A real HTTP server answering like the gateway (shapes from gateway/src/http/views.ts).
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];
let baseUrl = '';
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
    const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const user = { id: 'u1', username: 'alice', createdAt: '2025-01-01T00:00:00.000Z' };
    if (req.url === '/api/auth/login') {
      const { password } = JSON.parse(body) as { password: string };
      if (password !== 'pw') return json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'wrong username or password' } });
      return json(200, { token: 'tok', user });
    }
    if (req.url === '/api/me') return json(200, { user });
    if (req.url === '/api/chats' && req.method === 'POST') {
      return json(201, { id: 'c1', title: null, members: [{ id: 'u1', username: 'alice' }, { id: 'u2', username: 'bob' }], createdBy: 'u1', createdAt: user.createdAt });
    }
    if (req.url === '/api/calls?chatId=c%201') {
      return json(200, {
        calls: [
          {
            id: 'k1', chatId: 'c 1', mode: 'direct', status: 'completed', reason: 'hangup', initiatorId: 'u1',
            participants: [{ userId: 'u1', joinedAt: '2025-01-01T00:00:00.000Z', leftAt: null }],
            createdAt: '2025-01-01T00:00:00.000Z', answeredAt: null, endedAt: '2025-01-01T00:00:07.000Z', durationSeconds: 7, stats: [],
          },
        ],
      });
    }
    if (req.url === '/api/ice-servers') return json(200, { iceServers: [{ urls: 'stun:x' }, { urls: ['turn:y'], username: 'a', credential: 'b' }], ttlSeconds: 60 });
    if (req.url === '/api/broken') return res.writeHead(502).end('<html>bad gateway</html>');
    return json(200, { unexpected: true });
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ApiClient', () => {
  it('logs in, then sends the bearer token and parses the gateway shapes', async () => {
    const api = new ApiClient({ baseUrl });
    const auth = await api.login('alice', 'pw');
    expect(auth).toEqual({ token: 'tok', user: { id: 'u1', username: 'alice' } });
    api.setToken(auth.token);
    expect(await api.me()).toEqual({ id: 'u1', username: 'alice' });
    expect(seen.at(-1)?.auth).toBe('Bearer tok');
    const chat = await api.createChat(['bob']);
    expect(chat).toEqual({ id: 'c1', title: null, members: [{ id: 'u1', username: 'alice' }, { id: 'u2', username: 'bob' }] });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ members: ['bob'] });
    const [call] = await api.callHistory('c 1');
    expect(call).toMatchObject({ status: 'completed', durationSeconds: 7, createdAt: Date.parse('2025-01-01T00:00:00.000Z'), answeredAt: null });
    expect(call?.participants).toEqual([{ userId: 'u1', joinedAt: Date.parse('2025-01-01T00:00:00.000Z'), leftAt: null }]);
    expect(await api.iceServers()).toEqual([{ urls: 'stun:x' }, { urls: ['turn:y'], username: 'a', credential: 'b' }]);
  });

  it('rejects with the gateway error code, or BAD_RESPONSE / NETWORK_ERROR', async () => {
    const api = new ApiClient({ baseUrl });
    await expect(api.login('alice', 'nope')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
    await expect(api.listChats()).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 200 });
    const offline = new ApiClient({ baseUrl: 'http://127.0.0.1:1' });
    const error = await offline.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
