/**
 * Prometheus metrics of the TURN server (prom-client). Label children are
 * bound once so the relay hot path only increments numbers.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { DropReason, RefusalReason } from '../core/actions.js';
import type { PeerDenyReason } from '../core/address-filter.js';

/** Drops decided by the driver rather than the core. */
export type DriverDropReason = 'client-backpressure' | 'stream-framing' | 'send-failed' | 'relay-gone';

export class TurnMetrics {
  readonly activeAllocations: Gauge;
  readonly #bytes: Counter<'direction'>;
  readonly #packets: Counter<'direction'>;
  readonly #refusals: Counter<'code' | 'reason'>;
  readonly #drops: Counter<'reason'>;
  readonly #peerDenied: Counter<'reason'>;
  readonly #c2pBytes;
  readonly #c2pPackets;
  readonly #p2cBytes;
  readonly #p2cPackets;

  constructor(registry: Registry) {
    const registers = [registry];
    this.activeAllocations = new Gauge({ name: 'peerlink_turn_allocations_active', help: 'Live TURN allocations', registers });
    this.#bytes = new Counter({ name: 'peerlink_turn_relayed_bytes_total', help: 'Application bytes relayed, by direction', labelNames: ['direction'], registers });
    this.#packets = new Counter({ name: 'peerlink_turn_relayed_packets_total', help: 'Packets relayed, by direction', labelNames: ['direction'], registers });
    this.#refusals = new Counter({ name: 'peerlink_turn_refusals_total', help: 'Requests answered with an error response, by code and reason', labelNames: ['code', 'reason'], registers });
    this.#drops = new Counter({ name: 'peerlink_turn_drops_total', help: 'Packets dropped without a reply, by reason', labelNames: ['reason'], registers });
    this.#peerDenied = new Counter({ name: 'peerlink_turn_peer_denied_total', help: 'Peer addresses refused by the peer filter, by range', labelNames: ['reason'], registers });
    this.#c2pBytes = this.#bytes.labels('client_to_peer');
    this.#c2pPackets = this.#packets.labels('client_to_peer');
    this.#p2cBytes = this.#bytes.labels('peer_to_client');
    this.#p2cPackets = this.#packets.labels('peer_to_client');
  }

  relayedToPeer(bytes: number): void {
    this.#c2pBytes.inc(bytes);
    this.#c2pPackets.inc();
  }

  relayedToClient(bytes: number): void {
    this.#p2cBytes.inc(bytes);
    this.#p2cPackets.inc();
  }

  refused(code: number, reason: RefusalReason, peerDenied: PeerDenyReason | undefined): void {
    this.#refusals.labels(String(code), reason).inc();
    if (peerDenied !== undefined) this.#peerDenied.labels(peerDenied).inc();
  }

  dropped(reason: DropReason | DriverDropReason): void {
    this.#drops.labels(reason).inc();
  }
}
