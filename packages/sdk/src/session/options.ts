import { DEFAULT_STREAM_WINDOW, MAX_FRAME_PAYLOAD, P2P_PROTOCOL_VERSIONS } from '@peerlink/protocol';

/** Session protocol tuning. Every field is optional; defaults are listed per field. */
export interface SessionOptions {
  /** Send a PING after this many ms (default 5 000). Must be below `deadPeerTimeoutMs`. */
  readonly keepaliveIntervalMs?: number;
  /** Close with TIMEOUT (`keepalive-timeout`) when nothing arrived for this many ms (default 15 000, range 100..600 000). Also bounds the handshake. */
  readonly deadPeerTimeoutMs?: number;
  /** Receive window per stream in bytes (default 262 144, at least 65 536, at most 16 MiB). Bounds memory per stream. */
  readonly streamWindow?: number;
  /**
   * Send a STREAM_WINDOW once the app consumed this many bytes of a stream
   * (default a quarter of `streamWindow`, 1..`streamWindow`). Larger steps
   * mean fewer window frames, each of which wakes the sender; keep it below
   * the window so the sender never runs dry while an update is in flight.
   */
  readonly windowUpdateBytes?: number;
  /** Largest STREAM_DATA payload we send (default 16 384, 1..65 536). */
  readonly maxChunkBytes?: number;
  /** Most concurrently open streams per direction (default 256, 1..65 536). Extra inbound opens are reset. */
  readonly maxStreams?: number;
  /** Most inbound streams and messages queued until the app accepts/receives them (default 1 024). Extra messages are dropped (they are unreliable anyway). */
  readonly maxQueuedMessages?: number;
  /** Capabilities we offer in HELLO (default `['streams']`). */
  readonly capabilities?: readonly string[];
  /** Protocol versions we speak (default {@link P2P_PROTOCOL_VERSIONS}). */
  readonly versions?: readonly number[];
}

export type ResolvedSessionOptions = Required<SessionOptions>;

export const SESSION_DEFAULTS: ResolvedSessionOptions = {
  keepaliveIntervalMs: 5_000,
  deadPeerTimeoutMs: 15_000,
  streamWindow: 262_144,
  windowUpdateBytes: 65_536,
  maxChunkBytes: 16_384,
  maxStreams: 256,
  maxQueuedMessages: 1_024,
  capabilities: ['streams'],
  versions: P2P_PROTOCOL_VERSIONS,
};

/** Applies defaults and checks ranges once. Throws RangeError naming the option. */
export function resolveSessionOptions(options: SessionOptions = {}): ResolvedSessionOptions {
  const streamWindow = options.streamWindow ?? SESSION_DEFAULTS.streamWindow;
  const o: ResolvedSessionOptions = { ...SESSION_DEFAULTS, windowUpdateBytes: Math.floor(streamWindow / 4), ...options };
  range('deadPeerTimeoutMs', o.deadPeerTimeoutMs, 100, 600_000);
  range('keepaliveIntervalMs', o.keepaliveIntervalMs, 10, o.deadPeerTimeoutMs - 1);
  range('streamWindow', o.streamWindow, DEFAULT_STREAM_WINDOW, 16 * 1024 * 1024);
  range('windowUpdateBytes', o.windowUpdateBytes, 1, o.streamWindow);
  range('maxChunkBytes', o.maxChunkBytes, 1, MAX_FRAME_PAYLOAD);
  range('maxStreams', o.maxStreams, 1, 65_536);
  range('maxQueuedMessages', o.maxQueuedMessages, 1, 1_000_000);
  if (o.versions.length === 0) throw new RangeError('versions must not be empty');
  return o;
}

function range(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}
