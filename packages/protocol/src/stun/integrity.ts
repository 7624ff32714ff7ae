/**
 * Credentials and message integrity (RFC 8489 §9, §14.5–§14.7).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Attr, ATTRIBUTE_HEADER_BYTES, STUN_HEADER_BYTES } from './constants.js';
import { getAttribute, type RawAttribute, type StunMessage } from './message.js';
import { saslprep } from './saslprep.js';

const utf8 = new TextEncoder();

/** Size of a MESSAGE-INTEGRITY value (HMAC-SHA1). */
export const MESSAGE_INTEGRITY_BYTES = 20;
/** Full size of a MESSAGE-INTEGRITY-SHA256 value; senders may truncate to >= 16 (RFC 8489 §14.6). */
export const MESSAGE_INTEGRITY_SHA256_BYTES = 32;
/** Shortest MESSAGE-INTEGRITY-SHA256 value a receiver accepts (RFC 8489 §14.6). */
export const MIN_MESSAGE_INTEGRITY_SHA256_BYTES = 16;

export interface LongTermKeyOptions {
  /**
   * How the password is prepared before hashing. `'saslprep'` applies the
   * SASLprep mapping + NFKC (RFC 5389/RFC 5769; see `saslprep.ts` for what is
   * skipped); `'none'` hashes the UTF-8 bytes as given (coturn's behaviour).
   * Both agree on ASCII passwords.
   * @default 'saslprep'
   */
  readonly passwordPrep?: 'saslprep' | 'none';
}

function prep(password: string, mode: 'saslprep' | 'none'): string {
  return mode === 'saslprep' ? saslprep(password) : password;
}

/**
 * Long-term credential key (RFC 8489 §9.2.2):
 * `MD5(username ":" realm ":" password)` or the SHA-256 equivalent.
 * Username and realm are hashed as UTF-8 bytes without further processing.
 */
export function longTermKey(
  username: string,
  realm: string,
  password: string,
  algorithm: 'md5' | 'sha256',
  options?: LongTermKeyOptions,
): Uint8Array {
  const input = utf8.encode(`${username}:${realm}:${prep(password, options?.passwordPrep ?? 'saslprep')}`);
  return algorithm === 'md5' ? md5(input) : sha256(input);
}

/** Short-term credential key (RFC 8489 §9.1.1): the prepared password's UTF-8 bytes. */
export function shortTermKey(password: string): Uint8Array {
  return utf8.encode(saslprep(password));
}

/** USERHASH value (RFC 8489 §14.4): SHA-256(username ":" realm). */
export function userHash(username: string, realm: string): Uint8Array {
  return sha256(utf8.encode(`${username}:${realm}`));
}

/**
 * The bytes the HMAC covers: everything before `attr`, with the header
 * length rewritten to end just after `attr` (RFC 8489 §14.5).
 */
function integrityInput(raw: Uint8Array, attrOffset: number, valueLength: number): Uint8Array {
  const input = raw.slice(0, attrOffset);
  const length = attrOffset - STUN_HEADER_BYTES + ATTRIBUTE_HEADER_BYTES + valueLength;
  input[2] = length >> 8;
  input[3] = length & 0xff;
  return input;
}

/** HMAC-SHA1 or HMAC-SHA256 over the integrity input of a message under construction. */
export function computeIntegrity(
  raw: Uint8Array,
  attrOffset: number,
  algorithm: 'sha1' | 'sha256',
  key: Uint8Array,
): Uint8Array {
  const valueLength = algorithm === 'sha1' ? MESSAGE_INTEGRITY_BYTES : MESSAGE_INTEGRITY_SHA256_BYTES;
  return hmac(algorithm === 'sha1' ? sha1 : sha256, key, integrityInput(raw, attrOffset, valueLength));
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function check(msg: StunMessage, attr: RawAttribute, key: Uint8Array, algorithm: 'sha1' | 'sha256'): boolean {
  const n = attr.value.length;
  if (algorithm === 'sha1' && n !== MESSAGE_INTEGRITY_BYTES) return false;
  if (algorithm === 'sha256' && (n < MIN_MESSAGE_INTEGRITY_SHA256_BYTES || n > MESSAGE_INTEGRITY_SHA256_BYTES || n % 4 !== 0)) {
    return false;
  }
  const mac = hmac(algorithm === 'sha1' ? sha1 : sha256, key, integrityInput(msg.raw, attr.offset, n));
  return timingSafeEqual(mac.subarray(0, n), attr.value);
}

/**
 * Verify MESSAGE-INTEGRITY-SHA256 when present, otherwise MESSAGE-INTEGRITY
 * (RFC 8489 §14.5/§14.6). A malformed integrity value is a 'mismatch'.
 */
export function verifyIntegrity(msg: StunMessage, key: Uint8Array): 'ok' | 'missing' | 'mismatch' {
  const sha256Attr = getAttribute(msg, Attr.MESSAGE_INTEGRITY_SHA256);
  if (sha256Attr) return check(msg, sha256Attr, key, 'sha256') ? 'ok' : 'mismatch';
  const sha1Attr = getAttribute(msg, Attr.MESSAGE_INTEGRITY);
  if (sha1Attr) return check(msg, sha1Attr, key, 'sha1') ? 'ok' : 'mismatch';
  return 'missing';
}

