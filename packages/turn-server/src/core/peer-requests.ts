/**
 * CreatePermission (RFC 8656 §9.2) and ChannelBind (§12.2): the requests that
 * name peers. Every peer goes through the peer filter first (403 Forbidden);
 * a request is all-or-nothing (no permission is installed if any peer fails).
 */
import { Attr, StunClass, decodeXorAddress, type StunMessage } from '@peerlink/protocol';
import { readChannelNumber } from './channel.js';
import type { RefusalReason, TurnAction } from './actions.js';
import type { PeerDenyReason } from './address-filter.js';
import type { Allocation, Session } from './allocation.js';
import type { CoreContext } from './context.js';
import type { FiveTuple, TransportAddress } from './five-tuple.js';

type Refuse = (code: number, reason: RefusalReason, peerDenied?: PeerDenyReason) => TurnAction[];

function refuser(ctx: CoreContext, request: StunMessage, tuple: FiveTuple, session: Session): Refuse {
  return (code, reason, peerDenied) => {
    const actions = ctx.replies.authenticatedError(request, tuple, session, code, reason);
    if (peerDenied === undefined) return actions;
    return actions.map((a): TurnAction => (a.type === 'refused' ? { type: 'refused', code: a.code, reason: a.reason, peerDenied } : a));
  };
}

function peerAddresses(request: StunMessage): TransportAddress[] | undefined {
  const peers: TransportAddress[] = [];
  for (const attr of request.attributes) {
    if (attr.type !== Attr.XOR_PEER_ADDRESS) continue;
    const decoded = decodeXorAddress(attr.value, request.transactionId);
    if (!decoded.ok) return undefined;
    peers.push(decoded.value);
  }
  return peers;
}

/** Live permissions plus the new ones this request would add, checked against the quota. */
function withinPermissionQuota(ctx: CoreContext, allocation: Allocation, ips: readonly string[], now: number): boolean {
  const live = allocation.permissions.purge(now);
  const fresh = new Set(ips.filter((ip) => allocation.permissions.isNew(ip, now)));
  return live + fresh.size <= ctx.quotas.permissionsPerAllocation;
}

export function handleCreatePermission(ctx: CoreContext, request: StunMessage, tuple: FiveTuple, allocation: Allocation, session: Session): TurnAction[] {
  const refuse = refuser(ctx, request, tuple, session);
  const peers = peerAddresses(request);
  if (peers === undefined || peers.length === 0) return refuse(400, 'bad-request');
  for (const peer of peers) {
    if (peer.family !== allocation.family) return refuse(443, 'peer-address-family-mismatch');
    const verdict = ctx.filter.checkIp(peer.address);
    if (!verdict.allowed) return refuse(403, 'forbidden-ip', verdict.reason);
  }
  const now = ctx.now();
  const ips = peers.map((p) => p.address);
  if (!withinPermissionQuota(ctx, allocation, ips, now)) return refuse(508, 'permission-quota');
  for (const ip of ips) allocation.permissions.install(ip, now);
  return [ctx.replies.authenticated(request, tuple, StunClass.SuccessResponse, session, () => undefined)];
}

export function handleChannelBind(ctx: CoreContext, request: StunMessage, tuple: FiveTuple, allocation: Allocation, session: Session): TurnAction[] {
  const refuse = refuser(ctx, request, tuple, session);
  const channelAttr = request.attributes.find((a) => a.type === Attr.CHANNEL_NUMBER);
  const peers = peerAddresses(request);
  if (channelAttr === undefined || peers?.length !== 1) return refuse(400, 'bad-request');
  const channel = readChannelNumber(channelAttr.value, ctx.maxChannelNumber);
  if (channel === undefined) return refuse(400, 'bad-request');
  const peer = peers[0];
  if (peer === undefined) return refuse(400, 'bad-request');
  if (peer.family !== allocation.family) return refuse(443, 'peer-address-family-mismatch');
  const verdict = ctx.filter.checkTransportAddress(peer.address, peer.port);
  const internal = !verdict.allowed && verdict.reason === 'own-relay';
  if (!verdict.allowed && !internal) return refuse(403, 'forbidden-ip', verdict.reason);
  const now = ctx.now();
  if (!withinPermissionQuota(ctx, allocation, [peer.address], now)) return refuse(508, 'permission-quota');
  const bound = allocation.channels.bind(channel, peer, now, ctx.maxChannelNumber, internal);
  if (!bound.ok) return refuse(400, 'bad-request');
  allocation.permissions.install(peer.address, now);
  return [ctx.replies.authenticated(request, tuple, StunClass.SuccessResponse, session, () => undefined)];
}
