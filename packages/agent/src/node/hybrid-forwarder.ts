/**
 * `peerlink connect --mode p2p|hybrid`: local TCP listeners whose connections
 * each become one stream to a device service over WebRTC (dialling the
 * device's peer id through the gateway's `/p2p`).
 *
 * `hybrid`: a connection waits at most `iceTimeoutMs` for the first p2p
 * attempt; if p2p is not up by then (or failed) it goes through the tunnel.
 * p2p keeps retrying in the background; once it works NEW streams take the
 * direct path (fall forward) while streams already on the tunnel keep flowing.
 * `p2p`: connections wait for p2p (bounded by `iceTimeoutMs`) and never use the tunnel.
 *
 * Both modes: when the p2p connection came up over a TURN relay, a
 * direct-only attempt runs in the background (`direct-upgrade.ts`); once it
 * connects, NEW streams take it (path `direct`, reason
 * `relay-upgraded-to-direct: ice-…`) and the relayed connection closes when
 * its last stream ends.
 */
import type { Server, Socket } from 'node:net';
import { createEd25519Identity, P2pSignalingClient, WebRtcProvider, type P2PConnection, type PeerId, type RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { backoffDelay, type BackoffOptions } from '../core/backoff.js';
import { WakeableSleep } from '../core/wakeable-sleep.js';
import { directOnlyRtc, relayAwareRtc, upgradeToDirect, type DirectUpgradeOptions } from './direct-upgrade.js';
import { forwardSocket } from './forward-stream.js';
import { listenOnForwards, TunnelForwarder, type ForwardSpec } from './forwarder.js';

export type HybridPath = 'direct' | 'relay' | 'tunnel' | 'none';

export type HybridEvent =
  | { readonly type: 'path'; readonly path: HybridPath; readonly reason: string }
  | { readonly type: 'stream-refused'; readonly service: string; readonly code: string; readonly message: string }
  | { readonly type: 'stream-closed'; readonly service: string; readonly path: HybridPath; readonly bytesIn: number; readonly bytesOut: number };

export interface HybridForwarderInit {
  readonly mode: 'p2p' | 'hybrid';
  readonly gatewayUrl: string;
  readonly token: string;
  readonly deviceId: string;
  /** The device's peer id (`GET /api/devices/:id` → `peerId`). */
  readonly peerId: PeerId;
  readonly forwards: readonly ForwardSpec[];
  readonly rtc: RtcPeerConnectionConstructor;
  /** STUN/TURN servers, or a fetcher (e.g. `iceServersFromGateway`). Default none. */
  readonly iceServers?: readonly RTCIceServer[] | (() => Promise<readonly RTCIceServer[]>);
  /** How long one p2p attempt may take and how long a connection waits for p2p before the tunnel, ms (`p2p.ice_timeout`). Default 10 000. */
  readonly iceTimeoutMs?: number;
  /** Delay between background p2p attempts (capped exponential, full jitter). */
  readonly retry?: BackoffOptions;
  /** Base URL serving `/p2p` signaling (the registry URL). Default `gatewayUrl`. */
  readonly signalingUrl?: string;
  /** Socket.IO path of the gateway's signaling server. Default `/socket.io`. */
  readonly signalingPath?: string;
  /** Relay → direct upgrade attempts (see `direct-upgrade.ts`), or false to stay on the relay. Default {@link DIRECT_UPGRADE_DEFAULTS}. */
  readonly upgrade?: DirectUpgradeOptions | false;
  readonly onEvent?: (event: HybridEvent) => void;
}

export class HybridForwarder {
  readonly #init: HybridForwarderInit;
  readonly #iceTimeoutMs: number;
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #tunnel: TunnelForwarder | undefined;
  #signaling: P2pSignalingClient | undefined;
  #provider: WebRtcProvider | undefined;
  /** Dials direct-only (relay → direct upgrade), on the same signaling session with an identity of its own. */
  #directProvider: WebRtcProvider | undefined;
  #direct: P2PConnection | undefined;
  /** Streams in flight per p2p connection; a connection replaced by an upgrade closes when its count reaches 0. */
  readonly #streams = new Map<P2PConnection, number>();
  readonly #retired = new Set<P2PConnection>();
  /** Settles when the current p2p attempt ends (true: up). */
  #attempt: Promise<boolean> | undefined;
  #path: HybridPath = 'none';
  #stopped = false;
  readonly #sleeper = new WakeableSleep();
  #loop: Promise<void> | undefined;

  constructor(init: HybridForwarderInit) {
    this.#init = init;
    this.#iceTimeoutMs = init.iceTimeoutMs ?? 10_000;
    if (init.mode === 'hybrid') this.#tunnel = new TunnelForwarder({ gatewayUrl: init.gatewayUrl, token: init.token, deviceId: init.deviceId, forwards: [] });
  }

  /** The path new streams take now. */
  get path(): HybridPath {
    return this.#path;
  }

  /** Listens on every forward and starts dialling; resolves with the bound ports. */
  async start(): Promise<number[]> {
    const ports = await listenOnForwards(this.#init.forwards, this.#servers, (spec, socket) => this.#accept(spec, socket));
    this.#loop = this.#dialLoop();
    return ports;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#sleeper.wake();
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await this.#provider?.close(); // fails an attempt in progress, closes the p2p connection
    await this.#directProvider?.close();
    await this.#loop;
    this.#signaling?.close();
    await this.#tunnel?.stop();
  }

  #setPath(path: HybridPath, reason: string): void {
    if (path === this.#path) return;
    this.#path = path;
    this.#init.onEvent?.({ type: 'path', path, reason });
  }

  /** Dials until stopped: one attempt at a time, backoff after failures, again after a drop. */
  async #dialLoop(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let settle: (up: boolean) => void = () => {};
      this.#attempt = new Promise<boolean>((resolve) => (settle = resolve));
      try {
        const conn = await this.#dialOnce();
        failures = 0;
        this.#direct = conn;
        this.#setPath(isRelayed(conn) ? 'relay' : 'direct', conn.path.reason);
        settle(true);
        const reason = await this.#hold(conn);
        this.#direct = undefined;
        if (this.#stopped) break;
        this.#setPath(this.#tunnel === undefined ? 'none' : 'tunnel', `p2p closed: ${reason}`);
      } catch (err) {
        settle(false);
        if (this.#stopped) break;
        const code = err instanceof Error && 'code' in err ? String(err.code) : 'NETWORK_ERROR';
        this.#setPath(this.#tunnel === undefined ? 'none' : 'tunnel', `p2p failed: ${code.toLowerCase()}`);
      }
      await this.#sleeper.sleep(backoffDelay(failures++, Math.random(), this.#init.retry ?? { initialMs: 1_000, maxMs: 30_000 }));
    }
  }

  /**
   * Waits until the p2p connection in use closes (or stop); meanwhile, if it
   * is relayed, upgrades to a direct one: new streams move, the relayed one
   * retires. Resolves with the close reason of the connection last in use.
   */
  async #hold(first: P2PConnection): Promise<string> {
    const abort = new AbortController();
    const stopped = this.#sleeper.sleep(2 ** 31 - 1).then(() => ({ kind: 'stopped' as const }));
    const never = new Promise<never>(() => {});
    let upgrade: Promise<{ kind: 'upgraded'; conn: P2PConnection | undefined }> = isRelayed(first) && this.#init.upgrade !== false ? this.#upgrade(abort.signal).then((conn) => ({ kind: 'upgraded' as const, conn })) : never;
    let current = first;
    try {
      for (;;) {
        const closed = new Promise<{ kind: 'closed'; reason: string }>((resolve) => {
          if (!current.isConnected) resolve({ kind: 'closed', reason: 'closed' });
          current.on('closed', ({ reason }) => resolve({ kind: 'closed', reason }));
        });
        const event = await Promise.race([closed, stopped, upgrade]);
        if (event.kind === 'stopped') return 'stopped';
        if (event.kind === 'closed') return event.reason;
        upgrade = never; // one upgrade per relayed connection
        if (event.conn === undefined) continue; // gave up: stay on the relay until it closes
        this.#direct = event.conn;
        this.#setPath('direct', `relay-upgraded-to-direct: ${event.conn.path.reason}`);
        this.#retire(current);
        current = event.conn;
      }
    } finally {
      abort.abort();
    }
  }

  /** Direct-only attempts until one connects, the attempts run out, or `signal` aborts (the relayed connection closed). */
  async #upgrade(signal: AbortSignal): Promise<P2PConnection | undefined> {
    const options = this.#init.upgrade === false ? {} : (this.#init.upgrade ?? {});
    return upgradeToDirect(async (s) => {
      const provider = this.#directProvider;
      if (provider === undefined || this.#signaling?.connected !== true) throw new Error('signaling down');
      return provider.connect(this.#init.peerId, { signal: s, policy: { timeoutMs: this.#iceTimeoutMs, allow: ['direct'] } });
    }, signal, options);
  }

  /** A connection replaced by an upgrade: closes now if idle, else once its last stream ends. */
  #retire(conn: P2PConnection): void {
    if ((this.#streams.get(conn) ?? 0) === 0) void conn.close('relay-upgraded-to-direct');
    else this.#retired.add(conn);
  }

  async #dialOnce(): Promise<P2PConnection> {
    const init = this.#init;
    if (this.#stopped) throw new Error('forwarder stopped');
    if (this.#signaling?.connected !== true) {
      await this.#provider?.close();
      await this.#directProvider?.close();
      this.#signaling?.close();
      this.#provider = undefined;
      this.#directProvider = undefined;
      this.#signaling = await P2pSignalingClient.connect({ url: init.signalingUrl ?? init.gatewayUrl, token: init.token, ...(init.signalingPath === undefined ? {} : { path: init.signalingPath }) });
      this.#provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling: this.#signaling, rtc: relayAwareRtc(init.rtc), iceServers: init.iceServers ?? [] });
      if (init.upgrade !== false) this.#directProvider = new WebRtcProvider({ identity: createEd25519Identity(), signaling: this.#signaling, rtc: directOnlyRtc(init.rtc), iceServers: init.iceServers ?? [] });
    }
    return (this.#provider as WebRtcProvider).connect(init.peerId, { policy: { timeoutMs: this.#iceTimeoutMs } });
  }

  /** The connection a new stream takes: p2p when up; else (hybrid) the tunnel once the first attempt failed or `iceTimeoutMs` passed. */
  async #pick(): Promise<{ connection: P2PConnection; path: HybridPath }> {
    const direct = this.#direct;
    if (direct?.isConnected === true) return { connection: direct, path: this.#path };
    const attempt = this.#attempt ?? Promise.resolve(false);
    const up = await Promise.race([attempt, new Promise<false>((resolve) => setTimeout(() => resolve(false), this.#iceTimeoutMs).unref())]);
    if (up && this.#direct?.isConnected === true) return { connection: this.#direct, path: this.#path };
    if (this.#tunnel === undefined) throw new Error('p2p is not up');
    if (this.#path === 'none') this.#setPath('tunnel', `no p2p within ${this.#iceTimeoutMs} ms`);
    return { connection: await this.#tunnel.connection(), path: 'tunnel' };
  }

  #streamEnded(conn: P2PConnection): void {
    const left = (this.#streams.get(conn) ?? 1) - 1;
    if (left > 0) return void this.#streams.set(conn, left);
    this.#streams.delete(conn);
    if (this.#retired.delete(conn)) void conn.close('relay-upgraded-to-direct');
  }

  #accept(spec: ForwardSpec, socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    void (async () => {
      const { connection, path } = await this.#pick();
      const p2p = path !== 'tunnel';
      if (p2p) this.#streams.set(connection, (this.#streams.get(connection) ?? 0) + 1);
      const outcome = await forwardSocket(connection, spec.service, socket).finally(() => {
        if (p2p) this.#streamEnded(connection);
      });
      if (!outcome.ok) this.#init.onEvent?.({ type: 'stream-refused', service: spec.service, code: outcome.code, message: outcome.message });
      else this.#init.onEvent?.({ type: 'stream-closed', service: spec.service, path, bytesIn: outcome.bytesIn, bytesOut: outcome.bytesOut });
    })().catch(() => socket.destroy());
  }
}

/** A pair with a relay candidate on either end crosses a TURN server. */
function isRelayed(conn: P2PConnection): boolean {
  return conn.path.kind === 'relay' || conn.path.remote === 'relay';
}
