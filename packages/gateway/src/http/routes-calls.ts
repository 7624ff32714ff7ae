/** `GET /api/calls`, `GET /api/ice-servers`, `GET /healthz`. */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.js';
import { requireUser } from './auth-guard.js';
import type { HttpContext } from './context.js';
import { errorBody } from './errors.js';
import { buildIceServers, iceConfigForHost } from './ice-servers.js';
import { describeIssues, listCallsQuery } from './schemas.js';
import { callView } from './views.js';

export function registerCallRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/calls', async (request) => {
    const auth = await requireUser(request, ctx.tokens);
    const parsed = listCallsQuery.safeParse(request.query);
    if (!parsed.success) throw new GatewayError('VALIDATION_FAILED', describeIssues(parsed.error, 'query'));
    const { chatId, limit } = parsed.data;
    if (chatId !== undefined) {
      const chat = await ctx.stores.chats.getChat(chatId);
      // Unknown and foreign chats look the same: ids of other people's chats are not confirmed.
      if (!chat?.members.includes(auth.userId)) throw new GatewayError('ACCESS_DENIED', 'Access denied: you are not a member of this chat');
    }
    const calls = await ctx.stores.calls.listCallsForUser(auth.userId, chatId === undefined ? { limit } : { chatId, limit });
    return { calls: calls.map(callView) };
  });

  app.get('/ice-servers', async (request, reply) => {
    const auth = await requireUser(request, ctx.tokens);
    // Credentials are per user and expire: never cache them in shared caches.
    reply.header('cache-control', 'no-store');
    return buildIceServers(iceConfigForHost(ctx.iceServers, request.hostname), auth.userId, ctx.now());
  });
}

/** `/healthz` at the root: 200 `{status: 'ok', db: 'ok'}` or 503 with `DATABASE_UNAVAILABLE`. */
export function registerHealthRoute(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/healthz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ctx.healthTimeoutMs} ms`)), ctx.healthTimeoutMs);
    });
    try {
      await Promise.race([ctx.stores.ping(), timeout]);
      return { status: 'ok', db: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'health check: database unavailable');
      return reply.code(503).send({ status: 'error', db: 'unavailable', ...errorBody('DATABASE_UNAVAILABLE', 'the database did not answer') });
    } finally {
      clearTimeout(timer);
    }
  });
}
