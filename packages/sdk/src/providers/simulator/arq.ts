import type { VirtualClock } from './virtual-clock.js';

/** Packets on a simulated link. Segments and ACKs carry the reliable channel (a stand-in for SCTP under a data channel). */
export type SimPacket =
  | { readonly kind: 'segment'; readonly seq: number; readonly bytes: Uint8Array }
  | { readonly kind: 'ack'; readonly cumulative: number; readonly seq: number }
  | { readonly kind: 'datagram'; readonly bytes: Uint8Array };

/** Retransmissions of one segment before the link is declared lost. */
export const MAX_SEGMENT_ATTEMPTS = 30;
/** Upper bound of the retransmission timeout after backoff, in virtual ms. */
export const MAX_RTO_MS = 2_000;

export interface ArqHooks {
  readonly clock: VirtualClock;
  /** Puts a packet on the wire toward the peer. */
  transmit(packet: SimPacket): void;
  /** Retransmission timeout for a fresh segment of `size` bytes, given the current queues. */
  rto(size: number): number;
  /** In-order reliable payload for the session. */
  deliver(bytes: Uint8Array): void;
  retransmitted(seq: number, attempt: number): void;
  /** Gave up on a segment: the link is dead from this side. */
  failed(reason: string): void;
  /** Closed and everything we sent was acknowledged. */
  drained(): void;
}

interface Unacked {
  readonly bytes: Uint8Array;
  attempts: number;
  timer: unknown;
}

/**
 * Selective-repeat ARQ, one per link side: every segment has its own timer
 * with exponential backoff; the receiver buffers out-of-order segments and
 * acknowledges each one (cumulative + the segment itself).
 */
export class ArqEndpoint {
  readonly #hooks: ArqHooks;
  #nextSeq = 0;
  readonly #unacked = new Map<number, Unacked>();
  #expected = 0;
  readonly #reorder = new Map<number, Uint8Array>();
  #closing = false;
  #drained = false;
  #stopped = false;

  constructor(hooks: ArqHooks) {
    this.#hooks = hooks;
  }

  send(bytes: Uint8Array): void {
    if (this.#closing || this.#stopped) return;
    const seq = this.#nextSeq++;
    const entry: Unacked = { bytes, attempts: 1, timer: undefined };
    this.#unacked.set(seq, entry);
    this.#hooks.transmit({ kind: 'segment', seq, bytes });
    this.#arm(seq, entry, this.#hooks.rto(bytes.length));
  }

  handle(packet: SimPacket): void {
    if (this.#stopped) return;
    if (packet.kind === 'ack') {
      for (const seq of [...this.#unacked.keys()]) {
        if (seq < packet.cumulative || seq === packet.seq) this.#acked(seq);
      }
      this.#maybeDrained();
      return;
    }
    if (packet.kind !== 'segment') return;
    if (packet.seq >= this.#expected) this.#reorder.set(packet.seq, packet.bytes);
    for (let next = this.#reorder.get(this.#expected); next !== undefined; next = this.#reorder.get(this.#expected)) {
      this.#reorder.delete(this.#expected);
      this.#expected++;
      this.#hooks.deliver(next);
    }
    this.#hooks.transmit({ kind: 'ack', cumulative: this.#expected, seq: packet.seq });
  }

  /** Stops taking new data; `drained` fires once all sent data is acknowledged. Incoming segments are still acknowledged until {@link stop}. */
  close(): void {
    this.#closing = true;
    this.#maybeDrained();
  }

  /** Cancels every timer; the endpoint goes silent. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#unacked.values()) this.#hooks.clock.clearTimer(entry.timer);
    this.#unacked.clear();
  }

  #arm(seq: number, entry: Unacked, delay: number): void {
    entry.timer = this.#hooks.clock.setTimer(delay, () => {
      if (entry.attempts >= MAX_SEGMENT_ATTEMPTS) {
        this.#hooks.failed('retransmit-limit');
        return;
      }
      entry.attempts++;
      this.#hooks.retransmitted(seq, entry.attempts);
      this.#hooks.transmit({ kind: 'segment', seq, bytes: entry.bytes });
      const backoff = this.#hooks.rto(entry.bytes.length) * 2 ** Math.min(entry.attempts - 1, 10);
      this.#arm(seq, entry, Math.min(backoff, MAX_RTO_MS));
    });
  }

  #acked(seq: number): void {
    const entry = this.#unacked.get(seq);
    if (entry === undefined) return;
    this.#hooks.clock.clearTimer(entry.timer);
    this.#unacked.delete(seq);
  }

  #maybeDrained(): void {
    if (this.#closing && this.#unacked.size === 0 && !this.#drained && !this.#stopped) {
      this.#drained = true;
      this.#hooks.drained();
    }
  }
}
