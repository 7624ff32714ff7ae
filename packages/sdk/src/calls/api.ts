/**
 * The gateway's HTTP API (accounts, chats, call history, ICE servers) for
 * browsers and Node ≥ 18: `fetch` plus zod-parsed responses. Failures reject
 * with {@link ApiError}, carrying the gateway's stable error code.
 */
import { z } from 'zod';

/** Stable codes for failures that happen before the gateway answered with its own code. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The gateway's `error.code` (e.g. `INVALID_CREDENTIALS`, `USERNAME_TAKEN`) or a {@link ClientErrorCode}. */
    readonly code: string,
    message: string,
    /** HTTP status, 0 when there was no response. */
    readonly status: number,
  ) {
    super(message);
  }
}

const userSchema = z.object({ id: z.string(), username: z.string() });
export type UserSummary = z.infer<typeof userSchema>;

const memberSchema = z.union([z.string().transform((id) => ({ id, username: null })), userSchema]);
const chatSchema = z.object({
  id: z.string(),
  title: z.string().nullable().optional(),
  members: z.array(memberSchema),
});

export interface ChatMember {
  readonly id: string;
  /** Null when the gateway sent bare ids. */
  readonly username: string | null;
}
export interface ChatSummary {
  readonly id: string;
  readonly title: string | null;
  readonly members: readonly ChatMember[];
}

const authSchema = z.object({ token: z.string().min(1), user: userSchema });
export type AuthResult = z.infer<typeof authSchema>;

const callStatusSchema = z.enum(['ringing', 'active', 'completed', 'missed', 'rejected', 'cancelled', 'failed']);
export type CallStatus = z.infer<typeof callStatusSchema>;

/** Epoch ms from the gateway's ISO 8601 strings (or epoch numbers). */
const timeSchema = z.union([z.number(), z.iso.datetime().transform((s) => Date.parse(s))]).nullable();
const participantSchema = z.object({ userId: z.string(), joinedAt: timeSchema.optional(), leftAt: timeSchema.optional() });

const callRecordSchema = z.object({
  id: z.string(),
  chatId: z.string(),
  status: callStatusSchema,
  reason: z.string().nullable().optional(),
  initiatorId: z.string(),
  participants: z.array(participantSchema),
  createdAt: timeSchema,
  answeredAt: timeSchema.optional(),
  endedAt: timeSchema.optional(),
  durationSeconds: z.number().nullable().optional(),
});

export interface CallHistoryEntry {
  readonly id: string;
  readonly chatId: string;
  readonly status: CallStatus;
  readonly reason: string | null;
  readonly initiatorId: string;
  readonly participants: readonly { readonly userId: string; readonly joinedAt: number | null; readonly leftAt: number | null }[];
  readonly createdAt: number | null;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly durationSeconds: number | null;
}

const iceServersSchema = z.object({
  iceServers: z.array(
    z.object({
      urls: z.union([z.string(), z.array(z.string())]),
      username: z.string().optional(),
      credential: z.string().optional(),
    }),
  ),
  ttlSeconds: z.number().optional(),
});
export interface IceServerConfig {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface ApiClientOptions {
  /** Gateway origin, e.g. `https://peerlink.example`; `''` for same-origin requests from the web app. */
  readonly baseUrl: string;
  /** Bearer token for authenticated routes; may be set later with {@link ApiClient.setToken}. */
  readonly token?: string | null;
  /** `fetch` implementation. Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
}

export class ApiClient {
  private token: string | null;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.token = options.token ?? null;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  async register(username: string, password: string): Promise<AuthResult> {
    return this.request('POST', '/api/auth/register', authSchema, { username, password });
  }

  async login(username: string, password: string): Promise<AuthResult> {
    return this.request('POST', '/api/auth/login', authSchema, { username, password });
  }

  async me(): Promise<UserSummary> {
    return this.request('GET', '/api/me', z.union([z.object({ user: userSchema }).transform((r) => r.user), userSchema]));
  }

  async listChats(): Promise<ChatSummary[]> {
    const chats = await this.request('GET', '/api/chats', z.object({ chats: z.array(chatSchema) }));
    return chats.chats.map(normalizeChat);
  }

  /** Creates a chat with these other users (by username); the caller is added as a member. */
  async createChat(usernames: readonly string[], title?: string): Promise<ChatSummary> {
    const body = title === undefined ? { members: usernames } : { members: usernames, title };
    const chat = await this.request(
      'POST',
      '/api/chats',
      z.union([z.object({ chat: chatSchema }).transform((r) => r.chat), chatSchema]),
      body,
    );
    return normalizeChat(chat);
  }

  async callHistory(chatId?: string): Promise<CallHistoryEntry[]> {
    const query = chatId === undefined ? '' : `?chatId=${encodeURIComponent(chatId)}`;
    const result = await this.request('GET', `/api/calls${query}`, z.object({ calls: z.array(callRecordSchema) }));
    return result.calls.map((c) => ({
      id: c.id,
      chatId: c.chatId,
      status: c.status,
      reason: c.reason ?? null,
      initiatorId: c.initiatorId,
      participants: c.participants.map((p) => ({ userId: p.userId, joinedAt: p.joinedAt ?? null, leftAt: p.leftAt ?? null })),
      createdAt: c.createdAt,
      answeredAt: c.answeredAt ?? null,
      endedAt: c.endedAt ?? null,
      durationSeconds: c.durationSeconds ?? null,
    }));
  }

  async iceServers(): Promise<IceServerConfig[]> {
    const result = await this.request('GET', '/api/ice-servers', iceServersSchema);
    return result.iceServers.map((s) => ({
      urls: s.urls,
      ...(s.username === undefined ? {} : { username: s.username }),
      ...(s.credential === undefined ? {} : { credential: s.credential }),
    }));
  }

  private async request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError('NETWORK_ERROR', `cannot reach the gateway: ${String(error)}`, 0);
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = errorSchema.safeParse(json);
      if (parsed.success) throw new ApiError(parsed.data.error.code, parsed.data.error.message, response.status);
      throw new ApiError('BAD_RESPONSE', `HTTP ${response.status} from ${path}`, response.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError('BAD_RESPONSE', `unexpected response from ${path}: ${parsed.error.message}`, response.status);
    return parsed.data;
  }
}

function normalizeChat(chat: z.infer<typeof chatSchema>): ChatSummary {
  return { id: chat.id, title: chat.title ?? null, members: chat.members };
}
