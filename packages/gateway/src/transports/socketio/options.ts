/** Options of the Socket.IO signaling transport, each with its default. */
import { DEFAULT_MAX_SDP_BYTES } from '@peerlink/protocol';
import { DEFAULT_CALL_OPTIONS, resolveCallOptions } from '../../core/calls/index.js';

export interface RateLimitOptions {
  /** Messages per second a socket may send on average (token bucket refill). Default 50. */
  readonly perSecond: number;
  /** Messages a socket may send in a burst (bucket size). Default 100. */
  readonly burst: number;
  /**
   * Consecutive refused messages after which the socket is disconnected
   * (sustained abuse). A message let through resets the count. Default 200.
   */
  readonly maxViolations: number;
}

export interface SignalingOptions {
  /** How long a call rings before it ends as missed, ms. Default 30 000. */
  readonly ringTimeoutMs: number;
  /**
   * Grace period for a participant whose socket dropped, ms; also Socket.IO's
   * connection state recovery window (`maxDisconnectionDuration`). 0 disables
   * recovery and leaves calls at once. Default 10 000.
   */
  readonly disconnectGraceMs: number;
  /**
   * Most emitted packets held for connection state recovery, over all sockets
   * (each is also dropped after `disconnectGraceMs`). A client whose last seen
   * packet was dropped reconnects without recovery (new socket id; its call is
   * rebound, the dropped packets are lost). About 0.7 KB per held candidate
   * relay, so the default bounds the buffer near 14 MB. Default 20 000.
   */
  readonly recoveryBufferPackets: number;
  /** Largest SDP accepted in an offer or answer, UTF-8 bytes. Default 65 536 (64 KiB). */
  readonly maxSdpBytes: number;
  /**
   * Largest Socket.IO message, bytes (`maxHttpBufferSize`, applied by
   * {@link createSignalingServer}). A larger message closes the connection.
   * Recommended and default: 131 072 (128 KiB), room for a 64 KiB SDP.
   */
  readonly maxMessageBytes: number;
  /** Per-socket message rate limit. */
  readonly rateLimit: RateLimitOptions;
  /** Most participants in one room call. Default 8. */
  readonly maxParticipantsPerCall: number;
  /** Most `call:stats` reports per user and call. Default 32. */
  readonly maxStatsReportsPerUser: number;
  /** Engine.IO heartbeat interval, ms. Default 25 000. */
  readonly pingIntervalMs: number;
  /** How long a missing heartbeat reply is tolerated, ms. Default 20 000. */
  readonly pingTimeoutMs: number;
  /** Origins allowed cross-origin (CORS). Default none: same-origin only. */
  readonly corsOrigins: readonly string[];
}

export type SignalingOptionsInput = Partial<Omit<SignalingOptions, 'rateLimit'>> & {
  readonly rateLimit?: Partial<RateLimitOptions>;
};

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 50, burst: 100, maxViolations: 200 };

export const DEFAULT_SIGNALING_OPTIONS: SignalingOptions = {
  ringTimeoutMs: DEFAULT_CALL_OPTIONS.ringTimeoutMs,
  disconnectGraceMs: DEFAULT_CALL_OPTIONS.disconnectGraceMs,
  recoveryBufferPackets: 20_000,
  maxSdpBytes: DEFAULT_MAX_SDP_BYTES,
  maxMessageBytes: 131_072,
  rateLimit: DEFAULT_RATE_LIMIT,
  maxParticipantsPerCall: DEFAULT_CALL_OPTIONS.maxParticipantsPerCall,
  maxStatsReportsPerUser: DEFAULT_CALL_OPTIONS.maxStatsReportsPerUser,
  pingIntervalMs: 25_000,
  pingTimeoutMs: 20_000,
  corsOrigins: [],
};

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`signaling option ${name} must be a positive integer`);
}

/** Merges over the defaults and validates every value once. */
export function resolveSignalingOptions(input: SignalingOptionsInput = {}): SignalingOptions {
  const options: SignalingOptions = {
    ...DEFAULT_SIGNALING_OPTIONS,
    ...input,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...input.rateLimit },
  };
  resolveCallOptions(callOptionsOf(options)); // validates the call-core subset
  for (const name of ['maxSdpBytes', 'maxMessageBytes', 'pingIntervalMs', 'pingTimeoutMs', 'recoveryBufferPackets'] as const) {
    positiveInteger(name, options[name]);
  }
  for (const name of ['perSecond', 'burst', 'maxViolations'] as const) positiveInteger(`rateLimit.${name}`, options.rateLimit[name]);
  if (options.maxSdpBytes >= options.maxMessageBytes) {
    throw new RangeError('signaling option maxSdpBytes must be smaller than maxMessageBytes');
  }
  return options;
}

export function callOptionsOf(options: SignalingOptions) {
  const { ringTimeoutMs, disconnectGraceMs, maxParticipantsPerCall, maxStatsReportsPerUser } = options;
  return { ringTimeoutMs, disconnectGraceMs, maxParticipantsPerCall, maxStatsReportsPerUser };
}
