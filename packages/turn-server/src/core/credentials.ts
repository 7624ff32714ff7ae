/**
 * Long-term credentials (RFC 8489 §9.2) with the TURN REST scheme coturn calls
 * `use-auth-secret` (draft-uberti-behave-turn-rest-00):
 * username = `<expiry unix seconds>:<user>`, password =
 * base64(HMAC-SHA1(secret, username)). Optional static users for operators
 * who hand out fixed accounts. The key itself (MD5 of `user:realm:password`)
 * is derived by the caller with the codec's `longTermKey`.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64Encode } from './base64.js';

export interface CredentialsInit {
  /** Shared secret for TURN REST credentials (coturn `static-auth-secret`). Required, non-empty. */
  readonly secret: string;
  /** Fixed `username → password` accounts, checked before the REST scheme. Default: none. */
  readonly staticUsers?: Readonly<Record<string, string>>;
  /** Separator between expiry and user (coturn `rest-api-separator`). Default `':'`. */
  readonly separator?: string;
}

export type CredentialFailure = 'unknown-user' | 'expired-credentials';

export type CredentialLookup =
  | { readonly ok: true; readonly password: string; readonly user: string; readonly expiresAt?: number }
  | { readonly ok: false; readonly reason: CredentialFailure };

/** Computes the TURN REST password for `username` (also used by the gateway's `/api/ice-servers`). */
export function restPassword(secret: string, username: string): string {
  return base64Encode(hmac(sha1, utf8ToBytes(secret), utf8ToBytes(username)));
}

/** Builds a TURN REST username valid until `expiresAtMs` (rounded down to whole seconds). */
export function restUsername(expiresAtMs: number, user: string, separator = ':'): string {
  return `${Math.floor(expiresAtMs / 1000)}${separator}${user}`;
}

const EXPIRY = /^[0-9]{1,12}$/;

export class CredentialStore {
  readonly #secret: string;
  readonly #static: ReadonlyMap<string, string>;
  readonly #separator: string;

  constructor(init: CredentialsInit) {
    if (init.secret.length === 0) throw Object.assign(new Error('TURN secret must not be empty'), { code: 'TURN_ERR_NO_SECRET' });
    this.#secret = init.secret;
    this.#static = new Map(Object.entries(init.staticUsers ?? {}));
    this.#separator = init.separator ?? ':';
  }

  /** Finds the password for `username` at time `nowMs`. */
  lookup(username: string, nowMs: number): CredentialLookup {
    const fixed = this.#static.get(username);
    if (fixed !== undefined) return { ok: true, password: fixed, user: username };
    const cut = username.indexOf(this.#separator);
    const expiryText = cut === -1 ? username : username.slice(0, cut);
    if (!EXPIRY.test(expiryText)) return { ok: false, reason: 'unknown-user' };
    const expiresAt = Number(expiryText) * 1000;
    if (expiresAt <= nowMs) return { ok: false, reason: 'expired-credentials' };
    const user = cut === -1 ? '' : username.slice(cut + this.#separator.length);
    return { ok: true, password: restPassword(this.#secret, username), user, expiresAt };
  }
}
