import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { DEFAULT_TOKEN_TTL_SECONDS, TokenService } from './tokens.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const alice = { id: 'u-alice', username: 'alice' };

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('TokenService', () => {
  it('round-trips the user through a token', async () => {
    const tokens = new TokenService({ secret: SECRET });
    const token = await tokens.issue(alice);
    expect(token.split('.')).toHaveLength(3);
    await expect(tokens.verify(token)).resolves.toEqual({ userId: 'u-alice', username: 'alice' });
  });

  it('defaults to a 7-day lifetime and rejects expired tokens with UNAUTHENTICATED', async () => {
    let now = Date.UTC(2025, 0, 1);
    const tokens = new TokenService({ secret: SECRET, now: () => now });
    expect(tokens.ttlSeconds).toBe(DEFAULT_TOKEN_TTL_SECONDS);
    const token = await tokens.issue(alice);
    now += (DEFAULT_TOKEN_TTL_SECONDS - 1) * 1000;
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'u-alice' });
    now += 2000;
    const err = await rejection(tokens.verify(token));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toBe('token expired');
  });

  it('rejects a token signed with another secret', async () => {
    const other = new TokenService({ secret: `${SECRET}-other` });
    const err = await rejection(new TokenService({ secret: SECRET }).verify(await other.issue(alice)));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toBe('token signature is invalid');
  });

  it('rejects another issuer, alg=none, garbage, empty and oversize tokens', async () => {
    const tokens = new TokenService({ secret: SECRET });
    const foreign = await new TokenService({ secret: SECRET, issuer: 'someone-else' }).issue(alice);
    const unsecured = new UnsecuredJWT({ username: 'alice' }).setSubject('u-alice').setIssuer('peerlink').setIssuedAt().setExpirationTime('1h').encode();
    for (const bad of [foreign, unsecured, 'not.a.jwt', 'garbage', '', 'x'.repeat(5000)]) {
      expect((await rejection(tokens.verify(bad))).code).toBe('UNAUTHENTICATED');
    }
  });

  it('rejects a validly signed token without a username or subject', async () => {
    const key = new TextEncoder().encode(SECRET);
    const tokens = new TokenService({ secret: SECRET });
    const noUsername = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer('peerlink').setIssuedAt().setExpirationTime('1h').sign(key);
    const noSubject = await new SignJWT({ username: 'a' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('peerlink').setIssuedAt().setExpirationTime('1h').sign(key);
    expect((await rejection(tokens.verify(noUsername))).message).toBe('token lacks a user');
    expect((await rejection(tokens.verify(noSubject))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses short secrets and invalid lifetimes at construction', () => {
    expect(() => new TokenService({ secret: 'short' })).toThrow(RangeError);
    expect(() => new TokenService({ secret: SECRET, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => new TokenService({ secret: SECRET, ttlSeconds: 1.5 })).toThrow(RangeError);
  });
});
