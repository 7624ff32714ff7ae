import type { ChannelKind } from '../../session/actions.js';
import type { SessionLink, SessionLinkEvents } from '../../session/link.js';
import { ArqEndpoint, type SimPacket } from './arq.js';
import type { LinkKnobs } from './knobs.js';
import type { Prng } from './prng.js';
import type { TraceLog } from './trace.js';
import type { VirtualClock } from './virtual-clock.js';

/** Bytes added to every simulated packet for IP + UDP headers (IPv4). */
export const PACKET_OVERHEAD_BYTES = 28;
/** Size of an ACK packet on the wire, including headers. */
export const ACK_PACKET_BYTES = 40;

export interface LinkEnvironment {
  readonly clock: VirtualClock;
  readonly prng: Prng;
  readonly trace: TraceLog;
  /** Current knobs (looked up per packet, so `setLink` applies to open links). */
  knobs(): LinkKnobs;
  /** Extra one-way delay of this path (relay detour), ms. */
  readonly extraLatencyMs: number;
  released(link: SimulatedLink): void;
}

/** One side of a simulated link, handed to a session as its {@link SessionLink}. */
export class LinkSide implements SessionLink {
  readonly hasUnreliableChannel = true;
  events: SessionLinkEvents | undefined;
  readonly arq: ArqEndpoint;
  readonly #link: SimulatedLink;
  readonly #index: 0 | 1;

  constructor(link: SimulatedLink, index: 0 | 1, arq: (side: LinkSide) => ArqEndpoint) {
    this.#link = link;
    this.#index = index;
    this.arq = arq(this);
  }

  send(channel: ChannelKind, bytes: Uint8Array): void {
    if (channel === 'reliable') this.arq.send(bytes);
    else this.#link.transmit(this.#index, { kind: 'datagram', bytes });
  }

  close(): void {
    this.arq.close();
  }
}

/**
 * A bidirectional path between two simulated peers: per-direction serialisation
 * (bandwidth), latency, jitter and loss from the knobs, with an ARQ endpoint
 * on each side for the reliable channel and raw datagrams for the unreliable one.
 */
export class SimulatedLink {
  readonly id: number;
  readonly names: readonly [string, string];
  readonly sides: readonly [LinkSide, LinkSide];
  readonly #env: LinkEnvironment;
  readonly #busyUntil: [number, number] = [0, 0];
  readonly #drained: [boolean, boolean] = [false, false];
  #released = false;

  constructor(id: number, names: readonly [string, string], env: LinkEnvironment) {
    this.id = id;
    this.names = names;
    this.#env = env;
    this.sides = [new LinkSide(this, 0, (s) => this.#arq(s, 0)), new LinkSide(this, 1, (s) => this.#arq(s, 1))];
  }

  get released(): boolean {
    return this.#released;
  }

  /** Puts one packet on the wire from side `from`. */
  transmit(from: 0 | 1, packet: SimPacket): void {
    if (this.#released) return;
    const { clock, prng, trace } = this.#env;
    const knobs = this.#env.knobs();
    const size = packetSize(packet);
    const lost = prng.chance(knobs.packetLoss);
    const jitter = prng.next() * knobs.jitterMs;
    const now = clock.now();
    const start = Math.max(now, this.#busyUntil[from]);
    this.#busyUntil[from] = start + serialisationMs(size, knobs);
    const arrival = this.#busyUntil[from] + knobs.latencyMs + this.#env.extraLatencyMs + jitter;
    trace.add({
      t: now,
      type: 'packet',
      link: this.id,
      from: this.names[from],
      kind: packet.kind,
      size,
      seq: packet.kind === 'segment' ? packet.seq : packet.kind === 'ack' ? packet.seq : -1,
      lost,
      arrival: lost ? undefined : arrival,
    });
    if (lost) return;
    const to = this.sides[from === 0 ? 1 : 0];
    clock.schedule(arrival - now, () => {
      if (this.#released) return;
      if (packet.kind === 'datagram') to.events?.receive('unreliable', packet.bytes);
      else to.arq.handle(packet);
    }, true);
  }

  /** Tears the link down at once (both sides silent), e.g. when a provider vanishes. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const side of this.sides) side.arq.stop();
    this.#env.trace.add({ t: this.#env.clock.now(), type: 'link-released', link: this.id });
    this.#env.released(this);
  }

  #rto(from: 0 | 1, size: number): number {
    const knobs = this.#env.knobs();
    const now = this.#env.clock.now();
    const queued = Math.max(0, this.#busyUntil[from] - now) + Math.max(0, this.#busyUntil[from === 0 ? 1 : 0] - now);
    const oneWay = knobs.latencyMs + this.#env.extraLatencyMs + knobs.jitterMs;
    return Math.max(10, queued + serialisationMs(size + ACK_PACKET_BYTES, knobs) + 2 * oneWay + 10);
  }

  #arq(side: LinkSide, index: 0 | 1): ArqEndpoint {
    const { clock, trace } = this.#env;
    return new ArqEndpoint({
      clock,
      transmit: (packet) => this.transmit(index, packet),
      rto: (size) => this.#rto(index, size),
      deliver: (bytes) => side.events?.receive('reliable', bytes),
      retransmitted: (seq, attempt) => trace.add({ t: clock.now(), type: 'retransmit', link: this.id, from: this.names[index], seq, attempt }),
      failed: (reason) => {
        trace.add({ t: clock.now(), type: 'link-lost', link: this.id, from: this.names[index], reason });
        side.arq.stop();
        side.events?.lost(reason);
      },
      drained: () => {
        this.#drained[index] = true;
        if (this.#drained[0] && this.#drained[1]) this.release();
      },
    });
  }
}

function packetSize(packet: SimPacket): number {
  return packet.kind === 'ack' ? ACK_PACKET_BYTES : packet.bytes.length + PACKET_OVERHEAD_BYTES;
}

/** kbit/s equals bit/ms, so bits / kbps gives milliseconds. */
function serialisationMs(bytes: number, knobs: LinkKnobs): number {
  return knobs.bandwidthKbps > 0 ? (bytes * 8) / knobs.bandwidthKbps : 0;
}
