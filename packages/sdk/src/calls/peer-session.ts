/// <reference lib="dom" />
/**
 * One `RTCPeerConnection` to one remote participant, with:
 * - perfect negotiation (W3C WebRTC §10.7): either side may renegotiate at any
 *   time; on glare the impolite side ignores the other's offer and the polite
 *   side rolls back (implicitly, by `setRemoteDescription(offer)`);
 * - remote candidates buffered until a remote description is set (some peers
 *   send candidates before their SDP);
 * - ICE restart when ICE fails, or stays `disconnected` for
 *   `disconnectedRestartMs`, and on demand (after a signaling reconnect);
 *   after `maxIceRestarts` restarts without reconnecting it reports `failed`.
 *
 * Incoming signals are processed one at a time, in arrival order.
 */

/** What travels between two peer sessions (through the gateway). */
export type PeerSignal =
  | { readonly type: 'description'; readonly description: RTCSessionDescriptionInit }
  | { readonly type: 'candidate'; readonly candidate: RTCIceCandidateInit | null };

/** Media connection state of one peer, as the UI shows it. */
export type PeerLinkState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface PeerSessionOptions {
  /** ICE servers from `GET /api/ice-servers`. */
  readonly iceServers: readonly RTCIceServer[];
  /** `relay` forces TURN (testing, privacy). Default `all`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** The polite side yields on offer collisions. Exactly one of the two peers must be polite. */
  readonly polite: boolean;
  /** How long ICE may stay `disconnected` before an ICE restart, in ms. Default 2500. */
  readonly disconnectedRestartMs?: number;
  /** Consecutive ICE restarts without reaching `connected` before reporting `failed`. Default 3. */
  readonly maxIceRestarts?: number;
}

export interface PeerSessionEvents {
  /** A description or candidate to deliver to the remote peer. */
  signal(signal: PeerSignal): void;
  /** The remote peer's media (fires again if tracks are added later). */
  remoteStream(stream: MediaStream): void;
  state(state: PeerLinkState): void;
}

/** Timer functions, injectable for tests. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class PeerSession {
  readonly pc: RTCPeerConnection;
  private readonly polite: boolean;
  private readonly disconnectedRestartMs: number;
  private readonly maxIceRestarts: number;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private readonly pendingCandidates: (RTCIceCandidateInit | null)[] = [];
  private queue: Promise<void> = Promise.resolve();
  private restartTimer: unknown = null;
  private restarts = 0;
  private linkState: PeerLinkState = 'connecting';
  private remote: MediaStream | null = null;

  constructor(
    options: PeerSessionOptions,
    private readonly events: PeerSessionEvents,
    localStream: MediaStream | null,
    private readonly timers: Timers = browserTimers,
  ) {
    this.polite = options.polite;
    this.disconnectedRestartMs = options.disconnectedRestartMs ?? 2500;
    this.maxIceRestarts = options.maxIceRestarts ?? 3;
    this.pc = new RTCPeerConnection({
      iceServers: [...options.iceServers],
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    });
    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = ({ candidate }) =>
      this.events.signal({ type: 'candidate', candidate: candidate === null ? null : candidate.toJSON() });
    this.pc.ontrack = (event) => this.onTrack(event);
    this.pc.oniceconnectionstatechange = () => this.onIceState();
    this.pc.onconnectionstatechange = () => this.onIceState();
    for (const track of localStream?.getTracks() ?? []) this.pc.addTrack(track, localStream!);
  }

  get state(): PeerLinkState {
    return this.linkState;
  }

  /** Handles a signal from the remote peer (serialised; never rejects). */
  receive(signal: PeerSignal): Promise<void> {
    this.queue = this.queue.then(() => this.apply(signal)).catch(() => undefined);
    return this.queue;
  }

  /** Starts an ICE restart now (e.g. after the signaling connection came back). */
  restartIce(): void {
    if (this.linkState === 'closed') return;
    this.pc.restartIce();
  }

  /** Replaces the outgoing track of one kind (camera switch); `null` stops sending it. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const sender = this.pc.getSenders().find((s) => s.track?.kind === kind);
    if (sender !== undefined) await sender.replaceTrack(track);
  }

  close(): void {
    if (this.linkState === 'closed') return;
    this.clearRestartTimer();
    this.setState('closed');
    this.pc.close();
  }

  private async negotiate(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const description = this.pc.localDescription;
      if (description !== null) this.events.signal({ type: 'description', description: description.toJSON() });
    } catch {
      // The state changed under us (e.g. a remote offer arrived); the next negotiationneeded retries.
    } finally {
      this.makingOffer = false;
    }
  }

  private async apply(signal: PeerSignal): Promise<void> {
    if (this.linkState === 'closed') return;
    if (signal.type === 'candidate') {
      if (this.pc.remoteDescription === null) this.pendingCandidates.push(signal.candidate);
      else await this.addCandidate(signal.candidate);
      return;
    }
    const description = signal.description;
    const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    this.settingRemoteAnswer = description.type === 'answer';
    try {
      await this.pc.setRemoteDescription(description);
    } finally {
      this.settingRemoteAnswer = false;
    }
    for (const candidate of this.pendingCandidates.splice(0)) await this.addCandidate(candidate);
    if (description.type === 'offer') {
      await this.pc.setLocalDescription();
      const answer = this.pc.localDescription;
      if (answer !== null) this.events.signal({ type: 'description', description: answer.toJSON() });
    }
  }

  private async addCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      // Candidates of an offer we ignored (glare) are expected to fail.
      if (!this.ignoreOffer) throw error;
    }
  }

  private onTrack(event: RTCTrackEvent): void {
    const stream = event.streams[0] ?? this.remote ?? new MediaStream();
    if (event.streams[0] === undefined && !stream.getTracks().includes(event.track)) stream.addTrack(event.track);
    this.remote = stream;
    this.events.remoteStream(stream);
  }

  private onIceState(): void {
    if (this.linkState === 'closed') return;
    const ice = this.pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') {
      this.restarts = 0;
      this.clearRestartTimer();
      this.setState('connected');
    } else if (ice === 'disconnected') {
      if (this.linkState === 'connected') this.setState('reconnecting');
      if (this.restartTimer === null) {
        this.restartTimer = this.timers.setTimeout(() => {
          this.restartTimer = null;
          if (this.pc.iceConnectionState === 'disconnected') this.restartOrFail();
        }, this.disconnectedRestartMs);
      }
    } else if (ice === 'failed') {
      this.clearRestartTimer();
      this.restartOrFail();
    }
  }

  private restartOrFail(): void {
    if (this.restarts >= this.maxIceRestarts) {
      this.setState('failed');
      return;
    }
    this.restarts += 1;
    this.setState(this.linkState === 'connecting' ? 'connecting' : 'reconnecting');
    this.pc.restartIce();
  }

  private clearRestartTimer(): void {
    if (this.restartTimer !== null) this.timers.clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private setState(state: PeerLinkState): void {
    if (state === this.linkState) return;
    this.linkState = state;
    this.events.state(state);
  }
}
