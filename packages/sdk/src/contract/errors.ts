/**
 * Stable error codes of the P2P contract. Match on `code`, never on `message`.
 *
 * | code | meaning |
 * |---|---|
 * | `CONNECTION_FAILED` | no path could be established (NAT pair, no relay, ICE failure); `reason` says why |
 * | `PEER_NOT_FOUND` | the peer id is unknown to signaling or nobody listens under it |
 * | `NETWORK_ERROR` | the local network or the signaling link failed |
 * | `PROTOCOL_ERROR` | the peer sent something the session protocol forbids (bad frame, no common version, flow-control violation) |
 * | `TIMEOUT` | a deadline passed (connect timeout, dead peer detected by keepalive) |
 * | `AUTHENTICATION_FAILED` | the remote could not prove it holds the key behind the peer id |
 * | `CLOSED` | the connection, stream, listener or provider is closed |
 * | `ABORTED` | the caller's `AbortSignal` fired |
 */
export type P2PErrorCode =
  | 'CONNECTION_FAILED'
  | 'PEER_NOT_FOUND'
  | 'NETWORK_ERROR'
  | 'PROTOCOL_ERROR'
  | 'TIMEOUT'
  | 'AUTHENTICATION_FAILED'
  | 'CLOSED'
  | 'ABORTED';

export const P2P_ERROR_CODES: readonly P2PErrorCode[] = [
  'CONNECTION_FAILED',
  'PEER_NOT_FOUND',
  'NETWORK_ERROR',
  'PROTOCOL_ERROR',
  'TIMEOUT',
  'AUTHENTICATION_FAILED',
  'CLOSED',
  'ABORTED',
];

export interface P2PErrorOptions {
  /** Machine-readable detail, e.g. `no-direct-path-no-relay`, `keepalive-timeout`. Stable per provider. */
  readonly reason?: string;
  /** Underlying error, if any. */
  readonly cause?: unknown;
}

/** The only error type the contract rejects with. */
export class P2PError extends Error {
  override readonly name = 'P2PError';
  readonly code: P2PErrorCode;
  readonly reason: string | undefined;

  constructor(code: P2PErrorCode, message: string, options: P2PErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
  }
}

/** True when `error` is a {@link P2PError}, optionally with the given code. */
export function isP2PError(error: unknown, code?: P2PErrorCode): error is P2PError {
  return error instanceof P2PError && (code === undefined || error.code === code);
}

/** The error to reject with when a signal fires. */
export function abortError(signal: AbortSignal): P2PError {
  return new P2PError('ABORTED', 'operation aborted', { cause: signal.reason, reason: 'aborted' });
}
