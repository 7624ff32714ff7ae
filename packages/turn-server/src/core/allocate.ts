/**
 * Allocate (RFC 8656 §7.2) and Refresh (§7.3) for authenticated requests.
 */
import {
  Attr,
  StunClass,
  StunMethod,
  TransportProtocol,
  decodeRequestedAddressFamily,
  decodeRequestedTransport,
  decodeUint32,
  getAttribute,
  type StunMessage,
} from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import { grantedLifetimeMs, type Allocation, type Session } from './allocation.js';
import type { CoreContext } from './context.js';
import type { FiveTuple } from './five-tuple.js';
import { drop, hasFingerprint } from './replies.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Reads LIFETIME in seconds; `null` when present but malformed. */
function lifetimeSeconds(request: StunMessage): number | undefined | null {
  const attr = getAttribute(request, Attr.LIFETIME);
  if (attr === undefined) return undefined;
  const decoded = decodeUint32(attr.value);
  return decoded.ok ? decoded.value : null;
}

export function handleAllocate(ctx: CoreContext, request: StunMessage, tuple: FiveTuple, tupleKey: string, session: Session): TurnAction[] {
  const { replies, allocations, quotas } = ctx;
  const refuse = (code: number, reason: Parameters<typeof replies.authenticatedError>[4]): TurnAction[] =>
    replies.authenticatedError(request, tuple, session, code, reason);
  const existing = allocations.byTupleKey(tupleKey);
  if (existing !== undefined) {
    if (!sameBytes(existing.allocateTransactionId, request.transactionId)) return refuse(437, 'allocation-mismatch');
    if (existing.allocateResponse === undefined) return [drop('allocation-pending')];
    return [{ type: 'send-to-client', fiveTuple: tuple, bytes: existing.allocateResponse }];
  }
  const transportAttr = getAttribute(request, Attr.REQUESTED_TRANSPORT);
  if (transportAttr === undefined) return refuse(400, 'bad-request');
  const transport = decodeRequestedTransport(transportAttr.value);
  if (!transport.ok) return refuse(400, 'bad-request');
  if (transport.value !== TransportProtocol.UDP) return refuse(442, 'unsupported-transport');
  const evenPort = getAttribute(request, Attr.EVEN_PORT);
  const familyAttr = getAttribute(request, Attr.REQUESTED_ADDRESS_FAMILY);
  if (getAttribute(request, Attr.RESERVATION_TOKEN) !== undefined) {
    // We never hand out reservation tokens, so none can be valid (RFC 8656 §7.2: 508).
    if (evenPort !== undefined || familyAttr !== undefined) return refuse(400, 'bad-request');
    return refuse(508, 'relay-unavailable');
  }
  let family: 'IPv4' | 'IPv6' = 'IPv4';
  if (familyAttr !== undefined) {
    const decoded = decodeRequestedAddressFamily(familyAttr.value);
    if (!decoded.ok) return refuse(440, 'address-family-not-supported');
    family = decoded.value;
  }
  if (!ctx.relayFamilies.includes(family)) return refuse(440, 'address-family-not-supported');
  const lifetime = lifetimeSeconds(request);
  if (lifetime === null) return refuse(400, 'bad-request');
  if (allocations.countForUser(session.user) >= quotas.allocationsPerUser) return refuse(486, 'user-quota');
  if (allocations.size >= quotas.allocations) return refuse(508, 'server-capacity');
  const now = ctx.now();
  const allocation = allocations.create({
    fiveTuple: tuple,
    session,
    family,
    transactionId: request.transactionId,
    hadFingerprint: hasFingerprint(request),
    expiresAt: now + grantedLifetimeMs(lifetime, ctx.maxLifetimeMs),
    bandwidthBytesPerSecond: quotas.bandwidthBytesPerSecond,
    now,
  });
  return [{ type: 'open-relay', allocationId: allocation.id, family, evenPort: evenPort !== undefined }];
}

/** Completes a pending Allocate once the driver has bound the relay socket. */
export function completeAllocate(ctx: CoreContext, allocation: Allocation, relayed: Allocation['relayed'] & object): TurnAction[] {
  const now = ctx.now();
  ctx.allocations.setRelayed(allocation, relayed);
  const tuple = allocation.fiveTuple;
  const lifetimeS = Math.max(0, Math.round((allocation.expiresAt - now) / 1000));
  const request = { method: StunMethod.Allocate, transactionId: allocation.allocateTransactionId, fingerprint: allocation.allocateHadFingerprint };
  const send = ctx.replies.authenticated(request, tuple, StunClass.SuccessResponse, allocation.session, (b) => {
    b.addXorAddress(Attr.XOR_RELAYED_ADDRESS, relayed);
    b.addUint32(Attr.LIFETIME, lifetimeS);
    b.addXorAddress(Attr.XOR_MAPPED_ADDRESS, tuple.client);
  });
  if (send.type === 'send-to-client') allocation.allocateResponse = send.bytes;
  ctx.deadlines.push(allocation.expiresAt, allocation.id);
  return [send, { type: 'allocation-changed', allocationId: allocation.id, live: true, username: allocation.session.username }];
}

export function handleRefresh(ctx: CoreContext, request: StunMessage, tuple: FiveTuple, allocation: Allocation, session: Session): TurnAction[] {
  const { replies } = ctx;
  const familyAttr = getAttribute(request, Attr.REQUESTED_ADDRESS_FAMILY);
  if (familyAttr !== undefined) {
    const decoded = decodeRequestedAddressFamily(familyAttr.value);
    if (!decoded.ok || decoded.value !== allocation.family) return replies.authenticatedError(request, tuple, session, 443, 'peer-address-family-mismatch');
  }
  const lifetime = lifetimeSeconds(request);
  if (lifetime === null) return replies.authenticatedError(request, tuple, session, 400, 'bad-request');
  const now = ctx.now();
  if (lifetime === 0) {
    const ok = replies.authenticated(request, tuple, StunClass.SuccessResponse, session, (b) => b.addUint32(Attr.LIFETIME, 0));
    return [ok, ...deleteAllocation(ctx, allocation, 'deleted')];
  }
  const granted = grantedLifetimeMs(lifetime, ctx.maxLifetimeMs);
  allocation.expiresAt = now + granted;
  ctx.deadlines.push(allocation.expiresAt, allocation.id);
  return [replies.authenticated(request, tuple, StunClass.SuccessResponse, session, (b) => b.addUint32(Attr.LIFETIME, granted / 1000))];
}

/** Removes an allocation and asks the driver to close its relay. */
export function deleteAllocation(ctx: CoreContext, allocation: Allocation, reason: 'expired' | 'deleted' | 'connection-closed' | 'shutdown'): TurnAction[] {
  if (!ctx.allocations.delete(allocation)) return [];
  const actions: TurnAction[] = [{ type: 'close-relay', allocationId: allocation.id, reason }];
  if (allocation.state === 'live') actions.push({ type: 'allocation-changed', allocationId: allocation.id, live: false, username: allocation.session.username });
  return actions;
}
