import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword } from './passwords.js';

// Cheap parameters keep the suite fast; one test exercises the defaults.
const FAST = { log2N: 10, r: 8, p: 1 };

describe('passwords', () => {
  it('hashes with the documented self-describing format and the default cost', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    const [scheme, log2N, r, p, salt, key] = encoded.split('$');
    expect([scheme, Number(log2N), Number(r), Number(p)]).toEqual(['scrypt', 15, 8, 1]);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    await expect(verifyPassword('correct horse battery staple', encoded)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', encoded)).resolves.toBe(false);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('matches scrypt computed independently from the encoded parameters', async () => {
    const encoded = await hashPassword('pässwörd', FAST);
    const [, , , , salt, key] = encoded.split('$');
    const expected = scryptSync('pässwörd'.normalize('NFKC'), Buffer.from(salt!, 'base64url'), 32, { N: 1024, r: 8, p: 1 });
    expect(Buffer.from(key!, 'base64url').equals(expected)).toBe(true);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('same password', FAST);
    const b = await hashPassword('same password', FAST);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same password', a)).resolves.toBe(true);
    await expect(verifyPassword('same password', b)).resolves.toBe(true);
  });

  it('treats malformed or out-of-bounds hashes as non-matching', async () => {
    const good = await hashPassword('pw', FAST);
    const parts = good.split('$');
    const variants = [
      '',
      'bcrypt$whatever',
      parts.slice(0, 5).join('$'),
      ['argon2', ...parts.slice(1)].join('$'),
      ['scrypt', '30', ...parts.slice(2)].join('$'), // N = 2^30: refused, not computed
      ['scrypt', '10', '8', '1', parts[4], 'c2hvcnQ'].join('$'), // key too short
      ['scrypt', 'x', ...parts.slice(2)].join('$'),
    ];
    for (const bad of variants) await expect(verifyPassword('pw', bad)).resolves.toBe(false);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('flags hashes weaker than the current parameters for rehashing', async () => {
    expect(needsRehash(await hashPassword('pw', FAST))).toBe(true);
    expect(needsRehash(await hashPassword('pw', FAST), FAST)).toBe(false);
    expect(DEFAULT_SCRYPT_PARAMS.log2N).toBeGreaterThanOrEqual(15);
  });
});
