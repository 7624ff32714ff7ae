/** State and collaborators shared by the request handlers of {@link TurnServerCore}. */
import type { PeerAddressFilter } from './address-filter.js';
import type { AllocationTable } from './allocation.js';
import type { DeadlineQueue } from './deadline-queue.js';
import type { AddressFamily } from './five-tuple.js';
import type { Quotas } from './quotas.js';
import type { Replier } from './replies.js';

export interface CoreContext {
  readonly now: () => number;
  readonly randomBytes: (length: number) => Uint8Array;
  readonly allocations: AllocationTable;
  readonly filter: PeerAddressFilter;
  readonly replies: Replier;
  readonly quotas: Quotas;
  readonly deadlines: DeadlineQueue;
  /** Relay address families the driver can bind. */
  readonly relayFamilies: readonly AddressFamily[];
  /** Largest allocation lifetime granted, in ms. */
  readonly maxLifetimeMs: number;
  /** Largest channel number accepted: 0x4FFF (RFC 8656), or 0x7FFE with `legacyChannelNumbers`. */
  readonly maxChannelNumber: number;
}
