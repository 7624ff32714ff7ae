/**
 * The device agent: picks the transports of its connection mode, serves the
 * streams of every connection they produce, and keeps the numbers the local
 * monitoring API reports.
 *
 * Modes: `tunnel` runs the tunnel transport. `p2p` runs the p2p transport
 * (WebRTC, signaled on the gateway's `/p2p`) and, when `fallback_to_tunnel`,
 * the tunnel too. `hybrid` runs both: clients pick the path (direct first,
 * the tunnel while p2p is not up); each stream records the path it arrived on.
 */
import type { P2PConnection, PathInfo, PeerIdentity, RtcPeerConnectionConstructor } from '@peerlink/sdk';
import type { AgentConfig } from '../config.js';
import { overallQuality, type ConnectionQuality, type PathSample } from '../core/quality.js';
import type { AgentTransport, TransportStatus } from '../transport.js';
import type { ConnectionMode } from '../wire/index.js';
import { serveStream, type ServedStream } from './serve-stream.js';
import { P2pTransport, type P2pTransportInit } from './p2p-transport.js';
import { TunnelTransport, type TunnelTransportInit } from './tunnel-transport.js';

export interface StreamRecord {
  readonly id: number;
  readonly peer: string;
  readonly service: string;
  readonly path: PathInfo;
  readonly since: number;
  readonly served: ServedStream;
  readonly connection: P2PConnection;
}

export interface AgentStatus {
  status: 'online' | 'connecting' | 'offline';
  mode: ConnectionMode;
  active_connections: number;
  direct_connections: number;
  relay_connections: number;
  tunnel_connections: number;
  bytes_sent: number;
  bytes_received: number;
  connection_quality: ConnectionQuality;
}

export interface AgentInit {
  readonly config: AgentConfig;
  readonly identity: PeerIdentity;
  readonly now?: () => number;
  /** Overrides for the tunnel transport (backoff, session tuning) — tests. */
  readonly tunnel?: Partial<TunnelTransportInit>;
  /** `RTCPeerConnection` for modes `p2p`/`hybrid` (node-datachannel's polyfill); without it those modes run no p2p transport. */
  readonly rtc?: RtcPeerConnectionConstructor;
  /** Overrides for the p2p transport (backoff, signaling path) — tests. */
  readonly p2p?: Partial<P2pTransportInit>;
}

export class Agent {
  readonly config: AgentConfig;
  readonly #transports: AgentTransport[] = [];
  readonly #targets: ReadonlyMap<string, string>;
  readonly #streams = new Map<number, StreamRecord>();
  readonly #now: () => number;
  readonly #pathReason: string;
  #nextId = 1;
  /** Bytes of streams that already ended. */
  #doneBytes = { sent: 0, received: 0 };
  /** Streams refused since start, by code. */
  readonly refusals = new Map<string, number>();
  readonly #closing = new Set<Promise<void>>();

