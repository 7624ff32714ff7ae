/** `POST /api/chats`, `GET /api/chats`. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Chat, User } from '../core/model.js';
import type { Stores } from '../core/ports.js';
import { GatewayError } from '../errors.js';
import { requireUser } from './auth-guard.js';
import type { HttpContext } from './context.js';
import { CHAT_MEMBERS_MAX, createChatBody, describeIssues, HTTP_BODY_LIMIT_BYTES } from './schemas.js';
import type { ChatView } from './views.js';
import { iso } from './views.js';

/** Chat views with member usernames, resolving each distinct member once. */
async function chatViews(stores: Stores, chats: readonly Chat[]): Promise<ChatView[]> {
  const ids = [...new Set(chats.flatMap((c) => c.members))];
  const users = await Promise.all(ids.map((id) => stores.users.findUserById(id)));
  const byId = new Map(users.filter((u): u is User => u !== undefined).map((u) => [u.id, u]));
  return chats.map((chat) => ({
    id: chat.id,
    title: chat.title,
    members: chat.members.map((id) => ({ id, username: byId.get(id)?.username ?? '' })),
    createdBy: chat.createdBy,
    createdAt: iso(chat.createdAt),
  }));
}

export function registerChatRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/chats', { bodyLimit: HTTP_BODY_LIMIT_BYTES }, async (request, reply) => {
    const auth = await requireUser(request, ctx.tokens);
    const parsed = createChatBody.safeParse(request.body);
    if (!parsed.success) throw new GatewayError('VALIDATION_FAILED', describeIssues(parsed.error, 'chat'));
    const wanted = new Map(parsed.data.members.map((name) => [name.toLowerCase(), name]));
    wanted.delete(auth.username.toLowerCase());
    if (wanted.size === 0) throw new GatewayError('VALIDATION_FAILED', 'invalid chat: members must name at least one other user');
    if (wanted.size + 1 > CHAT_MEMBERS_MAX) {
      throw new GatewayError('VALIDATION_FAILED', `invalid chat: at most ${CHAT_MEMBERS_MAX} members, creator included`);
    }
    const found = await ctx.stores.users.findUsersByUsernames([...wanted.values()]);
    const foundKeys = new Set(found.map((u) => u.username.toLowerCase()));
    const unknown = [...wanted].filter(([key]) => !foundKeys.has(key)).map(([, name]) => name);
    if (unknown.length > 0) throw new GatewayError('VALIDATION_FAILED', `unknown users: ${unknown.join(', ')}`);
    const byKey = new Map(found.map((u) => [u.username.toLowerCase(), u.id]));
    const members = [auth.userId, ...[...wanted.keys()].map((key) => byKey.get(key) ?? '')];
    const chat: Chat = { id: randomUUID(), title: parsed.data.title, members, createdBy: auth.userId, createdAt: ctx.now() };
    await ctx.stores.chats.createChat(chat);
    const [view] = await chatViews(ctx.stores, [chat]);
    return reply.code(201).send(view);
  });

  app.get('/chats', async (request) => {
    const auth = await requireUser(request, ctx.tokens);
    const chats = await ctx.stores.chats.listChatsForUser(auth.userId);
    return { chats: await chatViews(ctx.stores, chats) };
  });
}
