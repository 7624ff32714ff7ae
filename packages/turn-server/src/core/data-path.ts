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
  encodeChannelDataHeader,
  getAttribute,
  type ChannelData,
  type Decoded,
  type StunMessage,
} from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import type { Allocation } from './allocation.js';
import { MAX_CHANNEL_NUMBER } from './channel.js';
import type { CoreContext } from './context.js';
import { transportAddressKey, type TransportAddress } from './five-tuple.js';
import { drop } from './replies.js';

/**
 * Largest application payload relayed in either direction. Real UDP payloads
 * stop at 65 507 bytes; this keeps a Data indication (payload plus about 80
 * bytes of attributes) inside STUN's 16-bit length.
 */
export const MAX_RELAYED_DATA_BYTES = 65_000;

const okOrUndefined = <T>(decoded: Decoded<T>): T | undefined => (decoded.ok ? decoded.value : undefined);

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
  const verdict = ctx.filter.checkTransportAddress(peer.value.address, peer.value.port);
  const internal = !verdict.allowed && verdict.reason === 'own-relay';
  if (!verdict.allowed && !internal) return [drop('peer-denied')];
  if (!withinBandwidth(allocation, dataAttr.value.length, now)) return [drop('bandwidth-exceeded')];
  if (internal) return deliverInternally(ctx, allocation, transportAddressKey(peer.value), dataAttr.value);
  return [{ type: 'send-to-peer', allocationId: allocation.id, peer: peer.value, bytes: dataAttr.value }];
}

/**
 * ChannelData on a channel number above 0x4FFF (RFC 5766 range, only with
 * `legacyChannelNumbers`): the codec rejects those, so the 4-byte header is
 * read here with the same length and padding rules.
 */
function decodeLegacyChannelData(bytes: Uint8Array, maxChannel: number): ChannelData | undefined {
  if (bytes.length < 4) return undefined;
  const channel = (bytes[0]! << 8) | bytes[1]!;
  const end = 4 + ((bytes[2]! << 8) | bytes[3]!);
  if (channel > maxChannel || end > bytes.length || bytes.length > ((end + 3) & ~3)) return undefined;
  return { channel, data: bytes.subarray(4, end) };
}

/** ChannelData header (RFC 8656 §12.4) for any channel number the core accepts. */
function channelDataHeader(channel: number, length: number): Uint8Array {
  return channel <= MAX_CHANNEL_NUMBER ? encodeChannelDataHeader(channel, length) : Uint8Array.of(channel >> 8, channel & 0xff, length >> 8, length & 0xff);
}

/** ChannelData from the client. */
export function handleClientChannelData(ctx: CoreContext, bytes: Uint8Array, allocation: Allocation | undefined): TurnAction[] {
  const decoded = bytes.length > 0 && bytes[0]! >= 0x50 ? decodeLegacyChannelData(bytes, ctx.maxChannelNumber) : okOrUndefined(decodeChannelData(bytes));
  if (decoded === undefined) return [drop('malformed')];
  if (allocation?.state !== 'live') return [drop('no-allocation')];
  const now = ctx.now();
  const binding = allocation.channels.byChannel(decoded.channel, now);
  if (binding === undefined) return [drop('no-channel')];
  if (!allocation.permissions.has(binding.peer.address, now)) return [drop('no-permission')];
  if (!withinBandwidth(allocation, decoded.data.length, now)) return [drop('bandwidth-exceeded')];
  if (binding.internal) return deliverInternally(ctx, allocation, binding.peerKey, decoded.data);
  return [{ type: 'send-to-peer', allocationId: allocation.id, peer: binding.peer, bytes: decoded.data }];
}

/**
 * Data from one allocation's client to another allocation's relayed address on
 * this server (both peers relay-only through the same server): handed to the
 * target as a datagram from the sender's relayed address, with the target's
 * permission and quota checks, and never sent over the network (the peer filter
 * keeps every own address off the wire, so nothing can loop).
 */
function deliverInternally(ctx: CoreContext, from: Allocation, targetKey: string, data: Uint8Array): TurnAction[] {
  const target = ctx.allocations.byRelayedKey(targetKey);
  if (target === undefined || target === from || from.relayed === undefined) return [drop('peer-denied')];
  return handlePeerDatagram(ctx, target, from.relayed, data).map((action) => (action.type === 'send-to-client' ? { ...action, internalBytes: data.length } : action));
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
    const header = channelDataHeader(binding.channel, data.length);
    if (tuple.transport === 'udp') return [{ type: 'send-to-client', fiveTuple: tuple, bytes: header, payload: data }];
    // Over TCP/TLS, ChannelData must be padded to a multiple of 4 (RFC 8656 §12.5).
    const framed = new Uint8Array((4 + data.length + 3) & ~3);
    framed.set(header, 0);
    framed.set(data, 4);
    return [{ type: 'send-to-client', fiveTuple: tuple, bytes: framed }];
  }
  const indication = new StunMessageBuilder(StunMethod.Data, StunClass.Indication, ctx.randomBytes(12))
    .addXorAddress(Attr.XOR_PEER_ADDRESS, peer)
    .add(Attr.DATA, data)
    .build();
  return [{ type: 'send-to-client', fiveTuple: tuple, bytes: indication }];
}
