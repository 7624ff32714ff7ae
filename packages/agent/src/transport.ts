/**
 * Pluggable agent transports: one per connection mode. A transport keeps
 * its way of being reachable alive (the tunnel: one WebSocket session to the
 * gateway; p2p: an ICE listener, later) and hands every established
 * {@link P2PConnection} to the agent, which serves the streams on it.
 */
import type { P2PConnection, PathInfo } from '@peerlink/sdk';

export type TransportState = 'connecting' | 'online' | 'offline' | 'stopped';

export interface TransportStatus {
  readonly kind: 'tunnel' | 'p2p';
  readonly state: TransportState;
  /** Why the transport is in this state (e.g. the last close reason). */
  readonly reason: string;
  /** Successful (re)connections since start. */
  readonly connects: number;
  /** Epoch ms of the current state's start. */
  readonly since: number;
  /** Last keepalive RTT of the current session. */
  readonly rttMs: number | undefined;
  /** Server ports the gateway published for our services (tunnel only). */
  readonly serverPorts: Readonly<Record<string, number | null>>;
}

export interface AgentTransport {
  readonly kind: TransportStatus['kind'];
  /** Starts connecting; `onConnection` receives every established connection with its path. */
  start(onConnection: (connection: P2PConnection, path: PathInfo) => void): void;
  /**
   * Checked before serving each stream of `connection` (after the service
   * header, before dialling): false refuses it with `ACCESS_DENIED`. The
   * tunnel needs none (the gateway checks the grant when it opens a stream).
   */
  authorizeStream?(connection: P2PConnection): Promise<boolean>;
  /** Drops the current session(s) and reconnects at once (`POST /p2p/reconnect`). */
  reconnect(): void;
  status(): TransportStatus;
  /** Stops for good. Idempotent. */
  stop(): Promise<void>;
}
