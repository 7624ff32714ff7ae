/**
 * Test harness for the HTTP API: a Fastify app with the API registered over
 * real SQLite stores in a temp dir, cheap scrypt parameters and injectable
 * clock. Used by the `*.test.ts` files next to the routes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { hashPassword } from '../../auth/passwords.js';
import { TokenService } from '../../auth/tokens.js';
import { type DatabaseStores, openStores } from '../../db/index.js';
import type { HttpApiDeps } from '../context.js';
import type { IceServersConfig } from '../ice-servers.js';
import { registerHttpApi } from '../index.js';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';

export interface TestApi {
  app: FastifyInstance;
  stores: DatabaseStores;
  tokens: TokenService;
  /** Registers a user (password `password-<name>`) and returns its token and id. */
  register(username: string): Promise<{ token: string; userId: string }>;
  get(url: string, token?: string): Promise<LightMyRequestResponse>;
  post(url: string, body: unknown, token?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  now?: () => number;
  iceServers?: IceServersConfig;
  authRateLimit?: HttpApiDeps['authRateLimit'];
  healthTimeoutMs?: number;
}

export const NO_ICE: IceServersConfig = { stunUrls: [], turnUrls: [], turnSecret: undefined, ttlSeconds: 86_400 };

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'peerlink-http-'));
  const stores = await openStores({ sqlitePath: join(dir, 'peerlink.db') });
  const now = options.now ?? Date.now;
  const tokens = new TokenService({ secret: TEST_JWT_SECRET, now });
  const app = Fastify({ logger: false });
  await registerHttpApi(app, {
    stores,
    tokens,
    iceServers: options.iceServers ?? NO_ICE,
    now,
    authRateLimit: options.authRateLimit ?? false,
    hashPassword: (password) => hashPassword(password, { log2N: 10, r: 8, p: 1 }),
    ...(options.healthTimeoutMs === undefined ? {} : { healthTimeoutMs: options.healthTimeoutMs }),
  });
  await app.ready();

  const headers = (token?: string): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });
  const api: TestApi = {
    app,
    stores,
    tokens,
    get: (url, token) => app.inject({ method: 'GET', url, headers: headers(token) }),
    post: (url, body, token) => app.inject({ method: 'POST', url, payload: body as object, headers: headers(token) }),
    async register(username) {
      const res = await api.post('/api/auth/register', { username, password: `password-${username}` });
      if (res.statusCode !== 201) throw new Error(`register ${username}: ${res.statusCode} ${res.body}`);
      const body = res.json<{ token: string; user: { id: string } }>();
      return { token: body.token, userId: body.user.id };
    },
    async close() {
      await app.close();
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return api;
}

/** The `{error: {code, message}}` body of a response, asserting its shape. */
export function errorOf(res: LightMyRequestResponse): { status: number; code: string; message: string } {
  const body = res.json<{ error?: { code?: unknown; message?: unknown } }>();
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`not an error body: ${res.body}`);
  }
  return { status: res.statusCode, code: body.error.code, message: body.error.message };
}
