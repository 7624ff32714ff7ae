/**
 * ICE server list with TURN credentials in the "TURN REST API" scheme
 * (draft-uberti-behave-turn-rest-00) that coturn's `use-auth-secret` /
 * `static-auth-secret` accepts:
 *
 *     username   = "<expiry unix time>:<user id>"
 *     credential = base64(HMAC-SHA1(shared secret, username))
 *
 * The TURN server recomputes the credential from the username and refuses it
 * once the expiry has passed, so the gateway and the TURN server share only
 * the secret, never per-user state.
 */
import { createHmac } from 'node:crypto';

export interface IceServersConfig {
  /** `stun:`/`stuns:` URLs handed out without credentials. */
  stunUrls: string[];
  /** `turn:`/`turns:` URLs handed out with a TURN REST credential. */
  turnUrls: string[];
  /** Shared secret of the TURN server (coturn `static-auth-secret`). Undefined: no TURN entry is returned. */
  turnSecret: string | undefined;
  /** Lifetime of a TURN credential in seconds. Default 86400 (one day). */
  ttlSeconds: number;
  /**
   * URLs derived from the host name the client used to reach the gateway
   * (the embedded TURN server listens on every interface, so the name that
   * reached the HTTP API reaches it too). Used when the static lists are empty.
   */
  urlsForHost?: ((hostname: string) => { stunUrls: string[]; turnUrls: string[] }) | undefined;
}

/** Host names accepted from the `Host` header for {@link IceServersConfig.urlsForHost}. */
const HOSTNAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])$/;

/** The static lists, or the per-host ones when the static lists are empty and the host name is well formed. */
export function iceConfigForHost(config: IceServersConfig, hostname: string | undefined): IceServersConfig {
  if (config.urlsForHost === undefined || config.stunUrls.length + config.turnUrls.length > 0) return config;
  if (hostname === undefined || hostname.length > 253 || !HOSTNAME.test(hostname)) return config;
  return { ...config, ...config.urlsForHost(hostname) };
}

export const DEFAULT_TURN_CREDENTIAL_TTL_SECONDS = 86_400;

/** `RTCIceServer` as a browser or node-datachannel consumes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceServersResponse {
  iceServers: IceServer[];
  /** How long the TURN credential stays valid, seconds. */
  ttlSeconds: number;
}

export interface TurnRestCredential {
  username: string;
  credential: string;
  /** Expiry, unix seconds (also the username's first field). */
  expiresAt: number;
}

/**
 * The TURN REST credential for `userId`, valid `ttlSeconds` from `nowMs`.
 * The user id must not contain `:` (the scheme's separator).
 */
export function turnRestCredential(secret: string, userId: string, nowMs: number, ttlSeconds: number): TurnRestCredential {
  if (userId.includes(':')) throw new RangeError('user id must not contain ":" (TURN REST username separator)');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/** The `/api/ice-servers` body for `userId`. Empty URL lists leave their entry out. */
export function buildIceServers(config: IceServersConfig, userId: string, nowMs: number): IceServersResponse {
  const ttlSeconds = config.ttlSeconds;
  const iceServers: IceServer[] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0 && config.turnSecret !== undefined) {
    const { username, credential } = turnRestCredential(config.turnSecret, userId, nowMs, ttlSeconds);
    iceServers.push({ urls: [...config.turnUrls], username, credential });
  }
  return { iceServers, ttlSeconds };
}
