/**
 * Composition of one gateway process: storage, the HTTP API (Fastify),
 * Socket.IO signaling on the same port, metrics and the web app.
 * `createGateway` wires; `Gateway.close` shuts down in the reverse order.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { Stores } from './core/ports.js';
import { openStores } from './db/index.js';
import { TokenService } from './auth/tokens.js';
import { registerHttpApi } from './http/index.js';
import { createSignalingServer } from './transports/socketio/index.js';
import { resolveSecrets, type Secrets } from './secrets.js';
import { startEmbeddedTurn, type EmbeddedTurn } from './turn.js';
import { registerDeviceRoutes, SqlDeviceStore } from './devices/index.js';
import { createTunnelRelay, type TunnelRelay } from './tunnel/index.js';
import { attachP2pSignaling } from './p2p/index.js';

/** Optional collaborators, for embedding and tests. */
export interface GatewayComponents {
  /** Clock in epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Extra ICE server URLs source, e.g. the embedded TURN server once it listens. */
  readonly defaultTurnUrls?: readonly string[];
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly stores: Stores;
  readonly secrets: Secrets;
  readonly metrics: Registry;
  /** The embedded STUN/TURN server, when enabled. */
  readonly turn: EmbeddedTurn | undefined;
  /** The device registry. */
  readonly devices: SqlDeviceStore;
  /** The tunnel relay (agents' and clients' WebSockets, server ports). */
  readonly tunnel: TunnelRelay;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<{ host: string; port: number }>;
  /** Graceful shutdown: stop accepting, tell clients, close storage. Idempotent. */
  close(reason?: string): Promise<void>;
}

function defaultWebRoot(): string | undefined {
  const candidate = join(import.meta.dirname, '..', '..', '..', 'apps', 'web', 'dist');
  return existsSync(join(candidate, 'index.html')) ? candidate : undefined;
}

export async function createGateway(config: GatewayConfig, components: GatewayComponents = {}): Promise<Gateway> {
  const now = components.now ?? Date.now;
  const secrets = await resolveSecrets(config.dataDir, { jwtSecret: config.jwtSecret, turnSecret: config.turnSecret });
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: 64 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const log = app.log as unknown as Logger;
  const stores = await openStores({
    sqlitePath: join(config.dataDir, 'peerlink.db'),
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : {}),
  });
  const failed = await stores.calls.failUnfinishedCalls(now(), 'gateway-restart');
  if (failed > 0) log.warn({ failed }, 'calls left unfinished by a previous run were marked failed');

  // The device tables are created by the same migrations (0002_devices).
  const devices = new SqlDeviceStore(stores.db, config.tunnelPorts);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'peerlink_' });
  let turn: EmbeddedTurn | undefined;
  try {
    turn = config.turn.enabled ? await startEmbeddedTurn(config, secrets.turnSecret, metrics) : undefined;
  } catch (err) {
    await stores.close();
    throw err;
  }
  if (turn) log.info({ udp: turn.handle.udpAddress, tcp: turn.handle.tcpAddress, relayIp: turn.handle.relayIp }, 'embedded STUN/TURN listening');

  const tokens = new TokenService({ secret: secrets.jwtSecret });
  const turnUrls = config.turnUrls ?? components.defaultTurnUrls ?? [];
  await registerHttpApi(app, {
    stores,
    tokens,
    iceServers: {
      stunUrls: turnUrls.filter((u) => u.startsWith('stun:') || u.startsWith('stuns:')),
      turnUrls: turnUrls.filter((u) => u.startsWith('turn:') || u.startsWith('turns:')),
      turnSecret: secrets.turnSecret,
      ttlSeconds: config.turnCredentialTtlSeconds,
      urlsForHost: turn ? (host: string) => turn.urlsForHost(host) : undefined,
    },
    authRateLimit: { max: config.authRateMax, timeWindowMs: config.authRateWindowMs },
    now,
  });

  // Assigned once the relay exists (after app.ready); deleting a device disconnects its agent.
  const tunnelRef: { current?: TunnelRelay } = {};
  await registerDeviceRoutes(app, {
    devices,
    users: stores.users,
    tokens,
    now,
    onDeviceDeleted: (id) => tunnelRef.current?.disconnect(id, 'deleted'),
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });

  const webRoot = config.webRoot ?? defaultWebRoot();
  if (webRoot !== undefined) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false });
  } else {
    log.warn('web app not built (apps/web/dist missing): serving the API only');
  }
  // Unknown GET paths are client-side routes of the web app; the rest is a JSON 404.
  app.setNotFoundHandler((req, reply) => {
    const isPage = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io');
    if (webRoot !== undefined && isPage) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });

  await app.ready();
  const signaling = createSignalingServer(app.server, {
    stores,
    tokens,
    options: {
      ringTimeoutMs: config.ringTimeoutMs,
      disconnectGraceMs: config.disconnectGraceMs,
      rateLimit: { perSecond: config.signalingRatePerSecond, burst: config.signalingBurst },
      recoveryBufferPackets: config.recoveryBufferPackets,
    },
    now,
    logger: log,
  });
  // Peers reach each other by peer id on the /p2p namespace of the same Socket.IO server.
  const p2p = attachP2pSignaling(signaling.io, { tokens, now, logger: log, devices });
  const relay = await createTunnelRelay(app.server, {
    devices,
    tokens,
    options: { tunnelPorts: config.tunnelPorts },
    now,
    logger: log,
  });
  tunnelRef.current = relay;
  new Gauge({
    name: 'peerlink_signaling_connected_users',
    help: 'Users with at least one connected signaling socket',
    registers: [metrics],
    collect() {
      this.set(signaling.connectedUsers);
    },
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    stores,
    secrets,
    metrics,
    turn,
    devices,
    tunnel: relay,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('gateway bound to an unexpected address');
      return { host: address.address, port: address.port };
    },
    close(reason = 'shutdown') {
      closing ??= (async () => {
        log.info({ reason }, 'gateway shutting down');
        await p2p.close();
        await signaling.close();
        await relay.close();
        await app.close();
        await turn?.handle.close();
        await stores.close();
      })();
      return closing;
    },
  };
}
