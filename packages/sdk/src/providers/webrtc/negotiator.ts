/// <reference lib="dom" />
/**
 * The negotiation core both platforms share (W3C WebRTC §10.7 "perfect
 * negotiation"): works on any standard `RTCPeerConnection` — the browser's,
 * or `node-datachannel/polyfill`'s in Node.
 *
 * - Offer collisions (glare): the impolite side ignores the incoming offer;
 *   the polite side (lower peer id) accepts it, rolling back its own.
 * - Remote candidates that arrive before the remote description are buffered
 *   and applied once it is set (libdatachannel and werift send early).
 * - Candidates are normalized: libdatachannel emits `a=candidate:…`, the
 *   standard form has no `a=` prefix.
 * - ICE restart when ICE fails, or stays `disconnected` for
 *   `disconnectedRestartMs`, and on demand; a platform without ICE restart
 *   (node-datachannel's polyfill throws) reports the failure instead.
 * Incoming signals are processed one at a time, in arrival order.
 */

export type NegotiationSignal =
  | { readonly kind: 'description'; readonly description: { readonly type: 'offer' | 'answer'; readonly sdp: string } }
  | { readonly kind: 'candidate'; readonly candidate: RTCIceCandidateInit | null };

export interface NegotiatorEvents {
  signal(signal: NegotiationSignal): void;
  /** ICE failed and cannot be restarted here, or a signal could not be applied. */
  failed(reason: string, cause?: unknown): void;
  /** The remote description was applied (first time: signaling phase done). */
  remoteDescriptionSet(): void;
}

export interface NegotiatorOptions {
  /** Exactly one side must be polite. */
  readonly polite: boolean;
  /** Ms of ICE `disconnected` before an ICE restart. */
  readonly disconnectedRestartMs: number;
  readonly setTimer: (ms: number, callback: () => void) => unknown;
  readonly clearTimer: (handle: unknown) => void;
}

/** `a=candidate:…` → `candidate:…` (RFC 8839 §5.1 attribute vs. the W3C `candidate` string). */
export function normalizeCandidate(candidate: string): string {
  return candidate.startsWith('a=') ? candidate.slice(2) : candidate;
}

/**
 * Removes candidate lines from an SDP we send; candidates travel only as
 * trickle signals, and only once the peer's description is set here. Reason:
 * on loopback/LAN the answerer's ICE checks can succeed before the answer
 * reaches the offerer, and libdatachannel then gets a DTLS ClientHello with
 * no remote fingerprint to check it against and closes the peer connection.
 * Holding the offerer's candidates until the answer is applied costs nothing:
 * the offerer starts its own checks at that moment anyway.
 */
export function stripCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
    .join('\r\n');
}

export class Negotiator {
  readonly #pc: RTCPeerConnection;
  readonly #events: NegotiatorEvents;
  readonly #options: NegotiatorOptions;
  #makingOffer = false;
  #ignoreOffer = false;
  #remoteSet = false;
  readonly #pending: (RTCIceCandidateInit | null)[] = [];
  /** Our candidates, held until the peer's description is set here (see {@link stripCandidates}). */
  readonly #outbox: NegotiationSignal[] = [];
  #queue: Promise<void> = Promise.resolve();
  #restartTimer: unknown;
  #closed = false;
  /** ICE restarts performed. */
  restarts = 0;

