import type { PathKind } from '../../contract/types.js';

/**
 * One entry of the simulator's event trace. Same seed and same program give
 * the same trace, entry for entry; compare traces to prove determinism or to
 * diff two runs. Times are virtual milliseconds.
 */
export type TraceEvent =
  | { readonly t: number; readonly type: 'peer-added'; readonly peer: string; readonly nat: string }
  | { readonly t: number; readonly type: 'connect-attempt'; readonly from: string; readonly to: string }
  | { readonly t: number; readonly type: 'connect-failed'; readonly from: string; readonly to: string; readonly code: string; readonly reason: string }
  | { readonly t: number; readonly type: 'path-selected'; readonly from: string; readonly to: string; readonly link: number; readonly path: PathKind; readonly reason: string }
  | { readonly t: number; readonly type: 'connected'; readonly peer: string; readonly remote: string; readonly establishmentMs: number }
  | {
      readonly t: number;
      readonly type: 'packet';
      readonly link: number;
      readonly from: string;
      readonly kind: 'segment' | 'ack' | 'datagram';
      readonly size: number;
      /** Segment sequence number (reliable channel) or -1. */
      readonly seq: number;
      readonly lost: boolean;
      /** Virtual time the packet arrives (undefined when lost). */
      readonly arrival: number | undefined;
    }
  | { readonly t: number; readonly type: 'retransmit'; readonly link: number; readonly from: string; readonly seq: number; readonly attempt: number }
  | { readonly t: number; readonly type: 'link-lost'; readonly link: number; readonly from: string; readonly reason: string }
  | { readonly t: number; readonly type: 'link-released'; readonly link: number }
  | { readonly t: number; readonly type: 'closed'; readonly peer: string; readonly remote: string; readonly reason: string };

/** Bounded trace buffer: keeps the first `limit` events and counts the rest. */
export class TraceLog {
  readonly events: TraceEvent[] = [];
  #dropped = 0;
  readonly #limit: number;
  readonly #listener: ((event: TraceEvent) => void) | undefined;

  constructor(limit: number, listener?: (event: TraceEvent) => void) {
    this.#limit = limit;
    this.#listener = listener;
  }

  get dropped(): number {
    return this.#dropped;
  }

  add(event: TraceEvent): void {
    if (this.events.length < this.#limit) this.events.push(event);
    else this.#dropped++;
    this.#listener?.(event);
  }
}
