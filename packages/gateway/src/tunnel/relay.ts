/**
 * The tunnel relay: WebSocket endpoints on the gateway's HTTP server
 * (`/tunnel/agent`, `/tunnel/client`), the connected agents and the server
 * ports of their services. Built with `ws` in `noServer` mode; the upgrade
 * handler ignores other paths, so Socket.IO (and anything else) keeps its
 * own upgrades. Heartbeats are the session's PING/PONG keepalive.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TUNNEL_AGENT_PATH, TUNNEL_CLIENT_PATH, TUNNEL_CLOSE_CODES } from '@peerlink/agent/wire';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TokenVerifier } from '../core/auth.js';
import type { SqlDeviceStore } from '../devices/store.js';
import { authenticateAgentUpgrade, serveAgent } from './agent-endpoint.js';
import { AgentHub } from './agent-hub.js';
import { authenticateClientUpgrade, serveClient } from './client-endpoint.js';
import type { TunnelContext, TunnelLogger } from './context.js';
import { resolveTunnelOptions, type TunnelRelayOptions } from './options.js';
import { PortListeners } from './port-listeners.js';

export interface TunnelRelayDeps {
  readonly devices: SqlDeviceStore;
  readonly tokens: TokenVerifier;
  readonly options?: TunnelRelayOptions;
  /** Clock in epoch ms (presence timestamps). Default `Date.now`. */
  readonly now?: () => number;
  readonly logger?: TunnelLogger;
}

export interface TunnelRelayStats {
  readonly agents: number;
  readonly clients: number;
  readonly streamsOpened: number;
  readonly streamsRefused: number;
  /** Bytes queued in agent WebSockets right now (bounded by stream windows). */
  readonly agentBufferedBytes: number;
}

export interface TunnelRelay {
  stats(): TunnelRelayStats;
  /** Whether the device's agent is connected to this gateway. */
  isOnline(deviceId: string): boolean;
  /** Disconnects the device's agent (e.g. after the device was deleted). */
  disconnect(deviceId: string, reason: string): void;
  /** Stops accepting, closes every tunnel session and server port. Idempotent. */
  close(): Promise<void>;
}

const silent: TunnelLogger = { info() {}, warn() {}, error() {} };

/** Attaches the relay to `server`; marks every device offline first (no agent is connected yet). */
export async function createTunnelRelay(server: HttpServer, deps: TunnelRelayDeps): Promise<TunnelRelay> {
  const options = resolveTunnelOptions(deps.options);
  const log = deps.logger ?? silent;
  const hub = new AgentHub(options.maxStreamsPerDevice);
  const chains = new Map<string, Promise<void>>();
  const ctx: TunnelContext = {
    devices: deps.devices,
    tokens: deps.tokens,
    hub,
    ports: new PortListeners(hub, options.serverPortHost, log),
    options,
    now: deps.now ?? Date.now,
    log,
    presence(deviceId, write) {
      const next = (chains.get(deviceId) ?? Promise.resolve()).then(write).catch((err: unknown) => log.error({ deviceId, err }, 'presence write failed'));
      chains.set(deviceId, next);
      void next.then(() => {
        if (chains.get(deviceId) === next) chains.delete(deviceId);
      });
    },
  };
  await deps.devices.markAllOffline();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false });
  const clients = new Set<WebSocket>();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://tunnel.invalid');
    if (url.pathname !== TUNNEL_AGENT_PATH && url.pathname !== TUNNEL_CLIENT_PATH) return;
    socket.on('error', () => {});
    void (async () => {
      if (closing) return reject(socket, 503, 'shutting down');
      if (url.pathname === TUNNEL_AGENT_PATH) {
        const auth = await authenticateAgentUpgrade(ctx, req);
        if (!auth.ok) return reject(socket, auth.status, auth.reason);
        wss.handleUpgrade(req, socket, head, (ws) => serveAgent(ctx, ws, auth.deviceId));
      } else {
        const auth = await authenticateClientUpgrade(ctx, req, url, clients.size);
        if (!auth.ok) return reject(socket, auth.status, auth.reason);
        wss.handleUpgrade(req, socket, head, (ws) => {
          clients.add(ws);
          ws.once('close', () => clients.delete(ws));
          void serveClient(ctx, ws, auth.identity);
        });
      }
    })().catch((err: unknown) => {
      log.error({ err }, 'tunnel upgrade failed');
      reject(socket, 500, 'internal error');
    });
  };
  server.on('upgrade', onUpgrade);

  let closed: Promise<void> | undefined;
  return {
    stats() {
      let buffered = 0;
      for (const ws of wss.clients) buffered += ws.bufferedAmount;
      return { agents: hub.size, clients: clients.size, streamsOpened: hub.counters.opened, streamsRefused: hub.counters.refused, agentBufferedBytes: buffered };
    },
    isOnline: (deviceId) => hub.get(deviceId)?.connection.isConnected === true,
    disconnect(deviceId, reason) {
      void hub.get(deviceId)?.connection.close(reason);
    },
    close() {
      closed ??= (async () => {
        closing = true;
        server.off('upgrade', onUpgrade);
        await Promise.all([...hub.entries()].map((e) => e.connection.close('gateway shutting down')));
        for (const ws of wss.clients) ws.close(TUNNEL_CLOSE_CODES.GOING_AWAY, 'gateway shutting down');
        await ctx.ports.closeAll();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await Promise.all([...chains.values()]);
      })();
      return closed;
    },
  };
}

function reject(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : status === 503 ? 'SHUTTING_DOWN' : 'BAD_REQUEST', message: reason } });
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
