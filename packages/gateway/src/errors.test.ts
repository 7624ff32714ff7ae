import { describe, expect, it } from 'vitest';
import { GatewayError, isGatewayError } from '@peerlink/gateway';

describe('GatewayError', () => {
  it('carries a stable code and its HTTP status', () => {
    const err = new GatewayError('USERNAME_TAKEN', 'taken');
    expect(isGatewayError(err)).toBe(true);
    expect(err.code).toBe('USERNAME_TAKEN');
    expect(err.status).toBe(409);
    expect(isGatewayError(new Error('x'))).toBe(false);
  });
});
