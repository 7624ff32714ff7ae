/**
 * The relay data path: Send indications and ChannelData from the client to a
 * peer (RFC 8656 §11.2, §12.6), and peer datagrams back to the client as
 * ChannelData (when a channel is bound) or Data indications (§11.3, §12.7).
 * Nothing here replies with an error: refusals are typed drops.
 */
import {
  Attr,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  decodeChannelData,
  decodeXorAddress,
  encodeChannelData,
  encodeChannelDataHeader,
  getAttribute,
  type StunMessage,
} from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import type { Allocation } from './allocation.js';
import type { CoreContext } from './context.js';
import { transportAddressKey, type TransportAddress } from './five-tuple.js';
import { drop } from './replies.js';

/**
 * Largest application payload relayed in either direction. Real UDP payloads
 * stop at 65 507 bytes; this keeps a Data indication (payload plus about 80
 * bytes of attributes) inside STUN's 16-bit length.
 */
export const MAX_RELAYED_DATA_BYTES = 65_000;

function withinBandwidth(allocation: Allocation, bytes: number, now: number): boolean {
  return allocation.bandwidth === undefined || allocation.bandwidth.take(bytes, now);
}

/** Send indication from the client. */
export function handleSendIndication(ctx: CoreContext, indication: StunMessage, allocation: Allocation | undefined): TurnAction[] {
  if (allocation?.state !== 'live') return [drop('no-allocation')];
  const peerAttr = getAttribute(indication, Attr.XOR_PEER_ADDRESS);
  const dataAttr = getAttribute(indication, Attr.DATA);
  if (peerAttr === undefined || dataAttr === undefined) return [drop('malformed')];
  const peer = decodeXorAddress(peerAttr.value, indication.transactionId);
  if (!peer.ok) return [drop('malformed')];
  if (peer.value.family !== allocation.family) return [drop('relay-family-mismatch')];
  const now = ctx.now();
  if (!allocation.permissions.has(peer.value.address, now)) return [drop('no-permission')];
  if (!ctx.filter.checkTransportAddress(peer.value.address, peer.value.port).allowed) return [drop('peer-denied')];
  if (!withinBandwidth(allocation, dataAttr.value.length, now)) return [drop('bandwidth-exceeded')];
  return [{ type: 'send-to-peer', allocationId: allocation.id, peer: peer.value, bytes: dataAttr.value }];
}

/** ChannelData from the client. */
export function handleClientChannelData(ctx: CoreContext, bytes: Uint8Array, allocation: Allocation | undefined): TurnAction[] {
  const decoded = decodeChannelData(bytes);
  if (!decoded.ok) return [drop('malformed')];
  if (allocation?.state !== 'live') return [drop('no-allocation')];
  const now = ctx.now();
  const binding = allocation.channels.byChannel(decoded.value.channel, now);
  if (binding === undefined) return [drop('no-channel')];
  if (!allocation.permissions.has(binding.peer.address, now)) return [drop('no-permission')];
  if (!withinBandwidth(allocation, decoded.value.data.length, now)) return [drop('bandwidth-exceeded')];
  return [{ type: 'send-to-peer', allocationId: allocation.id, peer: binding.peer, bytes: decoded.value.data }];
}

/** A datagram that arrived on an allocation's relayed transport address from `peer`. */
export function handlePeerDatagram(ctx: CoreContext, allocation: Allocation | undefined, peer: TransportAddress, data: Uint8Array): TurnAction[] {
  if (allocation?.state !== 'live') return [drop('no-allocation')];
  if (data.length > MAX_RELAYED_DATA_BYTES) return [drop('too-large')];
  const now = ctx.now();
  if (!allocation.permissions.has(peer.address, now)) return [drop('no-permission')];
  if (!withinBandwidth(allocation, data.length, now)) return [drop('bandwidth-exceeded')];
  const tuple = allocation.fiveTuple;
  const binding = allocation.channels.byPeerKey(transportAddressKey(peer), now);
  if (binding !== undefined) {
    // UDP: header and payload go out as one datagram by scatter/gather, no copy of the payload.
    if (tuple.transport === 'udp') return [{ type: 'send-to-client', fiveTuple: tuple, bytes: encodeChannelDataHeader(binding.channel, data.length), payload: data }];
    // Over TCP/TLS, ChannelData must be padded to a multiple of 4 (RFC 8656 §12.5).
    return [{ type: 'send-to-client', fiveTuple: tuple, bytes: encodeChannelData(binding.channel, data, { pad: true }) }];
  }
  const indication = new StunMessageBuilder(StunMethod.Data, StunClass.Indication, ctx.randomBytes(12))
    .addXorAddress(Attr.XOR_PEER_ADDRESS, peer)
    .add(Attr.DATA, data)
    .build();
  return [{ type: 'send-to-client', fiveTuple: tuple, bytes: indication }];
}
