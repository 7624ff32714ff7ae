/**
 * The TURN server core (RFC 8656 over RFC 8489), sans-I/O: one `handleX` per
 * input, each returning {@link TurnAction}s for the driver. Time and
 * randomness are injected; expiry is driven by {@link TurnServerCore.nextDeadline}
 * and {@link TurnServerCore.handleTimer}.
 */
import { Attr, StunClass, StunMethod, classifyPacket, decodeStunMessage, unknownComprehensionRequired, type StunMessage } from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import { PeerAddressFilter, type OwnAddresses } from './address-filter.js';
import { completeAllocate, deleteAllocation, handleAllocate, handleRefresh } from './allocate.js';
import { AllocationTable, MAX_ALLOCATION_LIFETIME_MS, type Allocation } from './allocation.js';
import { Authenticator } from './authenticator.js';
import { BINDING_KNOWN_ATTRIBUTES, handleBinding, type AlternateListener } from './binding.js';
import type { CoreContext } from './context.js';
import { LEGACY_MAX_CHANNEL_NUMBER, MAX_CHANNEL_NUMBER } from './channel.js';
import { CredentialStore } from './credentials.js';
import { handleClientChannelData, handlePeerDatagram, handleSendIndication } from './data-path.js';
import { DeadlineQueue } from './deadline-queue.js';
import { fiveTupleKey, type AddressFamily, type FiveTuple, type TransportAddress } from './five-tuple.js';
import { DEFAULT_NONCE_LIFETIME_MS, NonceIssuer } from './nonce.js';
import { handleChannelBind, handleCreatePermission } from './peer-requests.js';
import { resolveQuotas, type QuotaInit } from './quotas.js';
import { Replier, drop } from './replies.js';
import { SourceRateLimiter, type SourceRateLimitInit } from './source-rate-limiter.js';

/** Options of the core (documented where declared; the Node driver validates them). */
export interface TurnServerCoreInit {
  /** REALM sent in challenges and used in the long-term key. */
  readonly realm: string;
  /** TURN REST shared secret (coturn `static-auth-secret`). Required. */
  readonly secret: string;
  /** Fixed `username → password` accounts. Default: none. */
  readonly staticUsers?: Readonly<Record<string, string>>;
  /** SOFTWARE attribute on authenticated responses; `undefined` omits it. Default `'peerlink'`. */
  readonly software?: string | undefined;
  /** CIDRs that open otherwise denied peer ranges. Default: none (deny by default). */
  readonly allowPeers?: readonly string[];
  /** The server's own transport addresses, never relayed to. */
  readonly ownAddresses?: OwnAddresses;
  /** Resource limits. Defaults in {@link resolveQuotas}. */
  readonly quotas?: QuotaInit;
  /** Relay families the driver can bind (REQUESTED-ADDRESS-FAMILY; others get 440). Default `['IPv4']`. */
  readonly relayFamilies?: readonly AddressFamily[];
  /** Largest allocation lifetime granted, seconds. Default 3600. */
  readonly maxLifetimeSeconds?: number;
  /** Nonce validity, ms. Default 600 000. */
  readonly nonceLifetimeMs?: number;
  /** Per-source rate limit of unauthenticated replies. */
  readonly unauthenticatedRateLimit?: SourceRateLimitInit;
  /** Drop unauthenticated replies larger than the request even when that breaks clients (see `replies.ts`). Default false. */
  readonly strictReplySize?: boolean;
  /**
   * Primary and alternate listener addresses: Binding responses then carry
   * RESPONSE-ORIGIN and OTHER-ADDRESS (RFC 5780 style); the driver feeds the
   * alternate's packets to {@link TurnServerCore.handleAlternatePacket}. Default: none.
   */
  readonly alternateListener?: AlternateListener;
  /**
   * Also accept channel numbers 0x5000–0x7FFF (RFC 5766's range, which coturn's
   * uclient still uses; RFC 8656 §12 made them invalid). Default false (strict).
   */
  readonly legacyChannelNumbers?: boolean;
}

/** Injected collaborators. */
export interface TurnServerCoreComponents {
  /** Milliseconds on a monotonic-enough clock (Date.now in production, a fake in tests). */
  readonly now: () => number;
  /** Cryptographically random bytes. */
  readonly randomBytes: (length: number) => Uint8Array;
}

const AUTH = [Attr.USERNAME, Attr.REALM, Attr.NONCE, Attr.MESSAGE_INTEGRITY, Attr.MESSAGE_INTEGRITY_SHA256, Attr.FINGERPRINT];
/** Comprehension-required attributes we understand, per method. DONT-FRAGMENT is absent on purpose: Node cannot set DF, so RFC 8656 §7.2 says treat it as unknown. */
const KNOWN: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [StunMethod.Binding, BINDING_KNOWN_ATTRIBUTES],
  [StunMethod.Allocate, new Set<number>([...AUTH, Attr.REQUESTED_TRANSPORT, Attr.LIFETIME, Attr.EVEN_PORT, Attr.RESERVATION_TOKEN, Attr.REQUESTED_ADDRESS_FAMILY])],
  [StunMethod.Refresh, new Set<number>([...AUTH, Attr.LIFETIME, Attr.REQUESTED_ADDRESS_FAMILY])],
  [StunMethod.CreatePermission, new Set<number>([...AUTH, Attr.XOR_PEER_ADDRESS])],
  [StunMethod.ChannelBind, new Set<number>([...AUTH, Attr.CHANNEL_NUMBER, Attr.XOR_PEER_ADDRESS])],
  [StunMethod.Send, new Set<number>([Attr.XOR_PEER_ADDRESS, Attr.DATA, Attr.DONT_FRAGMENT])],
]);

