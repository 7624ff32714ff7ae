/**
 * `peerlink connect --mode tunnel`: local TCP listeners whose connections
 * each become one stream through the gateway's `/tunnel/client` to a device
 * service. One session per forwarder, reconnected with backoff when it drops;
 * a TCP connection arriving while it is down waits for it (bounded).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { P2PConnection, SessionOptions } from '@peerlink/sdk';
import WebSocket from 'ws';
import { FRAME_HEADER_LENGTH, MAX_FRAME_PAYLOAD } from '@peerlink/protocol';
import { backoffDelay, type BackoffOptions } from '../core/backoff.js';
import { GATEWAY_PEER_ID, TUNNEL_CLIENT_PATH, WebSocketLink, establishTunnelSession } from '../wire/index.js';
import { forwardSocket } from './forward-stream.js';
import { tunnelUrl } from './tunnel-transport.js';

export interface ForwardSpec {
  readonly localPort: number;
  readonly service: string;
  /** Default `127.0.0.1`. */
  readonly localHost?: string;
}

export interface ForwarderInit {
  readonly gatewayUrl: string;
  readonly token: string;
  readonly deviceId: string;
  readonly forwards: readonly ForwardSpec[];
  readonly backoff?: BackoffOptions;
  /** A connection waits at most this long for the tunnel session (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  readonly session?: SessionOptions;
  /** Called on every notable event (for the CLI's output). */
  readonly onEvent?: (event: ForwarderEvent) => void;
}

export type ForwarderEvent =
  | { readonly type: 'session-up'; readonly path: string; readonly reason: string; readonly reconnects: number }
  | { readonly type: 'session-down'; readonly reason: string }
  | { readonly type: 'stream-refused'; readonly service: string; readonly code: string; readonly message: string }
  | { readonly type: 'stream-closed'; readonly service: string; readonly bytesIn: number; readonly bytesOut: number };

/** The gateway answered the upgrade with an HTTP error; `permanent` for 4xx. */
export class TunnelRefusedError extends Error {
  readonly code = 'TUNNEL_REFUSED';
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.name = 'TunnelRefusedError';
    this.permanent = permanent;
  }
}

export interface ForwarderStats {
  readonly connected: boolean;
  readonly path: string | undefined;
  readonly reconnects: number;
  readonly activeStreams: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
}

/**
 * Listens on every forward (TCP, paused until a stream takes the socket,
 * half-open allowed); `onSocket` gets each accepted connection. Each server
 * joins `servers` as soon as it listens, so the caller's `stop()` closes it
 * even when a later forward fails to bind. Resolves with the bound ports
 * (0 → an OS-chosen port).
 */
export async function listenOnForwards(forwards: readonly ForwardSpec[], servers: Server[], onSocket: (spec: ForwardSpec, socket: Socket) => void): Promise<number[]> {
  const ports: number[] = [];
  for (const spec of forwards) {
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => onSocket(spec, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.localPort, spec.localHost ?? '127.0.0.1', () => resolve());
    });
    servers.push(server);
    const address = server.address();
    ports.push(typeof address === 'object' && address !== null ? address.port : spec.localPort);
  }
  return ports;
}

export class TunnelForwarder {
  readonly #init: ForwarderInit;
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  #session: Promise<P2PConnection> | undefined;
  #connects = 0;
  #attempt = 0;
  #active = 0;
  #bytes = { up: 0, down: 0 };
  #current: P2PConnection | undefined;
  #stopped = false;

  constructor(init: ForwarderInit) {
    this.#init = init;
  }

