/// <reference lib="dom" />
/**
 * One connection attempt, dialer or listener side: peer connection +
 * negotiation, the two data channels, the connection-bound identity proof,
 * then the shared session (HELLO) on top. Resolves `done` with the
 * connection or rejects with a P2PError; never leaves a peer connection open
 * after failing.
 */
import type { PeerId } from '@peerlink/protocol';
import { P2PError } from '../../contract/errors.js';
import type { PathInfo, PathKind } from '../../contract/types.js';
import { signConnectionProof, verifyConnectionProof, type ProofView } from '../../identity/connection-proof.js';
import type { PeerIdentity } from '../../identity/identity.js';
import type { Clock } from '../../session/clock.js';
import type { SessionOptions } from '../../session/options.js';
import { SessionConnection } from '../../session/session-connection.js';
import type { SignalPayload } from '../../signaling/messages.js';
import { WebRtcConnection } from './connection.js';
import { DataChannelLink, toBytes } from './data-channel-link.js';
import { decodeProofFrame, encodeProofFrame, proofView } from './identity-proof-frame.js';
import { Negotiator } from './negotiator.js';
import type { ResolvedTimeouts, RtcPeerConnectionConstructor } from './options.js';
import { selectedPath } from './path.js';
import { SetupClock } from './setup-clock.js';

export const RELIABLE_LABEL = 'peerlink';
export const UNRELIABLE_LABEL = 'peerlink-unreliable';

export interface AttemptInit {
  readonly sid: string;
  readonly role: 'dialer' | 'listener';
  readonly identity: PeerIdentity;
  readonly remotePeerId: PeerId;
  readonly localNonce: string;
  /** Listener: the nonce from the dial. Dialer: arrives with `accept`. */
  readonly remoteNonce?: string;
  readonly rtc: RtcPeerConnectionConstructor;
  readonly iceServers: () => Promise<readonly RTCIceServer[]>;
  readonly relayOnly: boolean;
  readonly allow: readonly PathKind[] | undefined;
  readonly timeoutMs: number;
  readonly timeouts: ResolvedTimeouts;
  readonly session: SessionOptions | undefined;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Sends a signal to the remote peer for this attempt. */
  send(payload: SignalPayload): void;
}

type NegotiationPayload = Extract<SignalPayload, { type: 'description' | 'candidate' }>;
type Distribute<T> = T extends unknown ? Omit<T, 'sid'> : never;

export class WebRtcAttempt {
  readonly done: Promise<WebRtcConnection>;
  readonly #init: AttemptInit;
  readonly #phases: SetupClock;
  #resolve!: (conn: WebRtcConnection) => void;
  #reject!: (error: P2PError) => void;
  #pc: RTCPeerConnection | undefined;
  #negotiator: Negotiator | undefined;
  readonly #early: NegotiationPayload[] = [];
  #reliable: RTCDataChannel | undefined;
  #unreliable: RTCDataChannel | undefined;
  #link: DataChannelLink | undefined;
  #remoteNonce: string | undefined;
  #remoteProof: Uint8Array | undefined;
  #path: PathInfo | undefined;
  #proofSent = false;
  #verified = false;
  #settled = false;
  #connection: WebRtcConnection | undefined;
  readonly #timer: unknown;