  constructor(init: AgentInit) {
    this.config = init.config;
    this.#now = init.now ?? Date.now;
    this.#targets = new Map(init.config.services.map((s) => [s.name, s.target]));
    const mode = init.config.agent.connection_mode;
    this.#pathReason = mode === 'tunnel' ? 'tunnel-mode' : 'p2p-unavailable';
    const wantsTunnel = mode !== 'p2p' || init.config.fallback_to_tunnel;
    if (wantsTunnel) {
      this.#transports.push(
        new TunnelTransport({
          gatewayUrl: init.config.tunnel_server_url,
          deviceId: init.config.agent.agent_id,
          credential: init.config.device_credential,
          identity: init.identity,
          services: init.config.services.map((s) => s.name),
          mode,
          now: this.#now,
          ...init.tunnel,
        }),
      );
    }
    if (mode !== 'tunnel' && init.rtc !== undefined) {
      const p2p = init.config.p2p;
      this.#transports.push(
        new P2pTransport({
          signalingUrl: p2p.registry_url ?? init.config.tunnel_server_url,
          deviceId: init.config.agent.agent_id,
          credential: init.config.device_credential,
          identity: init.identity,
          rtc: init.rtc,
          iceServers: [...p2p.stun_servers.map((urls) => ({ urls })), ...p2p.turn_servers.map((t) => ({ urls: t.url, username: t.username, credential: t.password }))],
          connectTimeoutMs: Math.round(p2p.ice_timeout * 1000),
          now: this.#now,
          ...init.p2p,
        }),
      );
    }
  }

  start(): void {
    for (const transport of this.#transports) {
      transport.start((connection, path) =>
        this.#serve(connection, transport.kind === 'tunnel' ? { kind: 'tunnel', reason: this.#pathReason } : path, transport.authorizeStream?.bind(transport)),
      );
    }
  }

  /** `POST /p2p/reconnect`: restart every transport's session now. */
  reconnect(): void {
    for (const transport of this.#transports) transport.reconnect();
  }

  transports(): TransportStatus[] {
    return this.#transports.map((t) => t.status());
  }

  streams(): StreamRecord[] {
    return [...this.#streams.values()];
  }

  status(): AgentStatus {
    const transports = this.transports();
    const states = transports.map((t) => t.state);
    const status = states.includes('online') ? 'online' : states.includes('connecting') ? 'connecting' : 'offline';
    const streams = this.streams();
    const byPath = (kind: PathInfo['kind']): number => streams.filter((s) => s.path.kind === kind).length;
    const live = streams.reduce((acc, s) => ({ sent: acc.sent + s.served.counters.bytesIn, received: acc.received + s.served.counters.bytesOut }), { sent: 0, received: 0 });
    return {
      status,
      mode: this.config.agent.connection_mode,
      active_connections: streams.length,
      direct_connections: byPath('direct'),
      relay_connections: byPath('relay'),
      tunnel_connections: byPath('tunnel'),
      // Sent = from the local service toward viewers; received = from viewers.
      bytes_sent: this.#doneBytes.sent + live.sent,
      bytes_received: this.#doneBytes.received + live.received,
      connection_quality: this.#quality(status === 'online', streams, transports),
    };
  }

  /**
   * Every connection carrying streams rated on its own path and RTT, the worst
   * counting ({@link overallQuality}); when idle, how well the agent is
   * reachable: the tunnel session's keepalive RTT (a p2p listener has no path
   * until dialled).
   */
  #quality(online: boolean, streams: readonly StreamRecord[], transports: readonly TransportStatus[]): ConnectionQuality {
    const samples: PathSample[] = [];
    const seen = new Set<P2PConnection>();
    for (const s of streams) {
      if (seen.has(s.connection) || !s.connection.isConnected) continue;
      seen.add(s.connection);
      samples.push({ path: s.path.kind, rttMs: s.connection.stats().rttMs });
    }
    const tunnel = transports.find((t) => t.kind === 'tunnel' && t.state === 'online');
    if (samples.length === 0 && tunnel !== undefined) samples.push({ path: 'tunnel', rttMs: tunnel.rttMs });
    return overallQuality({ online, samples });
  }

  async stop(): Promise<void> {
    await Promise.all(this.#transports.map((t) => t.stop()));
    await Promise.allSettled([...this.#closing]);
  }

  #serve(connection: P2PConnection, path: PathInfo, authorize: ((c: P2PConnection) => Promise<boolean>) | undefined): void {
    void (async () => {
      for (;;) {
        const stream = await connection.acceptStream().catch(() => undefined);
        if (stream === undefined) return;
        const id = this.#nextId++;
        const done = serveStream(stream, this.#targets, {
          onOpen: (served) => this.#streams.set(id, { id, peer: served.peer, service: served.service, path, since: this.#now(), served, connection }),
          onClose: (served) => {
            this.#streams.delete(id);
            this.#doneBytes.sent += served.counters.bytesIn;
            this.#doneBytes.received += served.counters.bytesOut;
          },
          onRefused: (code) => this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1),
          ...(authorize === undefined ? {} : { authorize: () => authorize(connection) }),
        }).catch(() => stream.reset());
        this.#closing.add(done);
        void done.finally(() => this.#closing.delete(done));
      }
    })();
  }
}
