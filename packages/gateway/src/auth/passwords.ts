/**
 * Password hashing with scrypt (RFC 7914) from `node:crypto`.
 *
 * Encoded, self-describing format (parameters travel with the hash, so they
 * can be raised later without breaking stored hashes):
 *
 *     scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<hash, base64url>
 *
 * Cost: N = 2^15, r = 8, p = 1 (the OWASP-recommended minimum; 32 MiB of
 * memory and roughly 50–100 ms per hash on one core here). 16-byte random
 * salt per password, 32-byte derived key. Verification compares in constant
 * time and refuses parameters outside sane bounds so a tampered row cannot
 * make the gateway burn memory.
 */
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  readonly log2N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { log2N: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Upper bounds accepted when verifying (memory ≈ 128·N·r bytes). */
const MAX_LOG2N = 20;
const MAX_R = 16;
const MAX_P = 4;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.log2N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [log2N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,3}$/.test(s) ? Number(s) : NaN));
  if (log2N === undefined || r === undefined || p === undefined) return undefined;
  if (!(log2N >= 1 && log2N <= MAX_LOG2N && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length !== KEY_BYTES) return undefined;
  return { params: { log2N, r, p }, salt, key };
}

/** True iff `password` matches `encoded`. A malformed `encoded` verifies nothing (false). */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash uses weaker parameters than `params` (rehash after a successful login). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(encoded);
  return !parsed || parsed.params.log2N < params.log2N || parsed.params.r < params.r || parsed.params.p < params.p;
}
