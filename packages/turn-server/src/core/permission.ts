/**
 * Permissions (RFC 8656 §9): per allocation, per peer IP address (ports are
 * ignored), lifetime 300 s, refreshed by CreatePermission or ChannelBind.
 * Expired entries are treated as absent at once and purged lazily.
 */
import { ipKey } from './five-tuple.js';

/** Permission lifetime, RFC 8656 §9: 300 seconds, not negotiable. */
export const PERMISSION_LIFETIME_MS = 300_000;

export class PermissionTable {
  readonly #expiresAt = new Map<string, number>();

  /** Installs or refreshes the permission for `ip` until `now + 300 s`. */
  install(ip: string, now: number): void {
    this.#expiresAt.set(ipKey(ip), now + PERMISSION_LIFETIME_MS);
  }

  /** True when a live permission exists for `ip`. */
  has(ip: string, now: number): boolean {
    const at = this.#expiresAt.get(ipKey(ip));
    return at !== undefined && at > now;
  }

  /** True when `ip` would need a new entry (no live one); used before counting against the quota. */
  isNew(ip: string, now: number): boolean {
    return !this.has(ip, now);
  }

  /** Drops expired entries; returns the number of live permissions. */
  purge(now: number): number {
    for (const [ip, at] of this.#expiresAt) if (at <= now) this.#expiresAt.delete(ip);
    return this.#expiresAt.size;
  }

  /** Number of entries, including expired ones not yet purged. */
  get size(): number {
    return this.#expiresAt.size;
  }
}
