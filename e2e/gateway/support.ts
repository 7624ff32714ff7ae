/**
 * Helpers for cross-component tests: a real gateway (in-process or as a child
 * process running the built `peerlink` binary), HTTP calls with fetch, and
 * Socket.IO clients.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { createGateway, loadGatewayConfig, type Gateway } from '@peerlink/gateway';

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** `turn: true` runs the embedded STUN/TURN server on a free port (set `PEERLINK_TURN_PORT` in env to choose). */
export async function startGateway(
  env: Record<string, string> = {},
  components: Parameters<typeof createGateway>[1] = {},
  options: { turn?: boolean } = {},
): Promise<RunningGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerlink-e2e-'));
  const config = loadGatewayConfig({
    env: options.turn ? { PEERLINK_TURN_PORT: '0', ...env } : env,
    flags: { port: 0, host: '127.0.0.1', dataDir, turnEnabled: options.turn ?? false, logLevel: 'warn' },
  });
  const gateway = await createGateway(config, components);
  const { port } = await gateway.listen();
  return {
    gateway,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      await gateway.close('test done');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Account {
  readonly token: string;
  readonly user: { readonly id: string; readonly username: string };
}

export async function api<T>(url: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export function register(url: string, username: string): Promise<Account> {
  return api<Account>(url, '/api/auth/register', { body: { username, password: `${username}-secret-pw` } });
}

export async function createChat(url: string, owner: Account, members: readonly string[]): Promise<string> {
  const chat = await api<{ id: string }>(url, '/api/chats', { token: owner.token, body: { members } });
  return chat.id;
}

export async function connect(url: string, account: Account): Promise<Socket> {
  const socket = io(url, { auth: { token: account.token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export interface AckOk {
  readonly ok: true;
  readonly callId?: string;
}

/** Emits with an acknowledgement and fails on `{ok: false}`. */
export async function emitAck(socket: Socket, event: string, payload: unknown): Promise<AckOk> {
  const reply = (await socket.timeout(5000).emitWithAck(event, payload)) as AckOk | { ok: false; error: { code: string; message: string } };
  if (!reply.ok) throw new Error(`${event}: ${reply.error.code} ${reply.error.message}`);
  return reply;
}

export function once<T>(socket: Socket, event: string): Promise<T> {
  return new Promise<T>((resolve) => socket.once(event, (payload: T) => resolve(payload)));
}
