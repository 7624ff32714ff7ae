import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_NAMES, createClientEventSchemas, isClientEventName, parseClientEvent } from './schemas.js';
import { CHROMIUM_ANSWER, CHROMIUM_OFFER, GOOD_CANDIDATES } from './samples.js';

const schemas = createClientEventSchemas({ maxSdpBytes: 1_024 });
const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n' };

describe('client event schemas', () => {
  it('lists every client event', () => {
    expect([...CLIENT_EVENT_NAMES].sort()).toEqual(
      ['call:answer', 'call:end', 'call:ice-candidate', 'call:initiate', 'call:join', 'call:leave', 'call:reject', 'call:signal', 'call:stats', 'call:toggle-audio', 'call:toggle-video'].sort(),
    );
    expect(isClientEventName('call:join')).toBe(true);
    expect(isClientEventName('constructor')).toBe(false);
  });

  it('accepts well-formed payloads and strips unknown keys', () => {
    expect(parseClientEvent(schemas, 'call:initiate', { chatId: 'c', offer, extra: 1 })).toEqual({ ok: true, value: { chatId: 'c', offer } });
    expect(parseClientEvent(schemas, 'call:initiate', { chatId: 'c' })).toEqual({ ok: true, value: { chatId: 'c' } });
    const candidate = { candidate: GOOD_CANDIDATES[0], sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null };
    expect(parseClientEvent(schemas, 'call:ice-candidate', { chatId: 'c', candidate }).ok).toBe(true);
    expect(parseClientEvent(schemas, 'call:ice-candidate', { chatId: 'c', candidate: null }).ok).toBe(true);
    expect(parseClientEvent(schemas, 'call:signal', { callId: 'k', to: 'u', type: 'answer', signal: { type: 'answer', sdp: offer.sdp } }).ok).toBe(true);
    expect(parseClientEvent(schemas, 'call:signal', { callId: 'k', to: 'u', type: 'ice-candidate', signal: null }).ok).toBe(true);
    expect(parseClientEvent(schemas, 'call:stats', { callId: 'k', rttMs: 1.5, localCandidateType: 'relay' }).ok).toBe(true);
  });

  it.each([
    ['call:initiate', { chatId: '' }, 'VALIDATION_FAILED'],
    ['call:initiate', { chatId: 'x'.repeat(129) }, 'VALIDATION_FAILED'],
    ['call:initiate', { chatId: 'c', offer: { type: 'offer', sdp: CHROMIUM_OFFER } }, 'PAYLOAD_TOO_LARGE'],
    ['call:initiate', { chatId: 'c', offer: { type: 'answer', sdp: offer.sdp } }, 'INVALID_SDP'],
    ['call:initiate', { chatId: 'c', offer: { type: 'nope', sdp: offer.sdp } }, 'VALIDATION_FAILED'],
    ['call:answer', { chatId: 'c', answer: { type: 'answer', sdp: 'garbage' } }, 'INVALID_SDP'],
    ['call:answer', { chatId: 'c', answer: { type: 'answer', sdp: CHROMIUM_ANSWER } }, 'PAYLOAD_TOO_LARGE'],
    ['call:ice-candidate', { chatId: 'c', candidate: { candidate: 'candidate:x', sdpMid: '0' } }, 'INVALID_CANDIDATE'],
    ['call:ice-candidate', { chatId: 'c', candidate: { candidate: GOOD_CANDIDATES[0] } }, 'INVALID_CANDIDATE'],
    ['call:ice-candidate', { chatId: 'c', candidate: { candidate: GOOD_CANDIDATES[0], sdpMLineIndex: -1 } }, 'VALIDATION_FAILED'],
    ['call:signal', { callId: 'k', to: 'u', type: 'offer', signal: null }, 'VALIDATION_FAILED'],
    ['call:signal', { callId: 'k', to: 'u', type: 'ice-candidate', signal: { candidate: 'bad', sdpMid: '0' } }, 'INVALID_CANDIDATE'],
    ['call:toggle-audio', { callId: 'k', enabled: 'yes' }, 'VALIDATION_FAILED'],
    ['call:stats', { callId: 'k', packetsLost: -1 }, 'VALIDATION_FAILED'],
    ['call:stats', { callId: 'k', localCandidateType: 'teleport' }, 'VALIDATION_FAILED'],
    ['call:join', [], 'VALIDATION_FAILED'],
    ['call:leave', null, 'VALIDATION_FAILED'],
  ] as const)('%s (case %#) → %s', (event, payload, code) => {
    const result = parseClientEvent(schemas, event, payload);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(0);
    }
  });
});
