import { describe, expect, it } from 'vitest';
import { CredentialStore, restPassword, restUsername } from './credentials.js';
import { NONCE_LENGTH, NonceIssuer } from './nonce.js';

describe('TURN REST credentials (coturn use-auth-secret)', () => {
  const store = new CredentialStore({ secret: 'north', staticUsers: { alice: 'wonderland' } });

  it('matches the password coturn derives: base64(HMAC-SHA1(secret, username))', () => {
    // Reference computed with: printf '1700000000:bob' | openssl dgst -sha1 -hmac north -binary | base64
    expect(restPassword('north', '1700000000:bob')).toBe('7tNSWpJ3gOxGfEgOjt+kaWhBC20=');
  });

  it('accepts an unexpired username and names its user', () => {
    const now = 1_700_000_000_000;
    const username = restUsername(now + 60_000, 'bob');
    expect(username).toBe('1700000060:bob');
    expect(store.lookup(username, now)).toEqual({ ok: true, password: restPassword('north', username), user: 'bob', expiresAt: 1_700_000_060_000 });
  });

  it('accepts a bare timestamp username (no user part)', () => {
    const result = store.lookup('1700000060', 1_700_000_000_000);
    expect(result.ok && result.user).toBe('');
  });

  it('refuses an expired username, at and after its expiry second', () => {
    expect(store.lookup('1700000000:bob', 1_700_000_000_000)).toEqual({ ok: false, reason: 'expired-credentials' });
    expect(store.lookup('1700000000:bob', 1_700_000_000_001)).toEqual({ ok: false, reason: 'expired-credentials' });
    expect(store.lookup('1700000000:bob', 1_699_999_999_999).ok).toBe(true);
  });

  it('refuses usernames without a numeric expiry', () => {
    expect(store.lookup('bob', 0)).toEqual({ ok: false, reason: 'unknown-user' });
    expect(store.lookup('-5:bob', 0)).toEqual({ ok: false, reason: 'unknown-user' });
    expect(store.lookup(':bob', 0)).toEqual({ ok: false, reason: 'unknown-user' });
  });

  it('serves static users', () => {
    expect(store.lookup('alice', 0)).toEqual({ ok: true, password: 'wonderland', user: 'alice' });
  });

  it('refuses an empty secret', () => {
    expect(() => new CredentialStore({ secret: '' })).toThrow(/must not be empty/);
  });
});

describe('stateless nonces', () => {
  const key = new Uint8Array(32).fill(7);
  const issuer = new NonceIssuer(key, 600_000);
  const t0 = 1_700_000_000_000;

  it('issues short nonces valid for their lifetime, for their source only', () => {
    const nonce = issuer.issue('198.51.100.1', t0);
    expect(nonce).toHaveLength(NONCE_LENGTH);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(issuer.check(nonce, '198.51.100.1', t0)).toBe('valid');
    expect(issuer.check(nonce, '198.51.100.1', t0 + 599_999)).toBe('valid');
    expect(issuer.check(nonce, '198.51.100.1', t0 + 600_000)).toBe('stale');
    expect(issuer.check(nonce, '198.51.100.2', t0)).toBe('stale');
  });

  it('treats tampered, foreign-key and malformed nonces as stale', () => {
    const nonce = issuer.issue('198.51.100.1', t0);
    const flipped = (nonce[5] === 'A' ? 'B' : 'A');
    expect(issuer.check(nonce.slice(0, 5) + flipped + nonce.slice(6), '198.51.100.1', t0)).toBe('stale');
    expect(new NonceIssuer(new Uint8Array(32).fill(8)).check(nonce, '198.51.100.1', t0)).toBe('stale');
    expect(issuer.check('', '198.51.100.1', t0)).toBe('stale');
    expect(issuer.check('!'.repeat(NONCE_LENGTH), '198.51.100.1', t0)).toBe('stale');
  });

  it('refuses nonces from the future beyond a small skew', () => {
    const nonce = issuer.issue('198.51.100.1', t0 + 60_000);
    expect(issuer.check(nonce, '198.51.100.1', t0)).toBe('stale');
  });

  it('requires a key of at least 16 bytes', () => {
    expect(() => new NonceIssuer(new Uint8Array(8))).toThrow(/16 bytes/);
  });
});