  constructor(pc: RTCPeerConnection, options: NegotiatorOptions, events: NegotiatorEvents) {
    this.#pc = pc;
    this.#options = options;
    this.#events = events;
    pc.addEventListener('icecandidate', (event) => {
      const c = event.candidate;
      if (c === null || c.candidate === '') return; // end-of-candidates: not needed by either stack
      const signal: NegotiationSignal = { kind: 'candidate', candidate: { candidate: normalizeCandidate(c.candidate), sdpMid: c.sdpMid ?? '0', sdpMLineIndex: c.sdpMLineIndex ?? 0 } };
      if (this.#remoteSet) this.#events.signal(signal);
      else this.#outbox.push(signal);
    });
    pc.addEventListener('iceconnectionstatechange', () => this.#onIceState());
  }

  /** Creates and sends an offer (first negotiation, or an ICE restart). */
  async offer(iceRestart = false): Promise<void> {
    try {
      this.#makingOffer = true;
      const offer = await this.#pc.createOffer(iceRestart ? { iceRestart: true } : {});
      // libdatachannel (polyfill) applied its offer already when it made it; browsers wait for us.
      if (this.#pc.signalingState === 'stable') await this.#pc.setLocalDescription(offer);
      else if (this.#pc.signalingState !== 'have-local-offer') return;
      this.#sendLocal(offer);
    } catch (error) {
      if (!this.#closed) this.#events.failed('offer-failed', error);
    } finally {
      this.#makingOffer = false;
    }
  }

  /** Applies a signal from the peer (serialized). */
  handle(signal: NegotiationSignal): void {
    this.#queue = this.#queue.then(() => this.#apply(signal)).catch((error: unknown) => {
      if (!this.#closed) this.#events.failed('signal-rejected', error);
    });
  }

  /** Restarts ICE (new ufrag/pwd, fresh candidates) keeping DTLS and the data channels. */
  restartIce(): void {
    if (this.#closed) return;
    this.restarts++;
    try {
      this.#pc.restartIce();
    } catch (error) {
      this.#events.failed('ice-restart-unsupported', error);
      return;
    }
    // Browsers fire negotiationneeded; drive the offer ourselves so both stacks behave alike.
    void this.offer(true);
  }

  close(): void {
    this.#closed = true;
    if (this.#restartTimer !== undefined) this.#options.clearTimer(this.#restartTimer);
    this.#restartTimer = undefined;
  }

  async #apply(signal: NegotiationSignal): Promise<void> {
    if (this.#closed) return;
    if (signal.kind === 'candidate') {
      if (!this.#remoteSet) {
        this.#pending.push(signal.candidate);
        return;
      }
      await this.#addCandidate(signal.candidate);
      return;
    }
    const { description } = signal;
    const collision = description.type === 'offer' && (this.#makingOffer || this.#pc.signalingState !== 'stable');
    this.#ignoreOffer = !this.#options.polite && collision;
    if (this.#ignoreOffer) return;
    await this.#pc.setRemoteDescription(description);
    const first = !this.#remoteSet;
    this.#remoteSet = true;
    if (first) {
      this.#events.remoteDescriptionSet();
      for (const held of this.#outbox.splice(0)) this.#events.signal(held);
    }
    for (const candidate of this.#pending.splice(0)) await this.#addCandidate(candidate);
    if (description.type === 'offer') {
      const answer = await this.#pc.createAnswer();
      // libdatachannel answers by itself on setRemoteDescription(offer); browsers wait for us.
      if (this.#pc.signalingState === 'have-remote-offer') await this.#pc.setLocalDescription(answer);
      this.#sendLocal(answer);
    }
  }

  async #addCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      await this.#pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      if (!this.#ignoreOffer) throw error; // candidates of an ignored offer are expected to fail
    }
  }

  #sendLocal(fallback: RTCSessionDescriptionInit): void {
    const local = this.#pc.localDescription;
    const type = local?.type ?? fallback.type;
    const sdp = local?.sdp ?? fallback.sdp ?? '';
    if (type === 'offer' || type === 'answer') this.#events.signal({ kind: 'description', description: { type, sdp: stripCandidates(sdp) } });
  }

  #onIceState(): void {
    if (this.#closed) return;
    const state = this.#pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      if (this.#restartTimer !== undefined) this.#options.clearTimer(this.#restartTimer);
      this.#restartTimer = undefined;
    } else if (state === 'failed') {
      this.restartIce();
    } else if (state === 'disconnected' && this.#restartTimer === undefined) {
      this.#restartTimer = this.#options.setTimer(this.#options.disconnectedRestartMs, () => {
        this.#restartTimer = undefined;
        if (this.#pc.iceConnectionState === 'disconnected') this.restartIce();
      });
    }
  }
}
