import { parsePeerId, type PeerId } from '@peerlink/protocol';
import { abortError, isP2PError, P2PError } from '../../contract/errors.js';
import type { P2PConnection, P2PListener, P2PProvider } from '../../contract/provider.js';
import type { ConnectOptions, PathInfo, ProviderEvents, ProviderStats } from '../../contract/types.js';
import type { Listener } from '../../contract/emitter.js';
import { createEd25519Identity, type PeerIdentity } from '../../identity/identity.js';
import type { SessionOptions } from '../../session/options.js';
import { ProviderMetrics } from '../../session/provider-metrics.js';
import { QueueListener } from '../../session/queue-listener.js';
import { SessionConnection } from '../../session/session-connection.js';
import type { LinkSide } from './link.js';
import { selectPath, type NatType } from './nat.js';
import type { SimulatorNetwork } from './network.js';

/** Round trips a direct ICE setup costs (offer/answer through signaling, then connectivity checks). */
export const DIRECT_SETUP_ROUND_TRIPS = 2;
/** Round trips a relayed setup costs (adds the TURN allocation). */
export const RELAY_SETUP_ROUND_TRIPS = 3;

/** A peer on a {@link SimulatorNetwork}; implements the P2P contract. Create with `network.createProvider()`. */
export class SimulatorProvider implements P2PProvider {
  readonly identity: PeerIdentity;
  readonly name: string;
  readonly nat: NatType;
  readonly #network: SimulatorNetwork;
  readonly #session: SessionOptions | undefined;
  readonly #metrics = new ProviderMetrics();
  readonly #pending = new Set<AbortController>();
  #listener: QueueListener | undefined;
  #closed = false;

  constructor(network: SimulatorNetwork, name: string, secretKey: Uint8Array, nat: NatType, session: SessionOptions | undefined) {
    this.#network = network;
    this.name = name;
    this.nat = nat;
    this.#session = session;
    this.identity = createEd25519Identity(secretKey);
  }

  get localPeerId(): PeerId {
    return this.identity.peerId;
  }

  on<K extends keyof ProviderEvents>(type: K, listener: Listener<ProviderEvents[K]>): () => void {
    return this.#metrics.on(type, listener);
  }
  once<K extends keyof ProviderEvents>(type: K, listener: Listener<ProviderEvents[K]>): () => void {
    return this.#metrics.once(type, listener);
  }

  stats(): ProviderStats {
    return this.#metrics.stats();
  }

