import type { TokenService } from '../auth/tokens.js';
import type { Stores } from '../core/ports.js';
import type { IceServersConfig } from './ice-servers.js';

/** Stores plus a liveness probe for `/healthz` (`openStores()` returns both). */
export type HttpStores = Stores & { ping(): Promise<void> };

/** Per-IP limit of `POST /api/auth/register` and `POST /api/auth/login` (each route counted separately). */
export interface AuthRateLimit {
  /** Requests allowed per window and IP. Default 20. */
  max: number;
  /** Window length in ms. Default 60000. */
  timeWindowMs: number;
}

export const DEFAULT_AUTH_RATE_LIMIT: AuthRateLimit = { max: 20, timeWindowMs: 60_000 };

export interface HttpApiDeps {
  stores: HttpStores;
  tokens: TokenService;
  iceServers: IceServersConfig;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Rate limit of the login/register routes; `false` disables it. Default {@link DEFAULT_AUTH_RATE_LIMIT}. */
  authRateLimit?: AuthRateLimit | false | undefined;
  /** `/healthz` gives up on the database after this many ms and answers 503. Default 2000. */
  healthTimeoutMs?: number | undefined;
  /** Password hashing override (tests use cheap scrypt parameters). Default: `hashPassword` with its documented cost. */
  hashPassword?: ((password: string) => Promise<string>) | undefined;
}

/** What route modules receive: the deps with defaults applied. */
export interface HttpContext {
  stores: HttpStores;
  tokens: TokenService;
  iceServers: IceServersConfig;
  now: () => number;
  authRateLimit: AuthRateLimit | false;
  healthTimeoutMs: number;
  hashPassword: (password: string) => Promise<string>;
}
