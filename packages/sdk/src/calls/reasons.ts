/**
 * Mapping of the gateway's signaling outcomes (error codes, `call:ended`
 * statuses and reasons) to the client's {@link CallEndReason}s.
 */
import type { CallErrorCode, CallEndReason as WireEndReason, TerminalCallStatus } from '@peerlink/protocol';
import type { CallDirection, CallEndReason } from './state.js';

/** The end reason for a refused `call:initiate`/`call:join` (or a `call:error` about the live call). */
export function reasonForError(code: CallErrorCode): CallEndReason {
  switch (code) {
    case 'USER_OFFLINE':
      return 'user-offline';
    case 'USER_BUSY':
      return 'user-busy';
    case 'ACCESS_DENIED':
    case 'UNAUTHENTICATED':
      return 'access-denied';
    case 'SHUTTING_DOWN':
      return 'server-shutdown';
    case 'CALL_NOT_FOUND':
    case 'CALL_STATE':
    case 'CALL_FULL':
    case 'BAD_REQUEST':
    case 'VALIDATION_FAILED':
    case 'INVALID_SDP':
    case 'INVALID_CANDIDATE':
    case 'PAYLOAD_TOO_LARGE':
    case 'RATE_LIMITED':
    case 'INTERNAL':
      return 'error';
  }
}

/** The end reason for `call:ended`, seen from this side of the call. */
export function reasonForEnded(
  status: TerminalCallStatus,
  reason: WireEndReason,
  direction: CallDirection | null,
): CallEndReason {
  if (reason === 'server-shutdown') return 'server-shutdown';
  switch (status) {
    case 'missed':
      return direction === 'incoming' ? 'missed' : 'no-answer';
    case 'rejected':
      return direction === 'incoming' ? 'declined' : 'rejected';
    case 'cancelled':
      return direction === 'incoming' ? 'cancelled' : 'hangup';
    case 'failed':
      return 'connection-failed';
    case 'completed':
      return 'remote-hangup';
  }
}