export class TurnServerCore {
  readonly #ctx: CoreContext;
  readonly #auth: Authenticator;
  readonly #listeners: AlternateListener | undefined;

  constructor(init: TurnServerCoreInit, components: TurnServerCoreComponents) {
    const nonces = new NonceIssuer(components.randomBytes(32), init.nonceLifetimeMs ?? DEFAULT_NONCE_LIFETIME_MS);
    const replies = new Replier({
      realm: init.realm,
      software: 'software' in init ? init.software : 'peerlink',
      strictReplySize: init.strictReplySize ?? false,
      nonces,
      limiter: new SourceRateLimiter(init.unauthenticatedRateLimit),
    });
    this.#ctx = {
      now: components.now,
      randomBytes: components.randomBytes,
      allocations: new AllocationTable(),
      filter: new PeerAddressFilter({ ...(init.allowPeers ? { allowPeers: init.allowPeers } : {}), ...(init.ownAddresses ? { own: init.ownAddresses } : {}) }),
      replies,
      quotas: resolveQuotas(init.quotas),
      deadlines: new DeadlineQueue(),
      relayFamilies: init.relayFamilies ?? ['IPv4'],
      maxLifetimeMs: (init.maxLifetimeSeconds ?? MAX_ALLOCATION_LIFETIME_MS / 1000) * 1000,
      maxChannelNumber: init.legacyChannelNumbers === true ? LEGACY_MAX_CHANNEL_NUMBER : MAX_CHANNEL_NUMBER,
    };
    const credentials = new CredentialStore({ secret: init.secret, ...(init.staticUsers ? { staticUsers: init.staticUsers } : {}) });
    this.#auth = new Authenticator({ realm: init.realm, credentials, nonces, replies });
    this.#listeners = init.alternateListener;
  }

  /**
   * A packet on the alternate listener: only Binding requests are answered
   * (no TURN there, so no allocation can be keyed to that 5-tuple).
   */
  handleAlternatePacket(tuple: FiveTuple, bytes: Uint8Array): TurnAction[] {
    if (classifyPacket(bytes) !== 'stun') return [drop('unknown-packet')];
    const decoded = decodeStunMessage(bytes);
    if (!decoded.ok) return [drop('malformed')];
    const request = decoded.value;
    if (request.method !== StunMethod.Binding || request.class !== StunClass.Request) return [drop('unsupported-method')];
    return handleBinding(this.#ctx.replies, request, tuple, this.#ctx.now(), this.#listeners);
  }

  /** A packet from a client on a listener (UDP datagram, or one framed message from a TCP/TLS stream). */
  handleClientPacket(tuple: FiveTuple, bytes: Uint8Array): TurnAction[] {
    const kind = classifyPacket(bytes);
    switch (kind) {
      case 'channel-data':
        return handleClientChannelData(this.#ctx, bytes, this.#ctx.allocations.byTupleKey(fiveTupleKey(tuple)));
      case 'unknown':
        // 0x5000–0x7FFF: ChannelData on an RFC 5766 channel number, when enabled.
        if (this.#ctx.maxChannelNumber > MAX_CHANNEL_NUMBER && bytes.length > 0 && bytes[0]! >= 0x50 && bytes[0]! < 0x80) {
          return handleClientChannelData(this.#ctx, bytes, this.#ctx.allocations.byTupleKey(fiveTupleKey(tuple)));
        }
        return [drop('unknown-packet')];
      case 'stun':
        return this.#handleStun(tuple, bytes);
    }
  }

  /** A datagram that arrived from `peer` on the relay socket of allocation `allocationId`. */
  handleRelayPacket(allocationId: number, peer: TransportAddress, bytes: Uint8Array): TurnAction[] {
    return handlePeerDatagram(this.#ctx, this.#ctx.allocations.byId(allocationId), peer, bytes);
  }

  /** The driver bound the relay socket asked for by `open-relay`; `relayed` is the address advertised to the client. */
  handleRelayOpened(allocationId: number, relayed: TransportAddress): TurnAction[] {
    const allocation = this.#ctx.allocations.byId(allocationId);
    if (allocation?.state !== 'pending') return [{ type: 'close-relay', allocationId, reason: 'deleted' }];
    return completeAllocate(this.#ctx, allocation, relayed);
  }

  /** The driver could not bind a relay socket (port range exhausted): 508 to the pending Allocate. */
  handleRelayFailed(allocationId: number): TurnAction[] {
    const allocation = this.#ctx.allocations.byId(allocationId);
    if (allocation?.state !== 'pending') return [];
    this.#ctx.allocations.delete(allocation);
    const to = { method: StunMethod.Allocate, transactionId: allocation.allocateTransactionId, fingerprint: allocation.allocateHadFingerprint };
    return this.#ctx.replies.authenticatedError(to, allocation.fiveTuple, allocation.session, 508, 'relay-unavailable');
  }

  /** A TCP/TLS client connection closed: its allocation goes with it (RFC 8656 §7). */
  handleConnectionClosed(tuple: FiveTuple): TurnAction[] {
    const allocation = this.#ctx.allocations.byTupleKey(fiveTupleKey(tuple));
    return allocation === undefined ? [] : deleteAllocation(this.#ctx, allocation, 'connection-closed');
  }

  /** Expires allocations whose time is up; call at {@link nextDeadline}. */
  handleTimer(): TurnAction[] {
    const now = this.#ctx.now();
    const actions: TurnAction[] = [];
    for (const id of this.#ctx.deadlines.popDue(now)) {
      const allocation = this.#ctx.allocations.byId(id);
      if (allocation === undefined || allocation.expiresAt > now) continue;
      actions.push(...deleteAllocation(this.#ctx, allocation, 'expired'));
    }
    return actions;
  }

  /** When {@link handleTimer} next has work (ms on the injected clock), or `undefined`. */
  nextDeadline(): number | undefined {
    return this.#ctx.deadlines.peek();
  }

  /** Deletes every allocation (server shutdown). */
  shutdown(): TurnAction[] {
    return [...this.#ctx.allocations.values()].flatMap((a) => deleteAllocation(this.#ctx, a, 'shutdown'));
  }

  /** Number of allocations (pending and live). */
  get allocationCount(): number {
    return this.#ctx.allocations.size;
  }

  /** Whether the 5-tuple has an allocation (drivers close idle TCP connections without one). */
  hasAllocation(tuple: FiveTuple): boolean {
    return this.#ctx.allocations.byTupleKey(fiveTupleKey(tuple)) !== undefined;
  }

  /** Read-only view of an allocation, for drivers and tests. */
  allocation(id: number): Readonly<Allocation> | undefined {
    return this.#ctx.allocations.byId(id);
  }

  #handleStun(tuple: FiveTuple, bytes: Uint8Array): TurnAction[] {
    const decoded = decodeStunMessage(bytes);
    if (!decoded.ok) return [drop('malformed')];
    const message = decoded.value;
    switch (message.class) {
      case StunClass.Request:
        return this.#handleRequest(tuple, message);
      case StunClass.Indication:
        if (message.method === StunMethod.Binding) return [];
        if (message.method !== StunMethod.Send) return [drop('unsupported-method')];
        if (unknownComprehensionRequired(message, KNOWN.get(StunMethod.Send) ?? new Set()).length > 0) return [drop('malformed')];
        return handleSendIndication(this.#ctx, message, this.#ctx.allocations.byTupleKey(fiveTupleKey(tuple)));
      case StunClass.SuccessResponse:
      case StunClass.ErrorResponse:
        return [drop('unexpected-class')];
    }
  }

  #handleRequest(tuple: FiveTuple, request: StunMessage): TurnAction[] {
    const { replies } = this.#ctx;
    const now = this.#ctx.now();
    const known = KNOWN.get(request.method);
    if (known === undefined || request.method === StunMethod.Send) return replies.unauthenticatedError(request, tuple, now, 400, 'bad-request');
    if (request.method === StunMethod.Binding) return handleBinding(replies, request, tuple, now, this.#listeners);
    const auth = this.#auth.authenticate(request, tuple, now);
    if (!auth.ok) return auth.actions;
    const session = auth.session;
    const unknown = unknownComprehensionRequired(request, known);
    if (unknown.length > 0) return replies.authenticatedError(request, tuple, session, 420, 'unknown-attribute', (b) => b.addUnknownAttributes(unknown));
    const tupleKey = fiveTupleKey(tuple);
    if (request.method === StunMethod.Allocate) return handleAllocate(this.#ctx, request, tuple, tupleKey, session);
    const allocation = this.#ctx.allocations.byTupleKey(tupleKey);
    if (allocation?.state !== 'live') return replies.authenticatedError(request, tuple, session, 437, 'allocation-mismatch');
    if (allocation.session.username !== session.username) return replies.authenticatedError(request, tuple, session, 441, 'wrong-credentials');
    switch (request.method) {
      case StunMethod.Refresh:
        return handleRefresh(this.#ctx, request, tuple, allocation, session);
      case StunMethod.CreatePermission:
        return handleCreatePermission(this.#ctx, request, tuple, allocation, session);
      case StunMethod.ChannelBind:
        return handleChannelBind(this.#ctx, request, tuple, allocation, session);
      default:
        return replies.unauthenticatedError(request, tuple, now, 400, 'bad-request');
    }
  }
}
