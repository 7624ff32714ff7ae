/**
 * Allocations (RFC 8656 §2.2, §7): one relayed transport address per client
 * 5-tuple, owned by the user who authenticated the Allocate, with its own
 * permissions and channel bindings and a time-to-expiry.
 */
import { ChannelTable } from './channel.js';
import { fiveTupleKey, transportAddressKey, type AddressFamily, type FiveTuple, type TransportAddress } from './five-tuple.js';
import { PermissionTable } from './permission.js';
import { TokenBucket, UserAllocationCounter } from './quotas.js';

/** Default allocation lifetime, RFC 8656 §3.2: 10 minutes. */
export const DEFAULT_ALLOCATION_LIFETIME_MS = 600_000;
/** Largest lifetime the server grants (RFC 8656 §7.2 "server's maximum allowed lifetime"): 1 hour. */
export const MAX_ALLOCATION_LIFETIME_MS = 3_600_000;

/**
 * Lifetime granted for a requested LIFETIME value in seconds (RFC 8656 §7.2,
 * §7.3): `min(requested, max)`, but never below the default.
 */
export function grantedLifetimeMs(requestedSeconds: number | undefined, maxMs: number = MAX_ALLOCATION_LIFETIME_MS): number {
  if (requestedSeconds === undefined) return DEFAULT_ALLOCATION_LIFETIME_MS;
  return Math.max(DEFAULT_ALLOCATION_LIFETIME_MS, Math.min(requestedSeconds * 1000, maxMs));
}

/** The authenticated identity behind a request. */
export interface Session {
  /** USERNAME as sent (for TURN REST: `<expiry>:<user>`). */
  readonly username: string;
  /** Quota key: the REST user part, or the whole username when there is none. */
  readonly user: string;
  /** Long-term credential key (RFC 8489 §9.2.2). */
  readonly key: Uint8Array;
  /** Integrity attribute the client used; responses use the same. */
  readonly algorithm: 'sha1' | 'sha256';
}

export interface Allocation {
  readonly id: number;
  readonly fiveTuple: FiveTuple;
  readonly tupleKey: string;
  readonly session: Session;
  readonly family: AddressFamily;
  /** Transaction id of the Allocate that created it (retransmissions get the same answer, RFC 8656 §7.2). */
  readonly allocateTransactionId: Uint8Array;
  /** `pending` until the driver reports the relay socket bound. */
  state: 'pending' | 'live';
  relayed: TransportAddress | undefined;
  expiresAt: number;
  /** The Allocate success response, re-sent on a retransmitted Allocate. */
  allocateResponse: Uint8Array | undefined;
  /** Whether the pending Allocate carried FINGERPRINT (the response mirrors it). */
  readonly allocateHadFingerprint: boolean;
  readonly permissions: PermissionTable;
  readonly channels: ChannelTable;
  readonly bandwidth: TokenBucket | undefined;
}

/** Live and pending allocations, indexed by id and by 5-tuple, with per-user counts. */
export class AllocationTable {
  readonly #byId = new Map<number, Allocation>();
  readonly #byTuple = new Map<string, Allocation>();
  /** Live allocations by relayed transport address (`transportAddressKey`). */
  readonly #byRelayed = new Map<string, Allocation>();
  readonly #perUser = new UserAllocationCounter();
  #nextId = 1;

  create(init: {
    fiveTuple: FiveTuple;
    session: Session;
    family: AddressFamily;
    transactionId: Uint8Array;
    hadFingerprint: boolean;
    expiresAt: number;
    bandwidthBytesPerSecond: number | undefined;
    now: number;
  }): Allocation {
    const rate = init.bandwidthBytesPerSecond;
    const allocation: Allocation = {
      id: this.#nextId++,
      fiveTuple: init.fiveTuple,
      tupleKey: fiveTupleKey(init.fiveTuple),
      session: init.session,
      family: init.family,
      allocateTransactionId: init.transactionId.slice(),
      state: 'pending',
      relayed: undefined,
      expiresAt: init.expiresAt,
      allocateResponse: undefined,
      allocateHadFingerprint: init.hadFingerprint,
      permissions: new PermissionTable(),
      channels: new ChannelTable(),
      bandwidth: rate === undefined ? undefined : new TokenBucket(rate, rate, init.now),
    };
    this.#byId.set(allocation.id, allocation);
    this.#byTuple.set(allocation.tupleKey, allocation);
    this.#perUser.increment(allocation.session.user);
    return allocation;
  }

  byId(id: number): Allocation | undefined {
    return this.#byId.get(id);
  }

  byTupleKey(key: string): Allocation | undefined {
    return this.#byTuple.get(key);
  }

  /** Makes a pending allocation live on its relayed transport address. */
  setRelayed(allocation: Allocation, relayed: TransportAddress): void {
    allocation.state = 'live';
    allocation.relayed = relayed;
    this.#byRelayed.set(transportAddressKey(relayed), allocation);
  }

  /** The live allocation whose relayed transport address has this `transportAddressKey`. */
  byRelayedKey(key: string): Allocation | undefined {
    return this.#byRelayed.get(key);
  }

  delete(allocation: Allocation): boolean {
    if (this.#byId.get(allocation.id) !== allocation) return false;
    this.#byId.delete(allocation.id);
    this.#byTuple.delete(allocation.tupleKey);
    if (allocation.relayed !== undefined) this.#byRelayed.delete(transportAddressKey(allocation.relayed));
    this.#perUser.decrement(allocation.session.user);
    return true;
  }

  countForUser(user: string): number {
    return this.#perUser.count(user);
  }

  get size(): number {
    return this.#byId.size;
  }

  values(): IterableIterator<Allocation> {
    return this.#byId.values();
  }
}
