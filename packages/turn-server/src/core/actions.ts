/**
 * What the core asks its driver to do. Every input handler returns a list of
 * these; the driver carries them out with an exhaustive `switch`.
 */
import type { PeerDenyReason } from './address-filter.js';
import type { AddressFamily, FiveTuple, TransportAddress } from './five-tuple.js';

/** Why a packet was dropped without a reply; stable strings, used as metric labels. */
export type DropReason =
  | 'malformed'
  | 'unknown-packet'
  | 'unexpected-class'
  | 'unsupported-method'
  | 'rate-limited'
  | 'reply-too-large'
  | 'no-allocation'
  | 'no-permission'
  | 'no-channel'
  | 'peer-denied'
  | 'bandwidth-exceeded'
  | 'too-large'
  | 'allocation-pending'
  | 'relay-family-mismatch';

/** Why a request got an error response; stable strings, used as metric labels. */
export type RefusalReason =
  | 'unauthenticated'
  | 'bad-request'
  | 'unknown-attribute'
  | 'stale-nonce'
  | 'wrong-credentials'
  | 'expired-credentials'
  | 'integrity-mismatch'
  | 'allocation-mismatch'
  | 'unsupported-transport'
  | 'address-family-not-supported'
  | 'peer-address-family-mismatch'
  | 'forbidden-ip'
  | 'user-quota'
  | 'server-capacity'
  | 'permission-quota'
  | 'relay-unavailable';

export type TurnAction =
  /**
   * Send bytes to a client over the 5-tuple's transport (for TCP/TLS: the connection of that 5-tuple).
   * When `payload` is present it follows `bytes` in the same datagram or frame: the driver sends
   * `[bytes, payload]` with scatter/gather so relayed data is not copied (UDP ChannelData only).
   */
  | {
      readonly type: 'send-to-client';
      readonly fiveTuple: FiveTuple;
      readonly bytes: Uint8Array;
      readonly payload?: Uint8Array;
      /** Set when this relays another client's data on this server (both relay-only): its payload size, for counting. */
      readonly internalBytes?: number;
    }
  /** Send a UDP datagram from the allocation's relayed transport address to a peer. */
  | { readonly type: 'send-to-peer'; readonly allocationId: number; readonly peer: TransportAddress; readonly bytes: Uint8Array }
  /**
   * Bind a relay socket for a new allocation, then call `handleRelayOpened`
   * (or `handleRelayFailed`); the Allocate response waits for it.
   */
  | { readonly type: 'open-relay'; readonly allocationId: number; readonly family: AddressFamily; readonly evenPort: boolean }
  /** Close the allocation's relay socket. */
  | { readonly type: 'close-relay'; readonly allocationId: number; readonly reason: 'expired' | 'deleted' | 'connection-closed' | 'shutdown' }
  /** A request was refused with an error response (already included as `send-to-client`); for counting. */
  | { readonly type: 'refused'; readonly code: number; readonly reason: RefusalReason; readonly peerDenied?: PeerDenyReason }
  /** A packet was dropped; for counting. */
  | { readonly type: 'drop'; readonly reason: DropReason }
  /** An allocation went live or away; for the active-allocations gauge and logs. */
  | { readonly type: 'allocation-changed'; readonly allocationId: number; readonly live: boolean; readonly username: string };
