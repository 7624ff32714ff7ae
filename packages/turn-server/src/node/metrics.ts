/**
 * Prometheus metrics of the TURN server (prom-client). The relay hot path
 * only adds to plain numbers; they are moved into the counters on collection.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { DropReason, RefusalReason } from '../core/actions.js';
import type { PeerDenyReason } from '../core/address-filter.js';

/** Drops decided by the driver rather than the core. */
export type DriverDropReason = 'client-backpressure' | 'stream-framing' | 'send-failed' | 'relay-gone';

export class TurnMetrics {
  readonly activeAllocations: Gauge;
  readonly #refusals: Counter<'code' | 'reason'>;
  readonly #drops: Counter<'reason'>;
  readonly #peerDenied: Counter<'reason'>;
  // Relay counters are plain numbers on the hot path, added to prom-client when metrics are collected.
  #c2pBytes = 0;
  #c2pPackets = 0;
  #p2cBytes = 0;
  #p2cPackets = 0;

  constructor(registry: Registry) {
    const registers = [registry];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client calls collect() with the metric as `this`
    const self = this;
    this.activeAllocations = new Gauge({ name: 'peerlink_turn_allocations_active', help: 'Live TURN allocations', registers });
    new Counter({
      name: 'peerlink_turn_relayed_bytes_total',
      help: 'Application bytes relayed, by direction',
      labelNames: ['direction'],
      registers,
      collect() {
        this.labels('client_to_peer').inc(self.#c2pBytes);
        this.labels('peer_to_client').inc(self.#p2cBytes);
        self.#c2pBytes = 0;
        self.#p2cBytes = 0;
      },
    });
    new Counter({
      name: 'peerlink_turn_relayed_packets_total',
      help: 'Packets relayed, by direction',
      labelNames: ['direction'],
      registers,
      collect() {
        this.labels('client_to_peer').inc(self.#c2pPackets);
        this.labels('peer_to_client').inc(self.#p2cPackets);
        self.#c2pPackets = 0;
        self.#p2cPackets = 0;
      },
    });
    this.#refusals = new Counter({ name: 'peerlink_turn_refusals_total', help: 'Requests answered with an error response, by code and reason', labelNames: ['code', 'reason'], registers });
    this.#drops = new Counter({ name: 'peerlink_turn_drops_total', help: 'Packets dropped without a reply, by reason', labelNames: ['reason'], registers });
    this.#peerDenied = new Counter({ name: 'peerlink_turn_peer_denied_total', help: 'Peer addresses refused by the peer filter, by range', labelNames: ['reason'], registers });
  }

  relayedToPeer(bytes: number): void {
    this.#c2pBytes += bytes;
    this.#c2pPackets += 1;
  }

  relayedToClient(bytes: number): void {
    this.#p2cBytes += bytes;
    this.#p2cPackets += 1;
  }

  refused(code: number, reason: RefusalReason, peerDenied: PeerDenyReason | undefined): void {
    this.#refusals.labels(String(code), reason).inc();
    if (peerDenied !== undefined) this.#peerDenied.labels(peerDenied).inc();
  }

  dropped(reason: DropReason | DriverDropReason): void {
    this.#drops.labels(reason).inc();
  }
}
