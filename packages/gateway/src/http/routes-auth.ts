/** `POST /api/auth/register`, `POST /api/auth/login`, `GET /api/me`. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { verifyPassword } from '../auth/passwords.js';
import { GatewayError } from '../errors.js';
import { requireUser } from './auth-guard.js';
import type { HttpContext } from './context.js';
import { credentialsBody, describeIssues, HTTP_BODY_LIMIT_BYTES, loginBody } from './schemas.js';
import { userView } from './views.js';

/**
 * Verified against when the username is unknown, so a login takes about as
 * long for an unknown user as for a wrong password (no username probing by
 * timing). Parameters match the default cost.
 */
export const UNKNOWN_USER_HASH = 'scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function registerAuthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const rateLimit = ctx.authRateLimit === false ? false : { max: ctx.authRateLimit.max, timeWindow: ctx.authRateLimit.timeWindowMs };
  const routeOptions = { bodyLimit: HTTP_BODY_LIMIT_BYTES, config: { rateLimit } };

  app.post('/auth/register', routeOptions, async (request, reply) => {
    const parsed = credentialsBody.safeParse(request.body);
    if (!parsed.success) throw new GatewayError('VALIDATION_FAILED', describeIssues(parsed.error, 'registration'));
    const { username, password } = parsed.data;
    if (await ctx.stores.users.findUserByUsername(username)) {
      throw new GatewayError('USERNAME_TAKEN', `username "${username}" is already taken`);
    }
    const user = { id: randomUUID(), username, createdAt: ctx.now() };
    // The store's unique index still decides races between two registrations.
    await ctx.stores.users.createUser({ ...user, passwordHash: await ctx.hashPassword(password) });
    const token = await ctx.tokens.issue(user);
    return reply.code(201).send({ token, user: userView(user) });
  });

  app.post('/auth/login', routeOptions, async (request) => {
    const parsed = loginBody.safeParse(request.body);
    if (!parsed.success) throw new GatewayError('VALIDATION_FAILED', describeIssues(parsed.error, 'login'));
    const { username, password } = parsed.data;
    const found = await ctx.stores.users.findUserByUsername(username);
    const matches = await verifyPassword(password, found?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!found || !matches) throw new GatewayError('INVALID_CREDENTIALS', 'wrong username or password');
    const user = { id: found.id, username: found.username, createdAt: found.createdAt };
    return { token: await ctx.tokens.issue(user), user: userView(user) };
  });

  app.get('/me', async (request) => {
    const auth = await requireUser(request, ctx.tokens);
    const user = await ctx.stores.users.findUserById(auth.userId);
    if (!user) throw new GatewayError('UNAUTHENTICATED', 'the token belongs to a user that no longer exists');
    return { user: userView(user) };
  });
}
