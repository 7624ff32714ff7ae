/**
 * User-facing wording for the SDK's stable codes. Presentation only: which
 * outcome happened is decided by the SDK and the gateway.
 */
import type { CallEndReason, CallHistoryEntry, CallStatus, ConnectionQuality, MediaPath } from '@peerlink/sdk/calls';

export function endReasonMessage(reason: CallEndReason): string {
  switch (reason) {
    case 'hangup':
      return 'Call ended.';
    case 'remote-hangup':
      return 'The other side ended the call.';
    case 'rejected':
      return 'Call rejected.';
    case 'declined':
      return 'You declined the call.';
    case 'no-answer':
      return 'No answer.';
    case 'missed':
      return 'You missed a call.';
    case 'cancelled':
      return 'The caller hung up before you answered.';
    case 'answered-elsewhere':
      return 'Answered on another device.';
    case 'rejected-elsewhere':
      return 'Declined on another device.';
    case 'user-offline':
      return 'User is offline. Try again when they are online.';
    case 'user-busy':
      return 'User is busy in another call.';
    case 'access-denied':
      return 'You are not allowed to call in this chat.';
    case 'media-denied':
      return 'Camera or microphone access was denied. Allow it in your browser’s site settings and try again.';
    case 'media-missing':
      return 'No camera or microphone found. Connect one and try again.';
    case 'media-unavailable':
      return 'Your camera or microphone is in use by another application.';
    case 'connection-failed':
      return 'The connection was lost and could not be restored.';
    case 'server-shutdown':
      return 'The server went away; the call ended.';
    case 'error':
      return 'The call could not continue.';
  }
}

export function statusLabel(status: CallStatus): string {
  switch (status) {
    case 'ringing':
      return 'Ringing';
    case 'active':
      return 'In progress';
    case 'completed':
      return 'Completed';
    case 'missed':
      return 'Missed';
    case 'rejected':
      return 'Rejected';
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return 'Failed';
  }
}

export function pathLabel(path: MediaPath): string {
  switch (path) {
    case 'direct':
      return 'Direct';
    case 'relayed':
      return 'Relayed';
    case 'unknown':
      return 'Connecting';
  }
}

export function qualityLabel(quality: ConnectionQuality): string {
  switch (quality) {
    case 'good':
      return 'good';
    case 'fair':
      return 'fair';
    case 'poor':
      return 'poor';
    case 'unknown':
      return '…';
  }
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function directionOf(call: CallHistoryEntry, selfId: string): 'outgoing' | 'incoming' {
  return call.initiatorId === selfId ? 'outgoing' : 'incoming';
}

export function formatWhen(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return '';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
