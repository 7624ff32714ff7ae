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
