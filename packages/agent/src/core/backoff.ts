/**
 * Reconnection delays: exponential backoff with full jitter (AWS
 * architecture blog "Exponential Backoff And Jitter"), capped. Pure: the
 * caller passes the attempt number and a random number in [0, 1).
 */
export interface BackoffOptions {
  /** First delay ceiling in ms (default 250). */
  readonly initialMs?: number;
  /** Largest delay in ms (default 15 000). */
  readonly maxMs?: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
}

export const BACKOFF_DEFAULTS: Required<BackoffOptions> = { initialMs: 250, maxMs: 15_000, factor: 2 };

/** Delay before reconnect attempt `attempt` (0-based): uniform in [ceiling/2, ceiling], ceiling = min(max, initial·factor^attempt). */
export function backoffDelay(attempt: number, random: number, options: BackoffOptions = {}): number {
  const { initialMs, maxMs, factor } = { ...BACKOFF_DEFAULTS, ...options };
  const ceiling = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