  async connect(peerId: PeerId, options: ConnectOptions = {}): Promise<P2PConnection> {
    if (this.#closed) throw new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' });
    const net = this.#network;
    const parsed = parsePeerId(peerId);
    this.#metrics.recordAttempt();
    const target = parsed.ok ? net.lookup(parsed.peerId) : undefined;
    net.record({ t: net.now, type: 'connect-attempt', from: this.name, to: target?.name ?? String(peerId) });
    const control = new AbortController();
    this.#pending.add(control);
    const onAbort = (): void => control.abort(abortError(options.signal as AbortSignal));
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = options.policy?.timeoutMs ?? net.connectTimeoutMs;
    const timer = net.clock.setTimer(timeoutMs, () => control.abort(new P2PError('TIMEOUT', `connect timed out after ${timeoutMs} ms`, { reason: 'connect-timeout' })));
    try {
      const conn = await this.#dial(parsed.ok ? parsed.peerId : (String(peerId) as PeerId), target, options, control.signal);
      net.record({ t: net.now, type: 'connected', peer: this.name, remote: target?.name ?? '?', establishmentMs: conn.stats().establishmentMs });
      return conn;
    } catch (caught) {
      const error = control.signal.aborted && isP2PError(control.signal.reason) ? control.signal.reason : toP2PError(caught);
      net.record({ t: net.now, type: 'connect-failed', from: this.name, to: target?.name ?? String(peerId), code: error.code, reason: error.reason ?? '' });
      this.#metrics.recordFailure(peerId, error);
      throw error;
    } finally {
      net.clock.clearTimer(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.#pending.delete(control);
    }
  }

  async #dial(peerId: PeerId, target: SimulatorProvider | undefined, options: ConnectOptions, signal: AbortSignal): Promise<P2PConnection> {
    const net = this.#network;
    const startedAt = net.now;
    const knobs = net.knobsBetween(this, target);
    const rtt = 2 * knobs.latencyMs;
    const failed = net.prng.chance(knobs.failureRate);
    await this.#delay(rtt, signal); // ask signaling for the peer
    if (target === undefined || target.#closed) throw new P2PError('PEER_NOT_FOUND', `no peer ${peerId} on this network`, { reason: 'unknown-peer' });
    if (target.#listener === undefined) throw new P2PError('PEER_NOT_FOUND', `peer ${target.name} is not listening`, { reason: 'not-listening' });
    const decision = selectPath(this.nat, target.nat, net.relay);
    if (!decision.ok) throw new P2PError('CONNECTION_FAILED', decision.message, { reason: decision.reason });
    const path = decision.path;
    const allow = options.policy?.allow;
    if (allow !== undefined && !allow.includes(path.kind)) {
      throw new P2PError('CONNECTION_FAILED', `only ${path.kind} is possible and the policy excludes it`, { reason: 'path-not-allowed' });
    }
    await this.#delay((path.kind === 'relay' ? RELAY_SETUP_ROUND_TRIPS : DIRECT_SETUP_ROUND_TRIPS) * rtt, signal);
    if (failed) throw new P2PError('CONNECTION_FAILED', 'simulated connection failure (failureRate)', { reason: 'simulated-failure' });
    if (target.#listener === undefined) throw new P2PError('PEER_NOT_FOUND', `peer ${target.name} stopped listening`, { reason: 'not-listening' });
    const link = net.openLink(this, target, path);
    net.record({ t: net.now, type: 'path-selected', from: this.name, to: target.name, link: link.id, path: path.kind, reason: path.reason });
    const inbound = selectPath(target.nat, this.nat, net.relay);
    target.#acceptInbound(link.sides[1], this.localPeerId, inbound.ok ? inbound.path : path, startedAt);
    return this.#establish(link.sides[0], peerId, path, startedAt, true, signal);
  }

  async #establish(side: LinkSide, peerId: PeerId, path: PathInfo, startedAt: number, isInitiator: boolean, signal?: AbortSignal): Promise<SessionConnection> {
    const init = { peerId, path, link: side, clock: this.#network.clock.background, isInitiator, startedAt, ...(this.#session ? { options: this.#session } : {}) };
    const conn = await SessionConnection.establish(init, (events) => (side.events = events), signal);
    if (this.#closed) {
      await conn.close('provider-closed');
      throw new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' });
    }
    this.#metrics.recordEstablished(conn, isInitiator ? 'outbound' : 'inbound', path, conn.establishmentMs);
    conn.once('closed', ({ reason }) => {
      const remote = this.#network.lookup(peerId)?.name ?? '?';
      this.#network.record({ t: this.#network.now, type: 'closed', peer: this.name, remote, reason });
    });
    return conn;
  }

  #acceptInbound(side: LinkSide, peerId: PeerId, path: PathInfo, startedAt: number): void {
    this.#establish(side, peerId, path, startedAt, false).then(
      (conn) => (this.#listener ? this.#listener.offer(conn) : void conn.close('not-listening')),
      () => undefined, // the dialling side reports the failure
    );
  }

  #delay(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#network.clock.clearTimer(timer);
        reject(signal.reason as Error);
      };
      const timer = this.#network.clock.setTimer(ms, () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async listen(): Promise<P2PListener> {
    if (this.#closed) throw new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' });
    if (this.#listener !== undefined) throw new P2PError('NETWORK_ERROR', 'already listening', { reason: 'already-listening' });
    const listener = new QueueListener(this.localPeerId, () => {
      if (this.#listener === listener) this.#listener = undefined;
    });
    this.#listener = listener;
    return listener;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const control of this.#pending) control.abort(new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' }));
    await this.#listener?.close();
    await Promise.all([...this.#metrics.live].map((conn) => conn.close('provider-closed')));
    this.#network.unregister(this);
  }
}

function toP2PError(caught: unknown): P2PError {
  return isP2PError(caught) ? caught : new P2PError('NETWORK_ERROR', 'unexpected simulator failure', { cause: caught, reason: 'internal' });
}
