/**
 * Stable error codes carried by `call:error` and by acknowledgement replies.
 * They are a subset of the gateway's error codes; clients switch on them.
 */
export const CALL_ERROR_CODES = [
  'ACCESS_DENIED',
  'USER_OFFLINE',
  'USER_BUSY',
  'CALL_NOT_FOUND',
  'CALL_STATE',
  'CALL_FULL',
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'INVALID_SDP',
  'INVALID_CANDIDATE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  'SHUTTING_DOWN',
  'UNAUTHENTICATED',
] as const;

export type CallErrorCode = (typeof CALL_ERROR_CODES)[number];

/** Payload-level validation codes (what a schema can reject with). */
export type PayloadErrorCode = Extract<
  CallErrorCode,
  'VALIDATION_FAILED' | 'INVALID_SDP' | 'INVALID_CANDIDATE' | 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST'
>;
