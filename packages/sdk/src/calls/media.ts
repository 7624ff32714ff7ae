/// <reference lib="dom" />
/**
 * Local camera/microphone capture and the mapping of `getUserMedia` failures
 * (DOMException names, Media Capture and Streams §10) to stable codes.
 */
import type { CallKind } from './state.js';

export const MEDIA_ERROR_CODES = ['media-denied', 'media-missing', 'media-unavailable', 'error'] as const;
export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

export class MediaAccessError extends Error {
  override readonly name = 'MediaAccessError';
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Maps a `getUserMedia` rejection to a {@link MediaAccessError}. */
export function toMediaAccessError(error: unknown): MediaAccessError {
  const name = error instanceof Error || isNamed(error) ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return new MediaAccessError('media-denied', message || 'permission to use the camera or microphone was denied');
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new MediaAccessError('media-missing', message || 'no camera or microphone found');
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new MediaAccessError('media-unavailable', message || 'the camera or microphone is in use');
    default:
      return new MediaAccessError('error', message || 'could not open the camera or microphone');
  }
}

function isNamed(value: unknown): value is { name: string } {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';
}

/** Something that opens media; `navigator.mediaDevices` in browsers, a fake in tests. */
export interface MediaSource {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

/** Opens the microphone, and the camera for video calls. Rejects with {@link MediaAccessError}. */
export async function openLocalMedia(source: MediaSource | undefined, kind: CallKind): Promise<MediaStream> {
  if (source === undefined) {
    throw new MediaAccessError('media-missing', 'this browser cannot capture media (no navigator.mediaDevices)');
  }
  try {
    return await source.getUserMedia({ audio: true, video: kind === 'video' ? { width: 640, height: 480 } : false });
  } catch (error) {
    throw toMediaAccessError(error);
  }
}

/** True when an SDP offer carries a video m-section (to answer an audio-only call without the camera). */
export function offersVideo(sdp: string): boolean {
  return /^m=video /m.test(sdp);
}
