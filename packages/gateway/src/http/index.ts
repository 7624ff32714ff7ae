/**
 * The gateway's HTTP API (Fastify 5), JSON in and out:
 *
 *   POST /api/auth/register, POST /api/auth/login, GET /api/me,
 *   POST /api/chats, GET /api/chats, GET /api/calls, GET /api/ice-servers,
 *   GET /healthz
 *
 * Routes live in an encapsulated plugin with their own error handler (every
 * error is `{error: {code, message}}`), a 404 handler for `/api/*`, a 64 KiB
 * body limit, JSON-only bodies and per-IP rate limits on login/register.
 */
import rateLimitPlugin from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../auth/passwords.js';
import { DEFAULT_AUTH_RATE_LIMIT, type HttpApiDeps, type HttpContext } from './context.js';
import { installErrorHandler, installNotFoundHandler } from './errors.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerCallRoutes, registerHealthRoute } from './routes-calls.js';
import { registerChatRoutes } from './routes-chats.js';

export type { AuthRateLimit, HttpApiDeps, HttpStores } from './context.js';
export { DEFAULT_AUTH_RATE_LIMIT } from './context.js';
export { buildIceServers, DEFAULT_TURN_CREDENTIAL_TTL_SECONDS, iceConfigForHost, turnRestCredential } from './ice-servers.js';
export type { IceServer, IceServersConfig, IceServersResponse, TurnRestCredential } from './ice-servers.js';
export { toErrorResponse, type ErrorBody } from './errors.js';
export * from './schemas.js';

export async function registerHttpApi(app: FastifyInstance, deps: HttpApiDeps): Promise<void> {
  const ctx: HttpContext = {
    stores: deps.stores,
    tokens: deps.tokens,
    iceServers: deps.iceServers,
    now: deps.now ?? Date.now,
    authRateLimit: deps.authRateLimit ?? DEFAULT_AUTH_RATE_LIMIT,
    healthTimeoutMs: deps.healthTimeoutMs ?? 2000,
    hashPassword: deps.hashPassword ?? ((password) => hashPassword(password)),
  };

  await app.register(
    async (api) => {
      installErrorHandler(api);
      installNotFoundHandler(api);
      // JSON only: drop the built-in text/plain parser so other bodies get 415.
      api.removeContentTypeParser('text/plain');
      await api.register(rateLimitPlugin, { global: false });
      registerAuthRoutes(api, ctx);
      registerChatRoutes(api, ctx);
      registerCallRoutes(api, ctx);
    },
    { prefix: '/api' },
  );

  await app.register(async (root) => {
    installErrorHandler(root);
    registerHealthRoute(root, ctx);
  });
}
