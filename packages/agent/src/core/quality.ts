/**
 * Connection quality for `/p2p/status`: from RTT, loss and path. Pure.
 * - `lost`: not connected;
 * - `excellent`: direct, RTT < 50 ms, loss < 1 %;
 * - `good`: RTT < 150 ms and loss < 3 % (any path; relayed paths are at most good);
 * - `poor`: anything else, or no RTT measured yet.
 */
export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost';
export type QualityPath = 'direct' | 'relay' | 'tunnel';

export function connectionQuality(input: { connected: boolean; path: QualityPath; rttMs: number | undefined; lossFraction?: number }): ConnectionQuality {
  if (!input.connected) return 'lost';
  const loss = input.lossFraction ?? 0;
  if (input.rttMs === undefined) return 'poor';
  if (input.path === 'direct' && input.rttMs < 50 && loss < 0.01) return 'excellent';
  if (input.rttMs < 150 && loss < 0.03) return 'good';
  return 'poor';
}

/** One live path of the agent: a p2p/tunnel connection carrying streams, or the tunnel session itself. */
export interface PathSample {
  readonly path: QualityPath;
  /** Last keepalive RTT of that connection, if one was measured yet. */
  readonly rttMs: number | undefined;
  readonly lossFraction?: number;
}

const RANK: Readonly<Record<ConnectionQuality, number>> = { lost: 0, poor: 1, good: 2, excellent: 3 };

/**
 * The agent's `connection_quality` across its live paths: the WORST of them
 * (what the least well served viewer gets), each rated by {@link connectionQuality}
 * on its own path and RTT — a direct connection is not judged by the tunnel's RTT.
 * `lost` when no transport is online and no connection is live; `poor` when
 * online but nothing was measured yet.
 */
export function overallQuality(input: { readonly online: boolean; readonly samples: readonly PathSample[] }): ConnectionQuality {
  if (input.samples.length === 0) return input.online ? 'poor' : 'lost';
  let worst: ConnectionQuality = 'excellent';
  for (const s of input.samples) {
    const q = connectionQuality({ connected: true, path: s.path, rttMs: s.rttMs, ...(s.lossFraction === undefined ? {} : { lossFraction: s.lossFraction }) });
    if (RANK[q] < RANK[worst]) worst = q;
  }
  return worst;
}
