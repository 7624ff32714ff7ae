/**
 * Errors with stable codes. `code` is part of the public API (HTTP
 * `{error: {code, message}}` bodies and Socket.IO `call:error` payloads).
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCESS_DENIED: 403,
  NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  USER_OFFLINE: 409,
  USER_BUSY: 409,
  CALL_NOT_FOUND: 404,
  CALL_STATE: 409,
  INVALID_SDP: 400,
  INVALID_CANDIDATE: 400,
  INTERNAL: 500,
  SHUTTING_DOWN: 503,
  DEVICE_EXISTS: 409,
  /** HTTP: a request body that is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** HTTP `/healthz`: the database did not answer. */
  DATABASE_UNAVAILABLE: 503,
  /** Socket.IO: a room call already has its maximum number of participants. */
  CALL_FULL: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CODES[code];
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
