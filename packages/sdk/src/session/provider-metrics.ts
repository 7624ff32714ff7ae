import type { PeerId } from '@peerlink/protocol';
import { TypedEmitter } from '../contract/emitter.js';
import type { P2PError } from '../contract/errors.js';
import type { P2PConnection } from '../contract/provider.js';
import type { PathInfo, PathKind, ProviderEvents, ProviderStats } from '../contract/types.js';

/** Establishment times kept for `stats().establishmentMs`. */
export const MAX_ESTABLISHMENT_SAMPLES = 256;

/** Counters and events every provider reports; providers call the `record*` methods. */
export class ProviderMetrics extends TypedEmitter<ProviderEvents> {
  #attempts = 0;
  #successes = 0;
  #failures = 0;
  readonly #byPath: Record<PathKind, number> = { direct: 0, relay: 0, tunnel: 0 };
  readonly #samples: number[] = [];
  readonly #live = new Set<P2PConnection>();
  #closedBytesIn = 0;
  #closedBytesOut = 0;

  get live(): ReadonlySet<P2PConnection> {
    return this.#live;
  }

  recordAttempt(): void {
    this.#attempts++;
  }

  recordFailure(peerId: PeerId, error: P2PError): void {
    if (error.code !== 'ABORTED') this.#failures++;
    this.emit('connection-failed', { peerId, error });
  }

  recordEstablished(conn: P2PConnection, direction: 'outbound' | 'inbound', path: PathInfo, establishmentMs: number): void {
    this.#successes++;
    this.#byPath[path.kind]++;
    this.#samples.push(establishmentMs);
    if (this.#samples.length > MAX_ESTABLISHMENT_SAMPLES) this.#samples.shift();
    this.#live.add(conn);
    conn.once('closed', ({ reason }) => {
      const s = conn.stats();
      this.#closedBytesIn += s.bytesReceived;
      this.#closedBytesOut += s.bytesSent;
      this.#live.delete(conn);
      this.emit('connection-closed', { peerId: conn.peerId, reason });
    });
    this.emit('connection-established', { peerId: conn.peerId, direction, path, establishmentMs });
  }

  stats(): ProviderStats {
    let bytesIn = this.#closedBytesIn;
    let bytesOut = this.#closedBytesOut;
    for (const conn of this.#live) {
      const s = conn.stats();
      bytesIn += s.bytesReceived;
      bytesOut += s.bytesSent;
    }
    return {
      attempts: this.#attempts,
      successes: this.#successes,
      failures: this.#failures,
      active: this.#live.size,
      byPath: { ...this.#byPath },
      bytesIn,
      bytesOut,
      establishmentMs: [...this.#samples],
    };
  }
}
