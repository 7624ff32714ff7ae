/** Options of the call core. Every limit is explicit; defaults below. */
export interface CallOptions {
  /** How long a call rings before it ends as `missed` (reason `timeout`), in ms. Default 30 000. */
  readonly ringTimeoutMs: number;
  /**
   * How long a participant whose call socket disconnected may take to come back
   * (Socket.IO connection state recovery or a new socket of the same user)
   * before leaving the call (reason `disconnected`), in ms; 0 leaves at once.
   * Default 10 000.
   */
  readonly disconnectGraceMs: number;
  /** Most participants joined to one room call at once; more get `CALL_FULL`. Default 8. */
  readonly maxParticipantsPerCall: number;
  /** Most `call:stats` reports one user may store per call; more get `RATE_LIMITED`. Default 32. */
  readonly maxStatsReportsPerUser: number;
  /** How many ended calls are remembered so that late `call:stats` reports are still accepted. Default 1 000. */
  readonly recentCallsLimit: number;
}

export const DEFAULT_CALL_OPTIONS: CallOptions = {
  ringTimeoutMs: 30_000,
  disconnectGraceMs: 10_000,
  maxParticipantsPerCall: 8,
  maxStatsReportsPerUser: 32,
  recentCallsLimit: 1_000,
};

/** Merges partial options over the defaults and checks every value once. */
export function resolveCallOptions(partial: Partial<CallOptions> = {}): CallOptions {
  const options = { ...DEFAULT_CALL_OPTIONS, ...partial };
  for (const [name, value] of Object.entries(options)) {
    const min = name === 'disconnectGraceMs' ? 0 : 1;
    if (!Number.isInteger(value) || value < min) throw new RangeError(`call option ${name} must be an integer >= ${min}`);
  }
  if (options.maxParticipantsPerCall < 2) throw new RangeError('call option maxParticipantsPerCall must be at least 2');
  return options;
}
