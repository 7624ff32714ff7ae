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
 */
import type { Server, Socket } from 'node:net';
import { createEd25519Identity, P2pSignalingClient, WebRtcProvider, type P2PConnection, type PeerId, type RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { backoffDelay, type BackoffOptions } from '../core/backoff.js';
import { WakeableSleep } from '../core/wakeable-sleep.js';
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
  #direct: P2PConnection | undefined;
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
        const closed = new Promise<string>((resolve) => conn.on('closed', ({ reason }) => resolve(reason)));
        // A pair with a relay candidate on either end crosses a TURN server (the SDK's path.kind only looks at the local end).
        const relayed = conn.path.kind === 'relay' || conn.path.remote === 'relay';
        this.#setPath(relayed ? 'relay' : 'direct', conn.path.reason);
        settle(true);
        const reason = await Promise.race([closed, this.#sleeper.sleep(2 ** 31 - 1).then(() => 'stopped')]);
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

  async #dialOnce(): Promise<P2PConnection> {
    const init = this.#init;
    if (this.#stopped) throw new Error('forwarder stopped');
    if (this.#signaling?.connected !== true) {
      await this.#provider?.close();
      this.#signaling?.close();
      this.#provider = undefined;
      this.#signaling = await P2pSignalingClient.connect({ url: init.signalingUrl ?? init.gatewayUrl, token: init.token, ...(init.signalingPath === undefined ? {} : { path: init.signalingPath }) });
      this.#provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling: this.#signaling, rtc: init.rtc, iceServers: init.iceServers ?? [] });
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

  #accept(spec: ForwardSpec, socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    void (async () => {
      const { connection, path } = await this.#pick();
      const outcome = await forwardSocket(connection, spec.service, socket);
      if (!outcome.ok) this.#init.onEvent?.({ type: 'stream-refused', service: spec.service, code: outcome.code, message: outcome.message });
      else this.#init.onEvent?.({ type: 'stream-closed', service: spec.service, path, bytesIn: outcome.bytesIn, bytesOut: outcome.bytesOut });
    })().catch(() => socket.destroy());
  }
}
