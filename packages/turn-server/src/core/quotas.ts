/**
 * Resource quotas (issue 3, RFC 8656 §7.2 / §21): every limit explicit.
 * Exceeding a per-user limit gives 486 Allocation Quota Reached; exceeding a
 * server-wide limit gives 508 Insufficient Capacity.
 */

export interface QuotaInit {
  /** Live allocations per user (TURN REST: the part after the separator). Default 10. Over it: 486. */
  readonly allocationsPerUser?: number | undefined;
  /** Live allocations in total. Default 10 000. Over it: 508. */
  readonly allocations?: number | undefined;
  /** Permissions (peer IPs) per allocation. Default 64. Over it: 508 on CreatePermission / ChannelBind. */
  readonly permissionsPerAllocation?: number | undefined;
  /** Relayed bytes per second per allocation, both directions together (token bucket, 1 s burst). Default: unlimited. Over it: packet dropped. */
  readonly bandwidthBytesPerSecond?: number | undefined;
}

/** Quotas with defaults applied. */
export interface Quotas {
  readonly allocationsPerUser: number;
  readonly allocations: number;
  readonly permissionsPerAllocation: number;
  readonly bandwidthBytesPerSecond: number | undefined;
}

export const DEFAULT_QUOTAS: Quotas = {
  allocationsPerUser: 10,
  allocations: 10_000,
  permissionsPerAllocation: 64,
  bandwidthBytesPerSecond: undefined,
};

export function resolveQuotas(init: QuotaInit = {}): Quotas {
  return {
    allocationsPerUser: init.allocationsPerUser ?? DEFAULT_QUOTAS.allocationsPerUser,
    allocations: init.allocations ?? DEFAULT_QUOTAS.allocations,
    permissionsPerAllocation: init.permissionsPerAllocation ?? DEFAULT_QUOTAS.permissionsPerAllocation,
    bandwidthBytesPerSecond: init.bandwidthBytesPerSecond,
  };
}

/** Counts live allocations per user. */
export class UserAllocationCounter {
  readonly #counts = new Map<string, number>();

  count(user: string): number {
    return this.#counts.get(user) ?? 0;
  }

  increment(user: string): void {
    this.#counts.set(user, this.count(user) + 1);
  }

  decrement(user: string): void {
    const next = this.count(user) - 1;
    if (next <= 0) this.#counts.delete(user);
    else this.#counts.set(user, next);
  }
}

/** A token bucket measured in bytes (or packets) refilled continuously from the injected clock. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  /**
   * @param ratePerSecond tokens added per second.
   * @param burst bucket capacity (the most that can be taken at once).
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Takes `amount` tokens if available; returns whether it did. */
  take(amount: number, now: number): boolean {
    if (now > this.#updatedAt) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) * this.ratePerSecond) / 1000);
      this.#updatedAt = now;
    }
    if (this.#tokens < amount) return false;
    this.#tokens -= amount;
    return true;
  }
}
