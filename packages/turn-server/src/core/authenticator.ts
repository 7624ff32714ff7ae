/**
 * Long-term credential check for TURN requests (RFC 8489 §9.2.4), in order:
 * no integrity → 401 with REALM and NONCE; integrity but no USERNAME, REALM
 * or NONCE → 400; stale or foreign nonce → 438 with a fresh nonce; unknown
 * or expired user, or a bad HMAC → 401. Nothing is stored for a source that
 * fails (only the bounded reply rate limiter sees it).
 */
import { Attr, MAX_NONCE_BYTES, MAX_REALM_BYTES, MAX_USERNAME_BYTES, decodeUtf8, getAttribute, longTermKey, verifyIntegrity, type StunMessage } from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import type { Session } from './allocation.js';
import type { CredentialStore } from './credentials.js';
import type { FiveTuple } from './five-tuple.js';
import type { NonceIssuer } from './nonce.js';
import type { Replier } from './replies.js';

export type AuthResult = { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly actions: TurnAction[] };

export interface AuthenticatorInit {
  readonly realm: string;
  readonly credentials: CredentialStore;
  readonly nonces: NonceIssuer;
  readonly replies: Replier;
}

function text(message: StunMessage, type: number, max: number): string | undefined {
  const attr = getAttribute(message, type);
  if (attr === undefined) return undefined;
  const decoded = decodeUtf8(attr.value, max);
  return decoded.ok ? decoded.value : undefined;
}

export class Authenticator {
  readonly #init: AuthenticatorInit;

  constructor(init: AuthenticatorInit) {
    this.#init = init;
  }

  authenticate(request: StunMessage, tuple: FiveTuple, now: number): AuthResult {
    const { replies } = this.#init;
    const sha256 = getAttribute(request, Attr.MESSAGE_INTEGRITY_SHA256) !== undefined;
    const sha1 = getAttribute(request, Attr.MESSAGE_INTEGRITY) !== undefined;
    if (!sha1 && !sha256) {
      return { ok: false, actions: replies.unauthenticatedError(request, tuple, now, 401, 'unauthenticated', { challenge: true }) };
    }
    const username = text(request, Attr.USERNAME, MAX_USERNAME_BYTES);
    const realm = text(request, Attr.REALM, MAX_REALM_BYTES);
    const nonce = text(request, Attr.NONCE, MAX_NONCE_BYTES);
    if (username === undefined || realm === undefined || nonce === undefined) {
      return { ok: false, actions: replies.unauthenticatedError(request, tuple, now, 400, 'bad-request') };
    }
    if (this.#init.nonces.check(nonce, tuple.client.address, now) === 'stale') {
      return { ok: false, actions: replies.unauthenticatedError(request, tuple, now, 438, 'stale-nonce', { challenge: true }) };
    }
    const found = this.#init.credentials.lookup(username, now);
    if (!found.ok) {
      const reason = found.reason === 'expired-credentials' ? 'expired-credentials' : 'wrong-credentials';
      return { ok: false, actions: replies.unauthenticatedError(request, tuple, now, 401, reason, { challenge: true }) };
    }
    // coturn hashes passwords as given (no SASLprep); TURN REST passwords are ASCII anyway.
    const key = longTermKey(username, this.#init.realm, found.password, 'md5', { passwordPrep: 'none' });
    if (verifyIntegrity(request, key) !== 'ok') {
      return { ok: false, actions: replies.unauthenticatedError(request, tuple, now, 401, 'integrity-mismatch', { challenge: true }) };
    }
    const user = found.user === '' ? username : found.user;
    return { ok: true, session: { username, user, key, algorithm: sha256 ? 'sha256' : 'sha1' } };
  }
}
