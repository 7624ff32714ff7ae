/**
 * Stateless nonces (RFC 8489 §9.2): `base64url(issuedAt ‖ HMAC-SHA256(key,
 * issuedAt ‖ source)[0..8])`. The server keeps no per-source state before
 * authentication: a nonce proves by itself that we issued it to this source
 * address within its lifetime. Expired or foreign nonces get 438 Stale Nonce
 * with a fresh one. The key is random per process, so a restart invalidates
 * outstanding nonces (clients retry after 438).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64UrlDecode, base64UrlEncode } from './base64.js';

/** Default nonce lifetime: 600 s (coturn's `stale-nonce` default). */
export const DEFAULT_NONCE_LIFETIME_MS = 600_000;
const MAC_BYTES = 8;
const NONCE_BYTES = 4 + MAC_BYTES;
/** Length of every nonce we issue, in characters. */
export const NONCE_LENGTH = Math.ceil((NONCE_BYTES * 4) / 3);
/** Clock skew tolerated for nonces "issued in the future" (a clock step backwards). */
const FUTURE_TOLERANCE_S = 5;

export type NonceCheck = 'valid' | 'stale';

export class NonceIssuer {
  readonly #key: Uint8Array;
  readonly #lifetimeS: number;

  /**
   * @param key at least 16 random bytes (injected randomness).
   * @param lifetimeMs how long a nonce stays valid. Default {@link DEFAULT_NONCE_LIFETIME_MS}.
   */
  constructor(key: Uint8Array, lifetimeMs: number = DEFAULT_NONCE_LIFETIME_MS) {
    if (key.length < 16) throw Object.assign(new Error('nonce key must be at least 16 bytes'), { code: 'TURN_ERR_NONCE_KEY' });
    this.#key = key.slice();
    this.#lifetimeS = Math.max(1, Math.floor(lifetimeMs / 1000));
  }

  #mac(issuedAt: Uint8Array, source: string): Uint8Array {
    const input = new Uint8Array(4 + source.length * 3);
    input.set(issuedAt, 0);
    const encoded = utf8ToBytes(source);
    input.set(encoded, 4);
    return hmac(sha256, this.#key, input.subarray(0, 4 + encoded.length)).subarray(0, MAC_BYTES);
  }

  /** Issues a nonce for `source` (the client's IP) at time `nowMs`. */
  issue(source: string, nowMs: number): string {
    const seconds = Math.floor(nowMs / 1000) >>> 0;
    const bytes = new Uint8Array(NONCE_BYTES);
    new DataView(bytes.buffer).setUint32(0, seconds);
    bytes.set(this.#mac(bytes.subarray(0, 4), source), 4);
    return base64UrlEncode(bytes);
  }

  /** Checks a nonce presented by `source`: forged, foreign, malformed and expired nonces are all `stale`. */
  check(nonce: string, source: string, nowMs: number): NonceCheck {
    if (nonce.length !== NONCE_LENGTH) return 'stale';
    const bytes = base64UrlDecode(nonce);
    if (bytes?.length !== NONCE_BYTES) return 'stale';
    const expected = this.#mac(bytes.subarray(0, 4), source);
    let diff = 0;
    for (let i = 0; i < MAC_BYTES; i++) diff |= (expected[i] ?? 0) ^ (bytes[4 + i] ?? 0);
    if (diff !== 0) return 'stale';
    const issuedAt = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    const now = Math.floor(nowMs / 1000);
    if (issuedAt > now + FUTURE_TOLERANCE_S || now - issuedAt >= this.#lifetimeS) return 'stale';
    return 'valid';
  }
}