  /** Listens on every forward; resolves with the bound ports (0 → an OS-chosen port). */
  async start(): Promise<number[]> {
    const ports = await listenOnForwards(this.#init.forwards, this.#servers, (spec, socket) => this.#accept(spec, socket));
    void this.#ensureSession().catch(() => {});
    return ports;
  }

  stats(): ForwarderStats {
    return { connected: this.#current?.isConnected === true, path: this.#current?.path.kind, reconnects: Math.max(0, this.#connects - 1), activeStreams: this.#active, bytesUp: this.#bytes.up, bytesDown: this.#bytes.down };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await this.#current?.close('client stopping');
  }

  #accept(spec: ForwardSpec, socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    void this.#forward(spec, socket).catch(() => socket.destroy());
  }

  /** The live tunnel session, connecting when there is none (used by the hybrid forwarder for its fallback). */
  connection(): Promise<P2PConnection> {
    return this.#ensureSession();
  }

  async #forward(spec: ForwardSpec, socket: Socket): Promise<void> {
    const connection = await this.#ensureSession();
    let opened = false;
    try {
      const outcome = await forwardSocket(connection, spec.service, socket, () => {
        opened = true;
        this.#active++;
      });
      if (!outcome.ok) this.#init.onEvent?.({ type: 'stream-refused', service: spec.service, code: outcome.code, message: outcome.message });
      else {
        this.#bytes.up += outcome.bytesIn;
        this.#bytes.down += outcome.bytesOut;
        this.#init.onEvent?.({ type: 'stream-closed', service: spec.service, bytesIn: outcome.bytesIn, bytesOut: outcome.bytesOut });
      }
    } finally {
      if (opened) this.#active--;
    }
  }

  /** The live session, connecting (with backoff between failures) when there is none. */
  #ensureSession(): Promise<P2PConnection> {
    if (this.#current?.isConnected === true) return Promise.resolve(this.#current);
    this.#session ??= this.#connectWithRetry().finally(() => (this.#session = undefined));
    const timeoutMs = this.#init.connectTimeoutMs ?? 10_000;
    return Promise.race([
      this.#session,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no tunnel session within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  async #connectWithRetry(): Promise<P2PConnection> {
    for (;;) {
      if (this.#stopped) throw new Error('forwarder stopped');
      try {
        const connection = await this.#connectOnce();
        this.#attempt = 0;
        this.#connects++;
        this.#current = connection;
        this.#init.onEvent?.({ type: 'session-up', path: connection.path.kind, reason: connection.path.reason, reconnects: Math.max(0, this.#connects - 1) });
        connection.on('closed', ({ reason }) => {
          this.#init.onEvent?.({ type: 'session-down', reason });
          // Reconnect in the background so the next TCP connection finds a session.
          if (!this.#stopped) setTimeout(() => void this.#ensureSession().catch(() => {}), backoffDelay(0, Math.random(), this.#init.backoff)).unref();
        });
        return connection;
      } catch (err) {
        this.#init.onEvent?.({ type: 'session-down', reason: err instanceof Error ? err.message : String(err) });
        // 4xx (bad token, no access to the device): retrying cannot help; the next TCP connection tries again.
        if (err instanceof TunnelRefusedError && err.permanent) throw err;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.#attempt++, Math.random(), this.#init.backoff)).unref());
      }
    }
  }

  async #connectOnce(): Promise<P2PConnection> {
    const url = tunnelUrl(this.#init.gatewayUrl, TUNNEL_CLIENT_PATH);
    url.searchParams.set('device', this.#init.deviceId);
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.#init.token}` }, maxPayload: FRAME_HEADER_LENGTH + MAX_FRAME_PAYLOAD, perMessageDeflate: false, handshakeTimeout: 10_000 });
    const link = new WebSocketLink(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        const status = res.statusCode ?? 0;
        reject(new TunnelRefusedError(`gateway refused the tunnel: HTTP ${status}`, status >= 400 && status < 500));
      });
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    const { connection } = await establishTunnelSession(link, { peerId: GATEWAY_PEER_ID, isInitiator: true, path: { kind: 'tunnel', reason: 'tunnel-mode' }, ...(this.#init.session ? { options: this.#init.session } : {}) });
    return connection;
  }
}
