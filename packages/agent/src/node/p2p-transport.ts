/**
 * The agent's p2p transport: signs in to the gateway's `/p2p` namespace with
 * the device credential, registers the device key's peer id and accepts
 * WebRTC connections from users the gateway lets reach this device (owner or
 * grantee, checked per signal). Each connection's streams are served like
 * the tunnel's (same service header, same allow-list of targets).
 * Retries the sign-in with capped exponential backoff and full jitter.
 */
import { P2pSignalingClient, WebRtcProvider, type P2PConnection, type P2PListener, type PathInfo, type PeerIdentity, type RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { backoffDelay, type BackoffOptions } from '../core/backoff.js';
import { StateTracker } from '../core/state-tracker.js';
import { WakeableSleep } from '../core/wakeable-sleep.js';
import { relayAwareRtc } from './direct-upgrade.js';
import type { AgentTransport, TransportState, TransportStatus } from '../transport.js';

export interface P2pTransportInit {
  /** Base URL of the gateway serving `/p2p` (`p2p.registry_url`, else `tunnel_server_url`). */
  readonly signalingUrl: string;
  /** Socket.IO path of the signaling server. Default `/socket.io`. */
  readonly signalingPath?: string;
  readonly deviceId: string;
  readonly credential: string;
  /** The device key: its peer id is what clients dial (`GET /api/devices/:id` → `peerId`). */
  readonly identity: PeerIdentity;
  /** `RTCPeerConnection` implementation (node-datachannel's polyfill in Node). */
  readonly rtc: RtcPeerConnectionConstructor;
  /** STUN/TURN servers (`p2p.stun_servers`, `p2p.turn_servers`). Default none: host candidates only. */
  readonly iceServers?: readonly RTCIceServer[];
  /** Whole WebRTC setup per inbound attempt, ms (`p2p.ice_timeout`). Default 10 000. */
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Randomness for jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  readonly now?: () => number;
}

/** The `auth.token` form the gateway's `/p2p` accepts from device agents. */
export function deviceSignalingToken(deviceId: string, credential: string): string {
  return `device:${deviceId}:${credential}`;
}

export class P2pTransport implements AgentTransport {
  readonly kind = 'p2p' as const;
  readonly #init: P2pTransportInit;
  readonly #status: StateTracker<TransportState>;
  #connects = 0;
  #attempt = 0;
  #signaling: P2pSignalingClient | undefined;
  #listener: P2PListener | undefined;
  readonly #sleeper = new WakeableSleep();
  #loop: Promise<void> | undefined;

  constructor(init: P2pTransportInit) {
    this.#init = init;
    this.#status = new StateTracker<TransportState>(init.now ?? Date.now, 'offline', 'not started', 'stopped');
  }

  start(onConnection: (connection: P2PConnection, path: PathInfo) => void): void {
    this.#loop ??= this.#run(onConnection);
  }

  /**
   * Every stream of a p2p connection is checked against the grants at that
   * moment: the gateway tells whether the user owning the dialer's peer id
   * may still reach this device. No signaling session: refused (fail closed).
   */
  async authorizeStream(connection: P2PConnection): Promise<boolean> {
    const signaling = this.#signaling;
    if (signaling === undefined || !signaling.connected) return false;
    return (await signaling.authorize(connection.peerId)).ok;
  }

  /** Drops the signaling session and signs in again; established connections stay up. */
  reconnect(): void {
    this.#attempt = 0;
    void this.#listener?.close();
    this.#sleeper.wake();
  }

  status(): TransportStatus {
    const state = this.#status.state === 'online' && this.#signaling?.connected === false ? 'connecting' : this.#status.state;
    return { kind: 'p2p', state, reason: state === this.#status.state ? this.#status.reason : 'signaling reconnecting', connects: this.#connects, since: this.#status.since, rttMs: undefined, serverPorts: {} };
  }

  async stop(): Promise<void> {
    this.#status.stop('stopped');
    await this.#listener?.close();
    this.#sleeper.wake();
    await this.#loop;
  }

  async #run(onConnection: (connection: P2PConnection, path: PathInfo) => void): Promise<void> {
    const init = this.#init;
    while (!this.#status.stopped) {
      this.#status.set('connecting', this.#attempt === 0 ? 'connecting' : `retry ${this.#attempt}`);
      try {
        const signaling = await P2pSignalingClient.connect({
          url: init.signalingUrl,
          token: deviceSignalingToken(init.deviceId, init.credential),
          ...(init.signalingPath === undefined ? {} : { path: init.signalingPath }),
        });
        this.#signaling = signaling;
        const provider = new WebRtcProvider({
          identity: init.identity,
          signaling,
          // A relayed pair that libjuice reports as peer-reflexive is still relayed: count and show it as relay.
          rtc: relayAwareRtc(init.rtc),
          iceServers: init.iceServers ?? [],
          timeouts: { connectMs: init.connectTimeoutMs ?? 10_000 },
        });
        try {
          const listener = await provider.listen();
          this.#listener = listener;
          if (this.#status.stopped) await listener.close();
          this.#attempt = 0;
          this.#connects++;
          this.#status.set('online', 'listening');
          for await (const connection of listener) onConnection(connection, connection.path);
        } finally {
          this.#listener = undefined;
          this.#signaling = undefined;
          // Connections already accepted keep their own peer connections; closing the provider ends them, so only stop signaling here.
          if (this.#status.stopped) await provider.close();
          signaling.close();
        }
        if (this.#status.stopped) break;
        this.#status.set('offline', 'listener closed');
      } catch (err) {
        if (this.#status.stopped) break;
        this.#status.set('offline', err instanceof Error ? err.message : String(err));
      }
      await this.#sleeper.sleep(backoffDelay(this.#attempt++, (init.random ?? Math.random)(), init.backoff));
    }
  }
}
