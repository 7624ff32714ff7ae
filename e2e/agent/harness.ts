/**
 * Test harness for the device agent and the tunnel relay: a gateway composed
 * the way `createGateway` will compose it (HTTP API + device routes + tunnel
 * relay on one Fastify server, SQLite in a temp dir), plus helpers for
 * accounts, devices and TCP services. Restartable on the same data dir and port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { openStores, registerHttpApi, TokenService, type DatabaseStores } from '@peerlink/gateway';
import { registerDeviceRoutes, SqlDeviceStore } from '../../packages/gateway/src/devices/index.js';
import { createTunnelRelay, type TunnelRelay, type TunnelRelayOptions } from '../../packages/gateway/src/tunnel/index.js';

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly relay: TunnelRelay;
  readonly devices: SqlDeviceStore;
  stop(): Promise<void>;
}

const SECRET = 'x'.repeat(48);

export async function startTestGateway(dataDir: string, options: TunnelRelayOptions = {}, port = 0): Promise<TestGateway> {
  const stores: DatabaseStores = await openStores({ sqlitePath: join(dataDir, 'peerlink.db') });
  const devices = new SqlDeviceStore(stores.db, options.tunnelPorts ?? { min: 21_000, max: 21_099 });
  const tokens = new TokenService({ secret: SECRET });
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });
  await registerHttpApi(app, {
    stores,
    tokens,
    iceServers: { stunUrls: [], turnUrls: [], turnSecret: SECRET, ttlSeconds: 60 },
    authRateLimit: false,
    hashPassword: async (p) => `plain:${p}`,
  });
  const holder: { relay?: TunnelRelay } = {};
  await registerDeviceRoutes(app, { devices, users: stores.users, tokens, onDeviceDeleted: (id) => holder.relay?.disconnect(id, 'device deleted') });
  await app.ready();
  const relay = await createTunnelRelay(app.server, { devices, tokens, options });
  holder.relay = relay;
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    relay: relay,
    devices,
    async stop() {
      await relay.close();
      await app.close();
      await stores.close();
    },
  };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function api<T>(url: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function register(url: string, username: string): Promise<string> {
  const res = await api<{ token: string }>(url, '/api/auth/register', { body: { username, password: `${username}-secret-pw` } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export async function createDevice(url: string, token: string, id: string, services: string[]): Promise<string> {
  const res = await api<{ credential: string }>(url, '/api/devices', { token, body: { id, services } });
  if (res.status !== 201) throw new Error(`create device: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.credential;
}

/** A TCP service: `echo` writes back what it reads; `sink` counts and hashes; `source` sends N pattern bytes then ends. */
export interface TcpService {
  readonly port: number;
  readonly target: string;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function startTcpService(handler: (socket: Socket) => void): Promise<TcpService> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    handler(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    target: `127.0.0.1:${address.port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const echo = (socket: Socket): void => void socket.pipe(socket);

/** Resolves when `check` returns true (polling every 20 ms), rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
