import type { PeerId } from '@peerlink/protocol';
import type { PathInfo } from '../../contract/types.js';
import type { SessionOptions } from '../../session/options.js';
import { DEFAULT_LINK_KNOBS, DEFAULT_SEED, readSimulatorEnv, resolveKnobs, type LinkKnobs } from './knobs.js';
import { SimulatedLink } from './link.js';
import type { NatType } from './nat.js';
import { Prng } from './prng.js';
import { SimulatorProvider } from './provider.js';
import { TraceLog, type TraceEvent } from './trace.js';
import { VirtualClock } from './virtual-clock.js';

export interface SimulatorNetworkOptions {
  /** PRNG seed (default: `SIMULATOR_P2P_SEED`, else 1). Same seed + same program = same trace. */
  readonly seed?: number | string;
  /** Run virtual time by itself whenever work is pending (default true). False: drive it with `advance()`/`runUntilIdle()`. */
  readonly autoRun?: boolean;
  /** Default knobs for every link; override the environment (which overrides built-in defaults). */
  readonly defaults?: Partial<LinkKnobs>;
  /** Where `SIMULATOR_P2P_*` come from (default `process.env` when present); `false` ignores the environment. */
  readonly env?: Readonly<Record<string, string | undefined>> | false;
  /** Whether a TURN-like relay is reachable by every peer (default false). */
  readonly relay?: boolean;
  /** Extra one-way delay of the relay detour in ms (default 10). */
  readonly relayLatencyMs?: number;
  /** Default connect timeout in virtual ms (default 10 000); `ConnectPolicy.timeoutMs` overrides it. */
  readonly connectTimeoutMs?: number;
  /** Trace entries kept (default 100 000); later ones are only counted in `traceDropped`. */
  readonly maxTraceEvents?: number;
  /** Called for every trace entry as it happens. */
  readonly onTrace?: (event: TraceEvent) => void;
}

export interface SimulatorPeerOptions {
  /** Label used in the trace (default `peer<N>`). */
  readonly name?: string;
  /** NAT behaviour (default `endpoint-independent`). */
  readonly nat?: NatType;
  /** Session tuning for this peer's connections (keepalive, windows, limits). */
  readonly session?: SessionOptions;
}

/**
 * An in-memory network of simulated peers: a product for tests, demos and
 * path-selection experiments, not a mock. Deterministic: one virtual clock,
 * one seeded PRNG, and a trace of everything that happened.
 */
export class SimulatorNetwork {
  readonly clock: VirtualClock;
  readonly prng: Prng;
  readonly seed: number | string;
  readonly defaults: LinkKnobs;
  relay: boolean;
  readonly relayLatencyMs: number;
  readonly connectTimeoutMs: number;
  readonly #trace: TraceLog;
  readonly #peers = new Map<PeerId, SimulatorProvider>();
  readonly #linkKnobs = new Map<string, LinkKnobs>();
  readonly #links = new Set<SimulatedLink>();
  #nextLinkId = 1;
  #peerCount = 0;

  constructor(options: SimulatorNetworkOptions = {}) {
    const source = options.env === false ? {} : (options.env ?? processEnv());
    const env = readSimulatorEnv(source);
    this.seed = options.seed ?? env.seed ?? DEFAULT_SEED;
    this.defaults = resolveKnobs(resolveKnobs(DEFAULT_LINK_KNOBS, env.knobs), options.defaults);
    this.clock = new VirtualClock(options.autoRun ?? true);
    this.prng = new Prng(this.seed);
    this.relay = options.relay ?? false;
    this.relayLatencyMs = options.relayLatencyMs ?? 10;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#trace = new TraceLog(options.maxTraceEvents ?? 100_000, options.onTrace);
  }

  /** Virtual time in ms. */
  get now(): number {
    return this.clock.now();
  }
  get trace(): readonly TraceEvent[] {
    return this.#trace.events;
  }
  get traceDropped(): number {
    return this.#trace.dropped;
  }
  /** Links not yet released. */
  get activeLinks(): number {
    return this.#links.size;
  }

  /** Adds a peer with a fresh Ed25519 identity drawn from the seeded PRNG. */
  createProvider(options: SimulatorPeerOptions = {}): SimulatorProvider {
    const name = options.name ?? `peer${++this.#peerCount}`;
    const provider = new SimulatorProvider(this, name, this.prng.bytes(32), options.nat ?? 'endpoint-independent', options.session);
    this.#peers.set(provider.localPeerId, provider);
    this.record({ t: this.now, type: 'peer-added', peer: name, nat: provider.nat });
    return provider;
  }

  /** Overrides knobs between two peers (both directions), also for open links. */
  setLink(a: SimulatorProvider, b: SimulatorProvider, knobs: Partial<LinkKnobs>): void {
    this.#linkKnobs.set(pairKey(a.localPeerId, b.localPeerId), resolveKnobs(this.knobsBetween(a, b), knobs));
  }

  knobsBetween(a: SimulatorProvider, b: SimulatorProvider | undefined): LinkKnobs {
    return (b && this.#linkKnobs.get(pairKey(a.localPeerId, b.localPeerId))) ?? this.defaults;
  }

  /** Manual mode: run events due in the next `ms` virtual milliseconds. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /** Runs until nothing but background timers (keepalives) is pending. */
  runUntilIdle(maxMs?: number): Promise<void> {
    return this.clock.runUntilIdle(maxMs);
  }

  /** Internal: the peer registered under `peerId`. */
  lookup(peerId: PeerId): SimulatorProvider | undefined {
    return this.#peers.get(peerId);
  }

  /** Internal: called by a provider's close(). */
  unregister(provider: SimulatorProvider): void {
    this.#peers.delete(provider.localPeerId);
  }

  /** Internal: opens a link for a selected path. */
  openLink(from: SimulatorProvider, to: SimulatorProvider, path: PathInfo): SimulatedLink {
    const link = new SimulatedLink(this.#nextLinkId++, [from.name, to.name], {
      clock: this.clock,
      prng: this.prng,
      trace: this.#trace,
      knobs: () => this.knobsBetween(from, to),
      extraLatencyMs: path.kind === 'relay' ? this.relayLatencyMs : 0,
      released: (l) => this.#links.delete(l),
    });
    this.#links.add(link);
    return link;
  }

  /** Internal: appends to the trace. */
  record(event: TraceEvent): void {
    this.#trace.add(event);
  }
}

function pairKey(a: PeerId, b: PeerId): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function processEnv(): Readonly<Record<string, string | undefined>> {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env ?? {};
}
