import { CALL_ERROR_CODES } from '@peerlink/protocol';
import { describe, expect, it } from 'vitest';
import { toMediaAccessError, offersVideo } from './media.js';
import { reasonForEnded, reasonForError } from './reasons.js';
import { CALL_END_REASONS } from './state.js';

describe('gateway outcomes → end reasons', () => {
  it('maps the refusals people meet to their own reasons, everything else to error', () => {
    expect(reasonForError('USER_OFFLINE')).toBe('user-offline');
    expect(reasonForError('USER_BUSY')).toBe('user-busy');
    expect(reasonForError('ACCESS_DENIED')).toBe('access-denied');
    for (const code of CALL_ERROR_CODES) expect(CALL_END_REASONS).toContain(reasonForError(code));
  });

  it('reads call:ended from the point of view of this side', () => {
    expect(reasonForEnded('missed', 'timeout', 'outgoing')).toBe('no-answer');
    expect(reasonForEnded('missed', 'timeout', 'incoming')).toBe('missed');
    expect(reasonForEnded('rejected', 'rejected', 'outgoing')).toBe('rejected');
    expect(reasonForEnded('rejected', 'rejected', 'incoming')).toBe('declined');
    expect(reasonForEnded('cancelled', 'hangup', 'incoming')).toBe('cancelled');
    expect(reasonForEnded('completed', 'hangup', 'outgoing')).toBe('remote-hangup');
    expect(reasonForEnded('failed', 'disconnected', 'incoming')).toBe('connection-failed');
    expect(reasonForEnded('completed', 'server-shutdown', 'incoming')).toBe('server-shutdown');
  });
});

describe('media errors', () => {
  it('maps getUserMedia DOMException names to stable codes', () => {
    const named = (name: string) => Object.assign(new Error('boom'), { name });
    expect(toMediaAccessError(named('NotAllowedError')).code).toBe('media-denied');
    expect(toMediaAccessError(named('NotFoundError')).code).toBe('media-missing');
    expect(toMediaAccessError(named('NotReadableError')).code).toBe('media-unavailable');
    expect(toMediaAccessError(named('TypeError')).code).toBe('error');
    expect(toMediaAccessError({ name: 'NotAllowedError' }).code).toBe('media-denied');
    expect(toMediaAccessError('weird').code).toBe('error');
  });

  it('tells audio-only offers from video offers', () => {
    expect(offersVideo('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n')).toBe(true);
    expect(offersVideo('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n')).toBe(false);
  });
});
