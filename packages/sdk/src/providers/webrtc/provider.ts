/// <reference lib="dom" />
/**
 * WebRtcProvider: dial peers by peer id over WebRTC data channels, signaled
 * through the gateway's `/p2p` namespace; the same code runs in Node
 * (node-datachannel's polyfill) and browsers (native RTCPeerConnection).
 */
import { parsePeerId, type PeerId } from '@peerlink/protocol';
import type { Listener } from '../../contract/emitter.js';
import { abortError, isP2PError, P2PError } from '../../contract/errors.js';
import type { P2PListener, P2PProvider } from '../../contract/provider.js';
import type { ConnectOptions, ProviderEvents, ProviderStats } from '../../contract/types.js';
import { systemClock, type Clock } from '../../session/clock.js';
import { ProviderMetrics } from '../../session/provider-metrics.js';
import { QueueListener } from '../../session/queue-listener.js';
import { randomToken } from '../../signaling/base64url.js';
import type { P2pSignalingClient } from '../../signaling/client.js';
import type { IncomingSignal, SignalingErrorMessage, SignalPayload } from '../../signaling/messages.js';
import { WebRtcAttempt } from './attempt.js';
import type { WebRtcConnection } from './connection.js';
import { resolveTimeouts, WEBRTC_SESSION_DEFAULTS, type ResolvedTimeouts, type WebRtcProviderOptions } from './options.js';

/** Inbound attempts in progress at once; further dials are rejected with `busy`. */
export const MAX_INBOUND_ATTEMPTS = 64;
/** Random bytes in an attempt id / identity nonce. */
const SID_BYTES = 16;
const NONCE_BYTES = 32;

export class WebRtcProvider implements P2PProvider {
  readonly #options: WebRtcProviderOptions;
  readonly #signaling: P2pSignalingClient;
  readonly #timeouts: ResolvedTimeouts;
  readonly #clock: Clock;
  readonly #metrics = new ProviderMetrics();
  readonly #attempts = new Map<string, { attempt: WebRtcAttempt; remote: PeerId; inbound: boolean }>();
  readonly #offSignal: () => void;
  readonly #offError: () => void;
  #registered: Promise<void> | undefined;
  #listener: QueueListener | undefined;
  #closed = false;

  constructor(options: WebRtcProviderOptions) {
    this.#options = options;
    this.#signaling = options.signaling;
    this.#timeouts = resolveTimeouts(options.timeouts);
    this.#clock = options.clock ?? systemClock;
    this.#offSignal = this.#signaling.onSignal(this.localPeerId, (signal) => this.#onSignal(signal));
    this.#offError = this.#signaling.onError((error) => this.#onSignalingError(error));
  }

