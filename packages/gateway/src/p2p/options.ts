/** Limits of the `/p2p` namespace; every field optional, defaults per field. */
export interface P2pSignalingOptions {
  /** Peer ids one socket may hold at once (default 8, 1..1 024). */
  readonly maxPeerIdsPerSocket?: number;
  /** Registrations awaiting `p2p:prove` per socket (default 8, 1..1 024). */
  readonly maxPendingChallenges?: number;
  /** How long a challenge may be answered, ms (default 30 000, 1 000..600 000). */
  readonly challengeTtlMs?: number;
  /** Random bytes per challenge nonce (default 32, 16..64). */
  readonly nonceBytes?: number;
  /**
   * Messages per socket (all `p2p:*` events): token bucket refilled at
   * `perSecond` up to `burst` (default 100/s, burst 400 — one WebRTC setup
   * sends about 10). Excess messages are dropped with `RATE_LIMITED`.
   */
  readonly rate?: { readonly perSecond: number; readonly burst: number };
}

export type ResolvedP2pOptions = Required<P2pSignalingOptions>;

export const P2P_DEFAULTS: ResolvedP2pOptions = {
  maxPeerIdsPerSocket: 8,
  maxPendingChallenges: 8,
  challengeTtlMs: 30_000,
  nonceBytes: 32,
  rate: { perSecond: 100, burst: 400 },
};

/** Applies defaults and checks ranges. Throws RangeError naming the option. */
export function resolveP2pOptions(options: P2pSignalingOptions = {}): ResolvedP2pOptions {
  const o: ResolvedP2pOptions = { ...P2P_DEFAULTS, ...options };
  range('maxPeerIdsPerSocket', o.maxPeerIdsPerSocket, 1, 1_024);
  range('maxPendingChallenges', o.maxPendingChallenges, 1, 1_024);
  range('challengeTtlMs', o.challengeTtlMs, 1_000, 600_000);
  range('nonceBytes', o.nonceBytes, 16, 64);
  range('rate.perSecond', o.rate.perSecond, 1, 100_000);
  range('rate.burst', o.rate.burst, 1, 100_000);
  return o;
}

function range(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}
