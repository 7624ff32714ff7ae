import { describe, expect, it } from 'vitest';
import {
  MAX_SDP_LENGTH,
  P2P_SIGNALING_ERROR_CODES,
  registrationMessage,
  signalingErrorSchema,
  signalPayloadSchema,
  signalSchema,
} from './messages.js';

describe('/p2p signaling messages', () => {
  it('registration message is domain, nonce and peer id, newline-separated', () => {
    const bytes = registrationMessage('n0nce', 'peer');
    expect(new TextDecoder().decode(bytes)).toBe('peerlink-p2p-register-v1\nn0nce\npeer');
  });

  it('accepts an SDP of exactly MAX_SDP_LENGTH and refuses one character more', () => {
    const at = { type: 'description', sid: 'abcdefgh', description: { type: 'offer', sdp: 'x'.repeat(MAX_SDP_LENGTH) } };
    expect(signalPayloadSchema.safeParse(at).success).toBe(true);
    const over = { ...at, description: { type: 'offer', sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) } };
    expect(signalPayloadSchema.safeParse(over).success).toBe(false);
  });

  it('refuses a signal with an empty peer id or a short sid', () => {
    const payload = { type: 'close', sid: 'abcdefgh', reason: 'bye' };
    expect(signalSchema.safeParse({ to: 'a', from: 'b', payload }).success).toBe(true);
    expect(signalSchema.safeParse({ to: '', from: 'b', payload }).success).toBe(false);
    expect(signalSchema.safeParse({ to: 'a', from: 'b', payload: { ...payload, sid: 'short' } }).success).toBe(false);
  });

  it('p2p:error carries only the listed codes', () => {
    for (const code of P2P_SIGNALING_ERROR_CODES) {
      expect(signalingErrorSchema.safeParse({ code, message: 'm' }).success).toBe(true);
    }
    expect(signalingErrorSchema.safeParse({ code: 'NOPE', message: 'm' }).success).toBe(false);
  });
});