  get localPeerId(): PeerId {
    return this.#options.identity.peerId;
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

  /** Registers our peer id with the gateway (challenge–response). `connect`/`listen` call it; call it early to be reachable sooner. */
  register(): Promise<void> {
    this.#registered ??= this.#signaling.register(this.#options.identity).catch((error: unknown) => {
      this.#registered = undefined;
      throw error;
    });
    return this.#registered;
  }

  async connect(peerId: PeerId, options: ConnectOptions = {}): Promise<WebRtcConnection> {
    if (this.#closed) throw new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' });
    this.#metrics.recordAttempt();
    const parsed = parsePeerId(peerId);
    try {
      if (options.signal?.aborted === true) throw abortError(options.signal);
      if (!parsed.ok) throw new P2PError('PEER_NOT_FOUND', `not a peer id: ${parsed.detail}`, { reason: 'invalid-peer-id' });
      await this.register();
      const attempt = this.#attempt(parsed.peerId, randomToken(SID_BYTES), randomToken(NONCE_BYTES), undefined, options);
      const conn = await attempt;
      this.#metrics.recordEstablished(conn, 'outbound', conn.path, conn.stats().establishmentMs);
      return conn;
    } catch (caught) {
      const error = isP2PError(caught) ? caught : new P2PError('NETWORK_ERROR', 'connect failed', { cause: caught, reason: 'internal' });
      this.#metrics.recordFailure(peerId, error);
      throw error;
    }
  }

  async listen(): Promise<P2PListener> {
    if (this.#closed) throw new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' });
    if (this.#listener !== undefined) throw new P2PError('NETWORK_ERROR', 'already listening', { reason: 'already-listening' });
    const listener = new QueueListener(this.localPeerId, () => {
      if (this.#listener === listener) this.#listener = undefined;
    });
    this.#listener = listener;
    try {
      await this.register();
    } catch (error) {
      await listener.close();
      throw error;
    }
    return listener;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new P2PError('CLOSED', 'provider closed', { reason: 'provider-closed' });
    for (const { attempt } of this.#attempts.values()) attempt.fail(closed);
    await this.#listener?.close();
    await Promise.all([...this.#metrics.live].map((conn) => conn.close('provider-closed')));
    this.#offSignal();
    this.#offError();
    if (this.#registered !== undefined) this.#signaling.unregister(this.localPeerId);
  }

  async #attempt(remote: PeerId, sid: string, localNonce: string, remoteNonce: string | undefined, options: ConnectOptions): Promise<WebRtcConnection> {
    const iceServers = this.#options.iceServers;
    const controller = new AbortController();
    const forward = (): void => controller.abort(abortError(options.signal as AbortSignal));
    if (options.signal?.aborted === true) forward();
    else options.signal?.addEventListener('abort', forward, { once: true });
    const attempt = new WebRtcAttempt({
      sid,
      role: remoteNonce === undefined ? 'dialer' : 'listener',
      identity: this.#options.identity,
      remotePeerId: remote,
      localNonce,
      ...(remoteNonce === undefined ? {} : { remoteNonce }),
      rtc: this.#options.rtc,
      iceServers: typeof iceServers === 'function' ? iceServers : async () => iceServers ?? [],
      relayOnly: this.#options.policy === 'relay',
      allow: options.policy?.allow,
      timeoutMs: options.policy?.timeoutMs ?? this.#timeouts.connectMs,
      timeouts: this.#timeouts,
      session: { ...WEBRTC_SESSION_DEFAULTS, ...this.#options.session },
      clock: this.#clock,
      signal: controller.signal,
      send: (payload) => this.#send(remote, payload),
    });
    this.#attempts.set(sid, { attempt, remote, inbound: remoteNonce !== undefined });
    try {
      return await attempt.done;
    } finally {
      options.signal?.removeEventListener('abort', forward);
      this.#attempts.delete(sid);
    }
  }

  #send(to: PeerId, payload: SignalPayload): void {
    this.#signaling.send({ to, from: this.localPeerId, payload });
  }

  #onSignal(signal: IncomingSignal): void {
    const parsed = parsePeerId(signal.from);
    if (!parsed.ok || this.#closed) return;
    const { payload } = signal;
    const entry = this.#attempts.get(payload.sid);
    if (entry !== undefined) {
      if (entry.remote === parsed.peerId) entry.attempt.handleSignal(payload);
      return;
    }
    if (payload.type !== 'dial') return;
    if (this.#listener === undefined) return this.#send(parsed.peerId, { type: 'reject', sid: payload.sid, reason: 'not-listening' });
    const inbound = [...this.#attempts.values()].filter((a) => a.inbound).length;
    if (inbound >= MAX_INBOUND_ATTEMPTS) return this.#send(parsed.peerId, { type: 'reject', sid: payload.sid, reason: 'busy' });
    this.#attempt(parsed.peerId, payload.sid, randomToken(NONCE_BYTES), payload.nonce, {}).then(
      (conn) => {
        this.#metrics.recordEstablished(conn, 'inbound', conn.path, conn.stats().establishmentMs);
        if (this.#listener === undefined) void conn.close('not-listening');
        else this.#listener.offer(conn);
      },
      () => undefined, // the dialling side reports the failure
    );
  }

  #onSignalingError(error: SignalingErrorMessage): void {
    const entry = error.sid === undefined ? undefined : this.#attempts.get(error.sid);
    if (entry === undefined || entry.remote !== error.to) return;
    const code = error.code === 'PEER_NOT_FOUND' ? 'PEER_NOT_FOUND' : error.code === 'ACCESS_DENIED' ? 'CONNECTION_FAILED' : 'NETWORK_ERROR';
    entry.attempt.fail(new P2PError(code, `signaling: ${error.message}`, { reason: error.code.toLowerCase().replace(/_/g, '-') }), false);
  }
}

