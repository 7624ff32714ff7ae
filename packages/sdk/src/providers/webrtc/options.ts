/// <reference lib="dom" />
import type { PeerIdentity } from '../../identity/identity.js';
import type { Clock } from '../../session/clock.js';
import type { SessionOptions } from '../../session/options.js';
import type { P2pSignalingClient } from '../../signaling/client.js';

/** A standard `RTCPeerConnection` constructor: the browser's, or `node-datachannel/polyfill`'s. */
export type RtcPeerConnectionConstructor = new (configuration?: RTCConfiguration) => RTCPeerConnection;

/** ICE servers as a list, or a function fetching them (e.g. {@link iceServersFromGateway}) before each attempt. */
export type IceServersSource = readonly RTCIceServer[] | (() => Promise<readonly RTCIceServer[]>);

export interface WebRtcTimeouts {
  /** Whole setup (signaling, ICE, DTLS, identity proof, session HELLO), ms. Default 15 000; `policy.timeoutMs` overrides per call. */
  readonly connectMs?: number;
  /** How long ICE may stay `disconnected` before an ICE restart, ms. Default 2 500. */
  readonly disconnectedRestartMs?: number;
  /** On close, how long to wait for queued reliable data to leave before closing the peer connection, ms. Default 1 000. */
  readonly closeFlushMs?: number;
}

/**
 * Session options of WebRTC connections unless `session` overrides them.
 * - `maxChunkBytes` 65 527 (instead of the session's 16 KiB): the largest
 *   payload whose frame (9-byte header) fits the 64 KiB message size SCTP
 *   assumes when a peer announces none (RFC 8841 §6.1); a quarter of the
 *   sends, message events and frame headers per byte.
 * - `streamWindow` 1 MiB (instead of 256 KiB, like the tunnel's sessions):
 *   libdatachannel's send queue, SCTP and the thread hops to the JS thread
 *   hold far more than 256 KiB in flight at loopback/LAN speed, so a 256 KiB
 *   window stalls the sender on credit: 0.62–0.69× bare node-datachannel
 *   with each peer in its own process, 0.84–0.88× with 1 MiB; 2 and 4 MiB
 *   measured the same as 1 MiB within the noise (docs/BENCHMARKS.md, P2P).
 *   It is also what one stalled reader may hold per stream
 *   (`e2e/agent/p2p-bulk` bounds that at 2 MiB).
 */
export const WEBRTC_SESSION_DEFAULTS: SessionOptions = {
  maxChunkBytes: 65_527,
  streamWindow: 1_048_576,
};

export interface WebRtcProviderOptions {
  /** Our key; the peer id we register and prove. */
  readonly identity: PeerIdentity;
  /** A connected `/p2p` signaling client; the provider registers `identity` with it. */
  readonly signaling: P2pSignalingClient;
  /** `RTCPeerConnection` implementation (Node: `import { RTCPeerConnection } from 'node-datachannel/polyfill'`). */
  readonly rtc: RtcPeerConnectionConstructor;
  /** STUN/TURN servers. Default none (host candidates only: same host or LAN). */
  readonly iceServers?: IceServersSource;
  /** `relay` uses TURN candidates only (privacy, testing). Default `all`. */
  readonly policy?: 'all' | 'relay';
  readonly timeouts?: WebRtcTimeouts;
  /** Session protocol tuning (keepalive, windows). Defaults: {@link WEBRTC_SESSION_DEFAULTS}, then the session's own. */
  readonly session?: SessionOptions;
  /** Time source. Default {@link systemClock}. */
  readonly clock?: Clock;
}

export interface ResolvedTimeouts {
  readonly connectMs: number;
  readonly disconnectedRestartMs: number;
  readonly closeFlushMs: number;
}

export function resolveTimeouts(t: WebRtcTimeouts = {}): ResolvedTimeouts {
  const o = { connectMs: 15_000, disconnectedRestartMs: 2_500, closeFlushMs: 1_000, ...t };
  range('connectMs', o.connectMs, 100, 600_000);
  range('disconnectedRestartMs', o.disconnectedRestartMs, 0, 600_000);
  range('closeFlushMs', o.closeFlushMs, 0, 60_000);
  return o;
}

function range(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`timeouts.${name} must be an integer in ${min}..${max}, got ${value}`);
}

/** Fetches `GET /api/ice-servers` with a bearer token (the gateway's TURN REST credentials). */
export function iceServersFromGateway(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): () => Promise<readonly RTCIceServer[]> {
  return async () => {
    const res = await fetchImpl(new URL('/api/ice-servers', baseUrl), { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET /api/ice-servers: HTTP ${res.status}`);
    const body = (await res.json()) as { iceServers?: unknown };
    if (!Array.isArray(body.iceServers)) throw new Error('GET /api/ice-servers: no iceServers array');
    return body.iceServers.filter(isIceServer);
  };
}

function isIceServer(value: unknown): value is RTCIceServer {
  if (typeof value !== 'object' || value === null) return false;
  const { urls, username, credential } = value as Record<string, unknown>;
  const urlsOk = typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'));
  return urlsOk && (username === undefined || typeof username === 'string') && (credential === undefined || typeof credential === 'string');
}
