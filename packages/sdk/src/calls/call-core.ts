/// <reference lib="dom" />
/**
 * State, media and peer plumbing of the call client; `call-client.ts` adds
 * the public actions and the inbound signaling events.
 *
 * Flows: a chat with one other member uses the 1:1 flow (`call:initiate`
 * carries the offer, `call:answer`, `call:ice-candidate`); larger chats use
 * the room flow (`call:initiate` without offer, `call:join`, `call:signal`).
 * Renegotiation (ICE restarts, glare) always goes through `call:signal`.
 */
import type { AckReply, CandidateSignal } from '@peerlink/protocol';
import { openLocalMedia, MediaAccessError, type MediaSource } from './media.js';
import { Mesh, type MeshLink, type RemoteParticipant } from './mesh.js';
import type { PeerSignal, Timers } from './peer-session.js';
import { reasonForError } from './reasons.js';
import { createSignalingSocket, request, send, type SignalingSocket } from './signaling.js';
import { IDLE, isLive, transition, type CallEndReason, type CallEvent, type CallKind, type CallState } from './state.js';
import { UNKNOWN_BADGE, type ConnectionBadge, type MediaStatsSummary } from './stats.js';
import { StatsReporter } from './stats-reporter.js';

export type SignalingStatus = 'connecting' | 'online' | 'offline';

export interface CallClientSnapshot {
  readonly call: CallState;
  readonly signaling: SignalingStatus;
  /** How many times the signaling connection has been (re)established; grows by one per reconnect. */
  readonly signalingConnects: number;
  readonly localStream: MediaStream | null;
  readonly audioEnabled: boolean;
  readonly videoEnabled: boolean;
  readonly participants: readonly RemoteParticipant[];
  readonly badge: ConnectionBadge;
}

export interface CallClientOptions {
  readonly selfId: string;
  /** JWT for the signaling handshake. */
  readonly token: string;
  /** Gateway origin; `''` for the page's own origin. */
  readonly baseUrl: string;
  /** ICE servers for each call (call `GET /api/ice-servers` here). */
  readonly iceServers: () => Promise<readonly RTCIceServer[]>;
  /** `relay` forces TURN. Default `all`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** How often the badge is refreshed from `getStats()`, in ms. Default 2000. */
  readonly statsIntervalMs?: number;
  /** How often `call:stats` is reported to the gateway, in ms. Default 10000 (and once when media connects). */
  readonly statsReportIntervalMs?: number;
  /** Injected collaborators (tests, non-browser hosts). */
  readonly media?: MediaSource;
  readonly socket?: SignalingSocket;
  readonly now?: () => number;
  readonly timers?: Timers;
}

/** A chat to call: its id and member user ids (self included or not). */
export interface CallTarget {
  readonly chatId: string;
  readonly memberIds: readonly string[];
}

/** Internals shared by {@link CallClient}; not exported from the package. */
export class CallCore {
  protected readonly socket: SignalingSocket;
  protected readonly now: () => number;
  private readonly listeners = new Set<() => void>();
  protected snapshot: CallClientSnapshot;
  protected call: CallState = IDLE;
  protected mesh: Mesh | null = null;
  protected localStream: MediaStream | null = null;
  protected audioEnabled = true;
  protected videoEnabled = true;
  protected signaling: SignalingStatus = 'connecting';
  protected signalingConnects = 0;
  /** Remote peer of a 1:1 call; its first description travels in initiate/answer. */
  protected directPeer: string | null = null;
  protected directDescriptionSent = false;
  /** Signals of a ringing 1:1 call (the offer, early candidates), replayed on accept. */
  protected pendingDirect: PeerSignal[] = [];
  protected readonly stats: StatsReporter;

  constructor(protected readonly options: CallClientOptions) {
    this.now = options.now ?? Date.now;
    this.socket = options.socket ?? createSignalingSocket({ baseUrl: options.baseUrl, token: options.token });
    this.stats = new StatsReporter({
      intervalMs: options.statsIntervalMs ?? 2000,
      reportIntervalMs: options.statsReportIntervalMs ?? 10_000,
      timers: options.timers,
      sample: () => this.mesh?.sampleStats() ?? Promise.resolve(new Map<string, MediaStatsSummary>()),
      report: (summary) => {
        if (this.call.callId !== null) send(this.socket, 'call:stats', { callId: this.call.callId, ...summary });
      },
    });
    this.snapshot = this.buildSnapshot();
  }

  // ------------------------------------------------------------------ observable state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallClientSnapshot => this.snapshot;

  protected async prepareMedia(kind: CallKind): Promise<boolean> {
    const callAtStart = this.call;
    let stream: MediaStream;
    let iceServers: readonly RTCIceServer[];
    try {
      [stream, iceServers] = await Promise.all([
        openLocalMedia(this.options.media ?? globalThis.navigator?.mediaDevices, kind),
        this.options.iceServers(),
      ]);
    } catch (error) {
      const reason: CallEndReason = error instanceof MediaAccessError ? error.code : 'error';
      if (this.call === callAtStart || this.call.callId === callAtStart.callId) {
        if (this.call.direction === 'incoming' && this.call.chatId !== null && this.call.callId !== null) {
          send(this.socket, 'call:reject', { chatId: this.call.chatId, callId: this.call.callId });
        }
        this.end(reason, error instanceof Error ? error.message : String(error));
      }
      return false;
    }
    if (!isLive(this.call.phase) || this.call.chatId !== callAtStart.chatId) {
      for (const track of stream.getTracks()) track.stop();
      return false;
    }
    this.localStream = stream;
    this.audioEnabled = true;
    this.videoEnabled = kind === 'video';
    this.mesh ??= this.createMesh(iceServers);
    this.mesh.setLocalStream(stream);
    this.emitChange();
    return true;
  }

