/**
 * Bearer tokens: JWT signed with HS256 (`jose`). Claims: `sub` = user id,
 * `username`, `iat`, `exp`, `iss`. Verification pins the algorithm to HS256
 * and checks issuer and expiry; any failure is `GatewayError('UNAUTHENTICATED')`.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { AuthenticatedUser, TokenVerifier } from '../core/auth.js';
import { GatewayError } from '../errors.js';

export interface TokenServiceOptions {
  /** HMAC key. At least 32 characters (256 bits of a random secret, e.g. 43 base64url chars). */
  secret: string;
  /** Token lifetime in seconds. Default 7 days (604800). */
  ttlSeconds?: number | undefined;
  /** `iss` claim written and required. Default `peerlink`. */
  issuer?: string | undefined;
  /** Clock in epoch ms, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
export const MIN_TOKEN_SECRET_LENGTH = 32;
/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;
const ALGORITHM = 'HS256';

export class TokenService implements TokenVerifier {
  readonly ttlSeconds: number;
  readonly #key: Uint8Array;
  readonly #issuer: string;
  readonly #now: () => number;

  constructor(opts: TokenServiceOptions) {
    if (opts.secret.length < MIN_TOKEN_SECRET_LENGTH) {
      throw new RangeError(`token secret must be at least ${MIN_TOKEN_SECRET_LENGTH} characters`);
    }
    const ttl = opts.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new RangeError(`ttlSeconds must be a positive integer, got ${ttl}`);
    this.ttlSeconds = ttl;
    this.#key = new TextEncoder().encode(opts.secret);
    this.#issuer = opts.issuer ?? 'peerlink';
    this.#now = opts.now ?? Date.now;
  }

  async issue(user: { id: string; username: string }): Promise<string> {
    const iat = Math.floor(this.#now() / 1000);
    return new SignJWT({ username: user.username })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.#issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.#key);
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw unauthenticated('token is empty or too long');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        issuer: this.#issuer,
        currentDate: new Date(this.#now()),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('token expired', err);
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw unauthenticated('token signature is invalid', err);
      throw unauthenticated('token is malformed or not issued by this gateway', err);
    }
    const { sub, username } = payload;
    if (typeof sub !== 'string' || sub === '' || typeof username !== 'string' || username === '') {
      throw unauthenticated('token lacks a user');
    }
    return { userId: sub, username };
  }
}

function unauthenticated(message: string, cause?: unknown): GatewayError {
  return new GatewayError('UNAUTHENTICATED', message, cause === undefined ? undefined : { cause });
}
