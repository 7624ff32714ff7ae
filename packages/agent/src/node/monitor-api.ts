/**
 * The agent's local monitoring API (default `127.0.0.1:8080`):
 *
 *   GET  /p2p/status      → {status, mode, active_connections, direct_connections,
 *                            relay_connections, tunnel_connections, bytes_sent,
 *                            bytes_received, connection_quality}
 *   GET  /p2p/connections → {connections: [{id, peer, service, path, reason, rtt_ms,
 *                            bytes_sent, bytes_received, since}], transports: [...]}
 *   POST /p2p/reconnect   → 202 {status: "reconnecting"}: restarts the tunnel (and ICE, once wired)
 *   GET  /metrics         → Prometheus text
 *
 * `connection_quality` rates every connection carrying streams on its own
 * path and RTT (its session keepalive) and reports the worst
 * (`Agent.status()`); when idle, the tunnel session's RTT. `peer` of a
 * p2p stream is the dialling peer id.
 *
 * Anything else is a JSON 404; wrong methods get 405.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Agent, StreamRecord } from './agent.js';

export interface MonitorApi {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export function agentMetrics(agent: Agent): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'peerlink_agent_up',
    help: '1 while a transport of the agent is online',
    registers: [registry],
    collect() {
      this.set(agent.status().status === 'online' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'peerlink_agent_streams',
    help: 'Open forwarded streams by path',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      const s = agent.status();
      this.set({ path: 'direct' }, s.direct_connections);
      this.set({ path: 'relay' }, s.relay_connections);
      this.set({ path: 'tunnel' }, s.tunnel_connections);
    },
  });
  new Gauge({
    name: 'peerlink_agent_bytes',
    help: 'Bytes forwarded since start (sent: toward viewers)',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      const s = agent.status();
      this.set({ direction: 'sent' }, s.bytes_sent);
      this.set({ direction: 'received' }, s.bytes_received);
    },
  });
  new Gauge({
    name: 'peerlink_agent_transport_connects',
    help: 'Successful (re)connections per transport since start',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      for (const t of agent.transports()) this.set({ transport: t.kind }, t.connects);
    },
  });
  new Counter({
    name: 'peerlink_agent_streams_refused',
    help: 'Streams refused by code since start',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [code, n] of agent.refusals) this.inc({ code }, n);
    },
  });
  return registry;
}

export async function startMonitorApi(agent: Agent, host: string, port: number): Promise<MonitorApi> {
  const metrics = agentMetrics(agent);
  const server: Server = createServer((req, res) => {
    void handle(agent, metrics, req, res).catch(() => json(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('monitor API bound to an unexpected address');
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(agent: Agent, metrics: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://agent.invalid').pathname;
  const route = ROUTES[path];
  if (route === undefined) return json(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${path}` } });
  if (req.method !== route) return json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${path} accepts ${route}` } });
  switch (path) {
    case '/p2p/status':
      return json(res, 200, agent.status());
    case '/p2p/connections':
      return json(res, 200, {
        connections: agent.streams().map((s) => ({
          id: s.id,
          peer: streamPeer(s),
          service: s.service,
          path: s.path.kind,
          reason: s.path.reason,
          rtt_ms: s.connection.stats().rttMs ?? null,
          bytes_sent: s.served.counters.bytesIn,
          bytes_received: s.served.counters.bytesOut,
          since: new Date(s.since).toISOString(),
        })),
        transports: agent.transports().map((t) => ({ ...t, since: new Date(t.since).toISOString(), rttMs: t.rttMs ?? null })),
      });
    case '/p2p/reconnect':
      agent.reconnect();
      return json(res, 202, { status: 'reconnecting' });
    case '/metrics': {
      const body = await metrics.metrics();
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(body);
      return;
    }
  }
}

/** Who opened a stream: the user the gateway named (tunnel), else the p2p connection's remote peer id. */
function streamPeer(s: StreamRecord): string {
  return s.path.kind === 'tunnel' ? s.peer : s.connection.peerId;
}

const ROUTES: Record<string, 'GET' | 'POST'> = { '/p2p/status': 'GET', '/p2p/connections': 'GET', '/p2p/reconnect': 'POST', '/metrics': 'GET' };

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
