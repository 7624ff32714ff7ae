import type { PeerId } from '@peerlink/protocol';
import type { P2PError } from './errors.js';

/** ICE-style candidate types (RFC 8445 §5.1.1). */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/**
 * Which path a connection's bytes take.
 * - `direct`: peer to peer (host/srflx/prflx candidate pair), possibly after hole punching.
 * - `relay`: through a TURN relay (still end-to-end encrypted).
 * - `tunnel`: through the gateway's WebSocket tunnel (end-to-end encrypted with Noise).
 */
export type PathKind = 'direct' | 'relay' | 'tunnel';

export interface PathInfo {
  readonly kind: PathKind;
  /** Why this path: machine-readable, stable per provider, e.g. `hole-punched`, `symmetric-nat-both-sides`. */
  readonly reason: string;
  /** Local candidate type of the selected pair, when the path is ICE-based. */
  readonly local?: CandidateType;
  /** Remote candidate type of the selected pair, when the path is ICE-based. */
  readonly remote?: CandidateType;
}

/** Which paths a caller accepts, and how long to try. */
export interface ConnectPolicy {
  /** Paths the caller accepts, default all. A connect that can only reach an excluded path fails with CONNECTION_FAILED. */
  readonly allow?: readonly PathKind[];
  /** Give up after this many milliseconds with TIMEOUT. Default: provider-specific (simulator 10 000 virtual ms). */
  readonly timeoutMs?: number;
}

export interface ConnectOptions {
  /** Aborts the attempt; rejects with ABORTED. */
  readonly signal?: AbortSignal;
  readonly policy?: ConnectPolicy;
}

export interface WaitOptions {
  /** Stops waiting; rejects with ABORTED (the underlying object stays usable). */
  readonly signal?: AbortSignal;
}

export interface ConnectionStats {
  readonly path: PathInfo;
  /** Milliseconds from connect() (or the inbound attempt) to the session handshake completing. */
  readonly establishmentMs: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly streamsOpened: number;
  readonly streamsAccepted: number;
  /** Last keepalive round trip, when measured. */
  readonly rttMs: number | undefined;
}

export interface ProviderStats {
  /** Outbound connect() calls. */
  readonly attempts: number;
  /** Connections established (outbound and inbound). */
  readonly successes: number;
  /** Outbound attempts that failed (any code but ABORTED). */
  readonly failures: number;
  /** Currently open connections. */
  readonly active: number;
  /** Connections established per path kind since start. */
  readonly byPath: Readonly<Record<PathKind, number>>;
  /** Application bytes over all connections since start. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Establishment times of the most recent connections, oldest first (at most 256 kept). */
  readonly establishmentMs: readonly number[];
}

export interface ConnectionEvents {
  'path-changed': { readonly previous: PathInfo; readonly path: PathInfo };
  /** Fired once. `error` is undefined for an orderly local or remote close. */
  closed: { readonly reason: string; readonly initiator: 'local' | 'remote'; readonly error: P2PError | undefined };
}

export interface ProviderEvents {
  'connection-established': {
    readonly peerId: PeerId;
    readonly direction: 'outbound' | 'inbound';
    readonly path: PathInfo;
    readonly establishmentMs: number;
  };
  'connection-failed': { readonly peerId: PeerId; readonly error: P2PError };
  'connection-closed': { readonly peerId: PeerId; readonly reason: string };
}
