/**
 * Channel bindings (RFC 8656 §12): a channel number 0x4000–0x4FFF bound to
 * one peer transport address for 600 s, refreshed by re-binding the same pair.
 *
 * Rebinding rules (§12.1 / §12.2): a channel already bound to a different
 * peer, or a peer already bound to a different channel, is a 400. After a
 * binding expires it stays reserved for 5 minutes (the RFC tells clients to
 * wait that long; the server enforces it): it relays nothing, but the only
 * allowed re-bind is the identical pair.
 */
import { transportAddressKey, type TransportAddress } from './five-tuple.js';

/** Channel binding lifetime, RFC 8656 §12: 10 minutes. */
export const CHANNEL_LIFETIME_MS = 600_000;
/** Quarantine after expiry during which the number and address stay reserved, RFC 8656 §12. */
export const CHANNEL_REBIND_QUARANTINE_MS = 300_000;
/** Smallest valid channel number. */
export const MIN_CHANNEL_NUMBER = 0x4000;
/** Largest valid channel number (RFC 8656 narrowed RFC 5766's 0x7FFE). */
export const MAX_CHANNEL_NUMBER = 0x4fff;
/** Largest channel number with `legacyChannelNumbers` (RFC 5766 §11: 0x4000 through 0x7FFE; 0x7FFF is reserved). */
export const LEGACY_MAX_CHANNEL_NUMBER = 0x7ffe;

/** CHANNEL-NUMBER attribute value (RFC 8656 §14.1): number, then RFFU; `undefined` when malformed or outside [0x4000, max]. */
export function readChannelNumber(value: Uint8Array, max: number): number | undefined {
  if (value.length !== 4) return undefined;
  const channel = (value[0]! << 8) | value[1]!;
  return channel >= MIN_CHANNEL_NUMBER && channel <= max ? channel : undefined;
}

export interface ChannelBinding {
  readonly channel: number;
  readonly peer: TransportAddress;
  readonly peerKey: string;
  /** The peer is one of this server's relayed addresses: ChannelData is delivered to that allocation, not sent out. */
  readonly internal: boolean;
  expiresAt: number;
}

export type BindResult = { readonly ok: true; readonly created: boolean } | { readonly ok: false; readonly reason: 'channel-out-of-range' | 'channel-in-use' | 'peer-bound-elsewhere' };

export class ChannelTable {
  readonly #byNumber = new Map<number, ChannelBinding>();
  readonly #byPeer = new Map<string, ChannelBinding>();

  /** Binds or refreshes `channel ↔ peer` at time `now`; channels above `maxChannel` are out of range. */
  bind(channel: number, peer: TransportAddress, now: number, maxChannel: number = MAX_CHANNEL_NUMBER, internal = false): BindResult {
    if (channel < MIN_CHANNEL_NUMBER || channel > maxChannel) return { ok: false, reason: 'channel-out-of-range' };
    this.#purgeOne(channel, now);
    const peerKey = transportAddressKey(peer);
    const existing = this.#byNumber.get(channel);
    if (existing !== undefined && existing.peerKey !== peerKey) return { ok: false, reason: 'channel-in-use' };
    const byPeer = this.#byPeer.get(peerKey);
    if (byPeer !== undefined && byPeer.channel !== channel) {
      if (byPeer.expiresAt + CHANNEL_REBIND_QUARANTINE_MS > now) return { ok: false, reason: 'peer-bound-elsewhere' };
      this.#remove(byPeer);
    }
    if (existing !== undefined) {
      existing.expiresAt = now + CHANNEL_LIFETIME_MS;
      return { ok: true, created: false };
    }
    const binding: ChannelBinding = { channel, peer, peerKey, internal, expiresAt: now + CHANNEL_LIFETIME_MS };
    this.#byNumber.set(channel, binding);
    this.#byPeer.set(peerKey, binding);
    return { ok: true, created: true };
  }

  /** The live binding for a channel number (client → peer direction). */
  byChannel(channel: number, now: number): ChannelBinding | undefined {
    const binding = this.#byNumber.get(channel);
    return binding !== undefined && binding.expiresAt > now ? binding : undefined;
  }

  /** The live binding for a peer transport address key (peer → client direction). */
  byPeerKey(peerKey: string, now: number): ChannelBinding | undefined {
    const binding = this.#byPeer.get(peerKey);
    return binding !== undefined && binding.expiresAt > now ? binding : undefined;
  }

  /** Forgets bindings whose quarantine has ended; returns how many entries remain. */
  purge(now: number): number {
    for (const binding of this.#byNumber.values()) {
      if (binding.expiresAt + CHANNEL_REBIND_QUARANTINE_MS <= now) this.#remove(binding);
    }
    return this.#byNumber.size;
  }

  #purgeOne(channel: number, now: number): void {
    const binding = this.#byNumber.get(channel);
    if (binding !== undefined && binding.expiresAt + CHANNEL_REBIND_QUARANTINE_MS <= now) this.#remove(binding);
  }

  #remove(binding: ChannelBinding): void {
    this.#byNumber.delete(binding.channel);
    this.#byPeer.delete(binding.peerKey);
  }
}