  protected createMesh(iceServers: readonly RTCIceServer[]): Mesh {
    return new Mesh(
      {
        selfId: this.options.selfId,
        iceServers,
        iceTransportPolicy: this.options.iceTransportPolicy ?? 'all',
        ...(this.options.timers === undefined ? {} : { timers: this.options.timers }),
      },
      { signal: (to, signal) => this.sendSignal(to, signal), changed: () => this.onMeshChanged() },
    );
  }

  protected sendSignal(to: string, signal: PeerSignal): void {
    const { chatId, callId, direction } = this.call;
    if (chatId === null) return;
    const direct = this.call.flow === 'direct' && to === this.directPeer;
    if (direct && signal.type === 'description' && !this.directDescriptionSent) {
      this.directDescriptionSent = true;
      const description = { type: signal.description.type ?? 'offer', sdp: signal.description.sdp ?? '' };
      if (direction === 'outgoing') {
        void request(this.socket, 'call:initiate', { chatId, offer: description }).then((reply) => this.acknowledged(reply));
      } else send(this.socket, 'call:answer', { chatId, ...(callId === null ? {} : { callId }), answer: description });
      return;
    }
    if (direct && signal.type === 'candidate') {
      send(this.socket, 'call:ice-candidate', { chatId, ...(callId === null ? {} : { callId }), candidate: toWireCandidate(signal.candidate) });
      return;
    }
    if (callId === null) return;
    if (signal.type === 'candidate') {
      send(this.socket, 'call:signal', { callId, to, type: 'ice-candidate', signal: toWireCandidate(signal.candidate) });
    } else {
      const type = signal.description.type === 'answer' ? 'answer' : 'offer';
      send(this.socket, 'call:signal', { callId, to, type, signal: { type, sdp: signal.description.sdp ?? '' } });
    }
  }

  protected acknowledged(reply: AckReply): void {
    if (!reply.ok) this.end(reasonForError(reply.error.code), reply.error.message);
    else if (reply.callId !== undefined) this.dispatch({ type: 'dial-acknowledged', callId: reply.callId });
  }

  protected setTrackEnabled(kind: 'audio' | 'video', enabled: boolean): void {
    const tracks = kind === 'audio' ? this.localStream?.getAudioTracks() : this.localStream?.getVideoTracks();
    if (tracks === undefined || tracks.length === 0) return;
    for (const track of tracks) track.enabled = enabled;
    if (kind === 'audio') this.audioEnabled = enabled;
    else this.videoEnabled = enabled;
    const callId = this.call.callId;
    if (callId !== null) send(this.socket, kind === 'audio' ? 'call:toggle-audio' : 'call:toggle-video', { callId, enabled });
    this.emitChange();
  }

  protected onMeshChanged(): void {
    const link: MeshLink = this.mesh?.link ?? 'none';
    if (link === 'connected') {
      const first = this.call.phase !== 'connected' && this.call.connectedAt === null;
      this.dispatch({ type: 'media-connected', at: this.now() });
      if (first) this.stats.start(true);
    } else if (link === 'reconnecting') this.dispatch({ type: 'media-interrupted' });
    else if (link === 'failed' && isLive(this.call.phase)) this.hangupBecause('connection-failed');
    this.emitChange();
  }

  protected hangupBecause(reason: CallEndReason): void {
    const { chatId, callId, flow } = this.call;
    if (chatId === null) return;
    if (flow === 'room' && callId !== null) send(this.socket, 'call:leave', { callId });
    else send(this.socket, 'call:end', callId === null ? { chatId } : { chatId, callId });
    this.end(reason);
  }

  /** Ends the call locally: stops media, closes peers, records the reason. */
  protected end(reason: CallEndReason, detail: string | null = null): void {
    if (!isLive(this.call.phase)) return;
    this.stats.stop();
    const mesh = this.mesh;
    this.mesh = null; // detach first: closing peers reports state changes
    mesh?.close();
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
    this.directPeer = null;
    this.directDescriptionSent = false;
    this.pendingDirect = [];
    this.dispatch({ type: 'end', reason, detail, at: this.now() });
  }

  protected dispatch(event: CallEvent): void {
    const next = transition(this.call, event);
    if (next === this.call) return;
    this.call = next;
    this.emitChange();
  }

  protected emitChange(): void {
    this.snapshot = this.buildSnapshot();
    for (const listener of this.listeners) listener();
  }

  protected buildSnapshot(): CallClientSnapshot {
    return {
      call: this.call,
      signaling: this.signaling,
      signalingConnects: this.signalingConnects,
      localStream: this.localStream,
      audioEnabled: this.audioEnabled,
      videoEnabled: this.videoEnabled,
      participants: this.mesh?.participants ?? [],
      badge: this.mesh?.badge ?? UNKNOWN_BADGE,
    };
  }
}

/** `RTCIceCandidateInit` → the wire form (`null` stays the end-of-candidates marker). */
export function toWireCandidate(candidate: RTCIceCandidateInit | null): CandidateSignal {
  if (candidate === null) return null;
  return {
    candidate: candidate.candidate ?? '',
    sdpMid: candidate.sdpMid ?? null,
    sdpMLineIndex: candidate.sdpMLineIndex ?? null,
    usernameFragment: candidate.usernameFragment ?? null,
  };
}

/** The wire form → `RTCIceCandidateInit`. */
export function fromWireCandidate(candidate: CandidateSignal): RTCIceCandidateInit | null {
  if (candidate === null) return null;
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid ?? null,
    sdpMLineIndex: candidate.sdpMLineIndex ?? null,
    usernameFragment: candidate.usernameFragment ?? null,
  };
}
