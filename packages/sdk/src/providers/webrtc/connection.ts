/// <reference lib="dom" />
/**
 * A WebRTC P2PConnection: the shared {@link SessionConnection} plus what only
 * WebRTC knows — setup phase timings, the candidate-pair path, ICE restart.
 */
import type { PeerId } from '@peerlink/protocol';
import type { Listener } from '../../contract/emitter.js';
import type { P2PConnection, P2PStream } from '../../contract/provider.js';
import type { ConnectionEvents, ConnectionStats, PathInfo, WaitOptions } from '../../contract/types.js';
import type { SessionConnection } from '../../session/session-connection.js';

/** How long each setup phase took, ms. */
export interface SetupPhases {
  /** Until the remote description was applied (offer/answer through the gateway). */
  readonly signalingMs: number;
  /** Until ICE connected (connectivity checks). */
  readonly iceMs: number;
  /** Until the reliable data channel opened (DTLS + SCTP). */
  readonly dtlsMs: number;
  /** Until the peer's connection-bound identity proof verified. */
  readonly identityMs: number;
  /** Until the session HELLO exchange completed. */
  readonly sessionMs: number;
}

export interface WebRtcConnectionStats extends ConnectionStats {
  readonly setup: SetupPhases;
  /** ICE restarts since the connection opened. */
  readonly iceRestarts: number;
}

export interface WebRtcControls {
  restartIce(): void;
  iceRestarts(): number;
}

export class WebRtcConnection implements P2PConnection {
  readonly #session: SessionConnection;
  readonly #setup: SetupPhases;
  readonly #controls: WebRtcControls;

  constructor(session: SessionConnection, setup: SetupPhases, controls: WebRtcControls) {
    this.#session = session;
    this.#setup = setup;
    this.#controls = controls;
  }

  get peerId(): PeerId {
    return this.#session.peerId;
  }
  get path(): PathInfo {
    return this.#session.path;
  }
  get isConnected(): boolean {
    return this.#session.isConnected;
  }
  /** Provider: the selected candidate pair changed (after an ICE restart). */
  setPath(path: PathInfo): void {
    if (path.kind !== this.path.kind || path.reason !== this.path.reason) this.#session.setPath(path);
  }
  /** Restarts ICE now (e.g. after a network change). Browsers only; Node's polyfill reports the link lost. */
  restartIce(): void {
    this.#controls.restartIce();
  }
  on<K extends keyof ConnectionEvents>(type: K, listener: Listener<ConnectionEvents[K]>): () => void {
    return this.#session.on(type, listener);
  }
  once<K extends keyof ConnectionEvents>(type: K, listener: Listener<ConnectionEvents[K]>): () => void {
    return this.#session.once(type, listener);
  }
  send(message: Uint8Array): void {
    this.#session.send(message);
  }
  recv(options?: WaitOptions): Promise<Uint8Array> {
    return this.#session.recv(options);
  }
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#session[Symbol.asyncIterator]();
  }
  openStream(options?: WaitOptions): Promise<P2PStream> {
    return this.#session.openStream(options);
  }
  acceptStream(options?: WaitOptions): Promise<P2PStream> {
    return this.#session.acceptStream(options);
  }
  stats(): WebRtcConnectionStats {
    return { ...this.#session.stats(), setup: this.#setup, iceRestarts: this.#controls.iceRestarts() };
  }
  close(reason?: string): Promise<void> {
    return this.#session.close(reason);
  }
}
