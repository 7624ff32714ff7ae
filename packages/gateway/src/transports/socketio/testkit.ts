/**
 * Integration test kit: a real HTTP server on an ephemeral loopback port, the
 * signaling server, SQLite stores in a temp dir, a real TokenService, and
 * `socket.io-client` clients that record every event they receive.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AckReply,
  ClientToServerEvents,
  ClientToServerPayloads,
  ServerEventName,
  ServerToClientEvents,
  ServerToClientPayloads,
} from '@peerlink/protocol';
import { io as connectClient, type Socket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import { TokenService } from '../../auth/tokens.js';
import type { Stores } from '../../core/ports.js';
import { openStores } from '../../db/index.js';
import type { SignalingOptionsInput } from './options.js';
import { createSignalingServer, type SignalingServerHandle } from './server.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export interface TestUser {
  readonly id: string;
  readonly username: string;
  readonly token: string;
}
const WAIT_MS = 5_000;

interface LooseEmitter {
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
}

/** A connected client that records what it receives, so no event is missed between steps. */
export class TestClient {
  readonly received: { event: string; payload: unknown }[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly socket: ClientSocket,
    readonly user: TestUser,
  ) {
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload });
      for (const wake of this.waiters) wake();
    });
  }

  /** Resolves with (and consumes) the first recorded `event` matching `match`. */
  next<K extends ServerEventName>(
    event: K,
    match: (p: ServerToClientPayloads[K]) => boolean = () => true,
  ): Promise<ServerToClientPayloads[K]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = this.received.findIndex((r) => r.event === event && match(r.payload as ServerToClientPayloads[K]));
        if (index < 0) return false;
        const [hit] = this.received.splice(index, 1);
        resolve(hit!.payload as ServerToClientPayloads[K]);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`${this.user.username}: no ${event} within ${WAIT_MS} ms; got ${JSON.stringify(this.received.map((r) => r.event))}`));
      }, WAIT_MS);
      const wake = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.waiters.delete(wake);
        }
      };
      this.waiters.add(wake);
    });
  }

  /** Events of one name recorded so far (not consumed). */
  seen(event: ServerEventName): unknown[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload);
  }

  request<K extends keyof ClientToServerPayloads>(event: K, payload: ClientToServerPayloads[K]): Promise<AckReply> {
    return this.requestRaw(event, payload);
  }

  /** Sends anything (for malformed-input tests) and waits for the ack. */
  requestRaw(event: string, ...args: unknown[]): Promise<AckReply> {
    const loose = this.socket.timeout(WAIT_MS) as unknown as LooseEmitter;
    return loose.emitWithAck(event, ...args) as Promise<AckReply>;
  }

  /** A round trip: everything the server sent this client before now has arrived afterwards. */
  async sync(): Promise<void> {
    await this.request('call:stats', { callId: 'sync' });
    this.received.splice(0, this.received.length, ...this.received.filter((r) => r.event !== 'call:error' || (r.payload as { callId?: string }).callId !== 'sync'));
  }
}

export class SignalingTestEnv {
  private readonly clients: ClientSocket[] = [];
  private userCount = 0;

  private constructor(
    readonly url: string,
    readonly stores: Stores,
    readonly tokens: TokenService,
    readonly signaling: SignalingServerHandle,
    private readonly http: HttpServer,
    private readonly dir: string,
  ) {}

  static async start(options: SignalingOptionsInput = {}, storesOverride?: (s: Stores) => Stores): Promise<SignalingTestEnv> {
    const dir = mkdtempSync(join(tmpdir(), 'peerlink-signaling-'));
    const real = await openStores({ sqlitePath: join(dir, 'peerlink.db') });
    const stores = storesOverride ? storesOverride(real) : real;
    const tokens = new TokenService({ secret: 'signaling-test-secret-0123456789abcdef' });
    const http = createServer();
    const signaling = createSignalingServer(http, { stores, tokens, options });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return new SignalingTestEnv(`http://127.0.0.1:${port}`, real, tokens, signaling, http, dir);
  }

  async user(name?: string): Promise<TestUser> {
    const username = name ?? `user${++this.userCount}`;
    const id = randomUUID();
    await this.stores.users.createUser({ id, username, passwordHash: 'unused', createdAt: Date.now() });
    return { id, username, token: await this.tokens.issue({ id, username }) };
  }

  async chat(...members: TestUser[]): Promise<string> {
    const id = randomUUID();
    const creator = members[0]!;
    await this.stores.chats.createChat({ id, title: null, members: members.map((m) => m.id), createdBy: creator.id, createdAt: Date.now() });
    return id;
  }

  /** A raw client socket (not yet connected). */
  socket(auth: Record<string, unknown>, extra: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
    const socket: ClientSocket = connectClient(this.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
    this.clients.push(socket);
    return socket;
  }

  async connect(user: TestUser, extra: Partial<ManagerOptions & SocketOptions> = {}): Promise<TestClient> {
    const socket = this.socket({ token: user.token }, extra);
    const client = new TestClient(socket, user);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return client;
  }

  /** Polls (every 5 ms, up to the wait limit) until `condition` holds on the server side. */
  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    for (const socket of this.clients) socket.disconnect();
    await this.signaling.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.stores.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