  constructor(init: AttemptInit) {
    this.#init = init;
    this.#remoteNonce = init.remoteNonce;
    this.#phases = new SetupClock(init.clock);
    this.done = new Promise((resolve, reject) => ((this.#resolve = resolve), (this.#reject = reject)));
    this.#timer = init.clock.setTimer(init.timeoutMs, () =>
      this.fail(new P2PError('TIMEOUT', `connect timed out after ${init.timeoutMs} ms`, { reason: 'connect-timeout' })),
    );
    const onAbort = (): void => this.fail(init.signal.reason instanceof P2PError ? init.signal.reason : new P2PError('ABORTED', 'aborted', { reason: 'aborted' }));
    if (init.signal.aborted) onAbort();
    else init.signal.addEventListener('abort', onAbort, { once: true });
    if (init.role === 'dialer') this.#signal({ type: 'dial', nonce: init.localNonce });
    else this.#signal({ type: 'accept', nonce: init.localNonce });
    init.iceServers().then(
      (servers) => this.#start(servers),
      (error: unknown) => this.fail(new P2PError('NETWORK_ERROR', 'could not get ICE servers', { reason: 'ice-servers-unavailable', cause: error })),
    );
  }

  /** A signal for this attempt from the remote peer. */
  handleSignal(payload: SignalPayload): void {
    if (this.#settled && this.#connection === undefined) return;
    switch (payload.type) {
      case 'accept':
        this.#remoteNonce ??= payload.nonce;
        void this.#progress();
        return;
      case 'reject':
        this.fail(
          payload.reason === 'not-listening'
            ? new P2PError('PEER_NOT_FOUND', 'the peer is not listening', { reason: 'not-listening' })
            : new P2PError('CONNECTION_FAILED', `the peer refused: ${payload.reason}`, { reason: payload.reason }),
          false,
        );
        return;
      case 'close':
        if (this.#connection !== undefined) return this.#link?.events?.lost(`remote-closed: ${payload.reason}`);
        this.fail(
          payload.reason === 'authentication-failed'
            ? new P2PError('AUTHENTICATION_FAILED', 'the peer rejected our identity proof', { reason: 'peer-rejected-proof' })
            : new P2PError('CONNECTION_FAILED', `the peer gave up: ${payload.reason}`, { reason: 'remote-closed' }),
          false,
        );
        return;
      case 'description':
      case 'candidate':
        if (this.#negotiator === undefined) this.#early.push(payload);
        else this.#negotiate(payload);
        return;
      case 'dial':
        return;
    }
  }

  /** Ends the attempt with `error` (no-op once settled). Tells the peer unless it told us. */
  fail(error: P2PError, notifyRemote = true): void {
    if (this.#settled) return;
    this.#settled = true;
    if (notifyRemote) this.#signal({ type: 'close', reason: error.code === 'AUTHENTICATION_FAILED' ? 'authentication-failed' : (error.reason ?? error.code) });
    this.#shutdown();
    this.#reject(error);
  }

  /** Restarts ICE on an established connection. */
  restartIce(): void {
    this.#negotiator?.restartIce();
  }

  #start(iceServers: readonly RTCIceServer[]): void {
    if (this.#settled) return;
    const { init } = { init: this.#init };
    const pc = new init.rtc({ iceServers: [...iceServers], iceTransportPolicy: init.relayOnly ? 'relay' : 'all' });
    this.#pc = pc;
    this.#negotiator = new Negotiator(
      pc,
      { polite: init.identity.peerId < init.remotePeerId, disconnectedRestartMs: init.timeouts.disconnectedRestartMs, setTimer: (ms, cb) => init.clock.setTimer(ms, cb), clearTimer: (h) => init.clock.clearTimer(h) },
      {
        signal: (s) =>
          this.#signal(
            s.kind === 'description'
              ? { type: 'description', description: s.description }
              : { type: 'candidate', candidate: s.candidate === null ? null : { candidate: s.candidate.candidate ?? '', sdpMid: s.candidate.sdpMid ?? null, sdpMLineIndex: s.candidate.sdpMLineIndex ?? null } },
          ),
        failed: (reason, cause) => this.#lostOrFailed(reason, cause),
        remoteDescriptionSet: () => this.#phases.mark('signaling'),
      },
    );
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') {
        this.#phases.mark('ice');
        if (this.#connection !== undefined) void this.#refreshPath();
      }
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.#lostOrFailed(`peer-connection-${pc.connectionState}`);
    });
    if (init.role === 'dialer') {
      this.#adopt(pc.createDataChannel(RELIABLE_LABEL, { ordered: true }));
      this.#adopt(pc.createDataChannel(UNRELIABLE_LABEL, { ordered: false, maxRetransmits: 0 }));
      void this.#negotiator.offer();
    } else {
      pc.addEventListener('datachannel', (event) => this.#adopt(event.channel));
    }
    for (const payload of this.#early.splice(0)) this.#negotiate(payload);
  }

  #negotiate(payload: NegotiationPayload): void {
    const candidate = payload.type === 'candidate' && payload.candidate !== null ? { ...payload.candidate, sdpMid: payload.candidate.sdpMid ?? null, sdpMLineIndex: payload.candidate.sdpMLineIndex ?? null } : null;
    this.#negotiator?.handle(payload.type === 'description' ? { kind: 'description', description: payload.description } : { kind: 'candidate', candidate });
  }

  #adopt(channel: RTCDataChannel): void {
    channel.binaryType = 'arraybuffer';
    if (channel.label === RELIABLE_LABEL) {
      this.#reliable = channel;
      channel.addEventListener('message', (event: MessageEvent<unknown>) => this.#onReliable(event.data));
      channel.addEventListener('close', () => this.#lostOrFailed('data-channel-closed'));
    } else if (channel.label === UNRELIABLE_LABEL) {
      this.#unreliable = channel;
    } else {
      channel.close();
      return;
    }
    if (channel.readyState === 'open') void this.#progress();
    else channel.addEventListener('open', () => void this.#progress(), { once: true });
  }

  /** Moves the handshake forward as far as the current state allows. */
  async #progress(): Promise<void> {
    const [reliable, unreliable, pc] = [this.#reliable, this.#unreliable, this.#pc];
    if (this.#settled || reliable?.readyState !== 'open' || unreliable?.readyState !== 'open' || pc === undefined) return;
    if (this.#link === undefined) {
      this.#phases.mark('dtls');
      this.#link = new DataChannelLink(reliable, unreliable, this.#init.timeouts.closeFlushMs, () => this.#shutdown());
      this.#path = (await selectedPath(pc, this.#init.relayOnly)) ?? { kind: this.#init.relayOnly ? 'relay' : 'direct', reason: 'ice-pair-unknown' };
      if (this.#settled) return;
      const allow = this.#init.allow;
      if (allow !== undefined && !allow.includes(this.#path.kind)) {
        return this.fail(new P2PError('CONNECTION_FAILED', `only ${this.#path.kind} is possible and the policy excludes it`, { reason: 'path-not-allowed' }));
      }
    }
    if (this.#path === undefined || this.#remoteNonce === undefined) return;
    if (!this.#proofSent) {
      this.#proofSent = true;
      reliable.send(encodeProofFrame(signConnectionProof(this.#init.identity, this.#view(pc, this.#remoteNonce))));
    }
    if (this.#remoteProof !== undefined && !this.#verified) this.#verify(pc, this.#remoteNonce, this.#remoteProof);
  }

  #onReliable(data: unknown): void {
    const bytes = toBytes(data);
    if (bytes === undefined || this.#settled && this.#connection === undefined) return;
    if (this.#verified) return this.#link?.events?.receive('reliable', bytes);
    const proof = decodeProofFrame(bytes);
    if (proof === undefined || this.#remoteProof !== undefined) {
      return this.fail(new P2PError('AUTHENTICATION_FAILED', 'the peer sent no identity proof', { reason: 'identity-proof-missing' }));
    }
    this.#remoteProof = proof;
    void this.#progress();
  }

  #verify(pc: RTCPeerConnection, remoteNonce: string, proof: Uint8Array): void {
    if (!verifyConnectionProof(this.#view(pc, remoteNonce), proof)) {
      return this.fail(new P2PError('AUTHENTICATION_FAILED', `the peer could not prove it holds the key of ${this.#init.remotePeerId}`, { reason: 'identity-proof-invalid' }));
    }
    this.#verified = true;
    this.#phases.mark('identity');
    const link = this.#link;
    const path = this.#path;
    if (link === undefined || path === undefined) return;
    const init = this.#init;
    SessionConnection.establish(
      { peerId: init.remotePeerId, path, link, clock: init.clock, isInitiator: init.role === 'dialer', startedAt: this.#phases.startedAt, ...(init.session ? { options: init.session } : {}) },
      (events) => (link.events = events),
      init.signal,
    ).then(
      (session) => {
        if (this.#settled) return void session.close('attempt-ended');
        this.#settled = true;
        init.clock.clearTimer(this.#timer);
        this.#phases.mark('session');
        this.#connection = new WebRtcConnection(session, this.#phases.phases(), {
          restartIce: () => this.restartIce(),
          iceRestarts: () => this.#negotiator?.restarts ?? 0,
        });
        this.#resolve(this.#connection);
      },
      (error: unknown) => this.fail(error instanceof P2PError ? error : new P2PError('PROTOCOL_ERROR', 'session handshake failed', { cause: error, reason: 'session-failed' })),
    );
  }

  #view(pc: RTCPeerConnection, remoteNonce: string): ProofView {
    const init = this.#init;
    return proofView(pc, { sid: init.sid, localPeerId: init.identity.peerId, remotePeerId: init.remotePeerId, localNonce: init.localNonce }, remoteNonce);
  }

  async #refreshPath(): Promise<void> {
    const pc = this.#pc;
    const path = pc === undefined ? undefined : await selectedPath(pc, this.#init.relayOnly).catch(() => undefined);
    if (path !== undefined) this.#connection?.setPath(path);
  }

  #lostOrFailed(reason: string, cause?: unknown): void {
    if (this.#connection !== undefined) return this.#link?.events?.lost(reason);
    this.fail(new P2PError('CONNECTION_FAILED', `WebRTC setup failed: ${reason}`, { reason, cause }));
  }

  #signal(payload: Distribute<SignalPayload>): void {
    this.#init.send({ ...payload, sid: this.#init.sid });
  }

  #shutdown(): void {
    this.#init.clock.clearTimer(this.#timer);
    this.#negotiator?.close();
    try {
      this.#pc?.close();
    } catch {
      // already closed
    }
  }
}
