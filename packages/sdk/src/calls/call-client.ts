/// <reference lib="dom" />
/**
 * The browser call client: signaling (Socket.IO) + media (an
 * RTCPeerConnection mesh) + the call state machine, exposed as an observable
 * snapshot that UIs render (`subscribe`/`getSnapshot` fit React's
 * `useSyncExternalStore`). UIs call the actions; they hold no call logic.
 *
 * ```ts
 * const client = new CallClient({ selfId: user.id, token, baseUrl: '', iceServers: () => api.iceServers() });
 * client.connect();
 * await client.startCall({ chatId, memberIds }, 'video');
 * ```
 */
import type { ServerToClientPayloads } from '@peerlink/protocol';
import { CallCore, fromWireCandidate, type CallClientOptions, type CallTarget } from './call-core.js';
import { offersVideo } from './media.js';
import { reasonForEnded, reasonForError } from './reasons.js';
import { request, send } from './signaling.js';
import { isLive, type CallKind } from './state.js';
import type { MediaStatsSummary } from './stats.js';

export class CallClient extends CallCore {
  constructor(options: CallClientOptions) {
    super(options);
    this.bindSocket();
  }

  connect(): void {
    this.socket.connect();
  }

  /** Leaves any call and closes the signaling connection. */
  disconnect(): void {
    if (isLive(this.call.phase)) this.hangup();
    this.socket.disconnect();
  }

  // ------------------------------------------------------------------ user actions

  async startCall(target: CallTarget, kind: CallKind): Promise<void> {
    if (isLive(this.call.phase)) return;
    const others = target.memberIds.filter((id) => id !== this.options.selfId);
    const flow = others.length === 1 ? 'direct' : 'room';
    this.dispatch({ type: 'dial', chatId: target.chatId, flow, kind, at: this.now() });
    if (!(await this.prepareMedia(kind))) return;
    if (flow === 'direct') {
      this.directPeer = others[0] ?? null;
      if (this.directPeer !== null) this.mesh?.connect(this.directPeer); // negotiationneeded → call:initiate
      return;
    }
    const reply = await request(this.socket, 'call:initiate', { chatId: target.chatId });
    this.acknowledged(reply);
  }

  async accept(): Promise<void> {
    const call = this.call;
    if (call.phase !== 'incoming-ringing' || call.callId === null) return;
    this.dispatch({ type: 'accept' });
    if (!(await this.prepareMedia(call.kind))) return;
    if (call.flow === 'direct') {
      // Replays the offer and early candidates; the answer goes out as call:answer.
      const callerId = call.callerId;
      if (callerId === null) return;
      for (const signal of this.pendingDirect.splice(0)) this.mesh?.receive(callerId, signal);
      this.directPeer = callerId;
      this.mesh?.connect(callerId);
      return;
    }
    const reply = await request(this.socket, 'call:join', { callId: call.callId });
    if (!reply.ok) this.end(reasonForError(reply.error.code), reply.error.message);
    // Participants already in the room offer to us (they see call:participant-joined).
  }

  reject(): void {
    const { phase, chatId, callId } = this.call;
    if (phase !== 'incoming-ringing' || chatId === null) return;
    send(this.socket, 'call:reject', callId === null ? { chatId } : { chatId, callId });
    this.end('declined');
  }

  /** Hangs up (or cancels a ringing outgoing call). */
  hangup(): void {
    const { phase, chatId, callId, flow } = this.call;
    if (!isLive(phase) || chatId === null) return;
    if (phase === 'incoming-ringing') return this.reject();
    if (flow === 'room' && callId !== null) send(this.socket, 'call:leave', { callId });
    else send(this.socket, 'call:end', callId === null ? { chatId } : { chatId, callId });
    this.end('hangup');
  }

  /** Clears an ended call (back to idle). */
  dismiss(): void {
    this.dispatch({ type: 'reset' });
  }

  setAudioEnabled(enabled: boolean): void {
    this.setTrackEnabled('audio', enabled);
  }

  setVideoEnabled(enabled: boolean): void {
    this.setTrackEnabled('video', enabled);
  }

  /** Current `getStats()` summary per remote participant (debugging, tests). */
  async debugStats(): Promise<Record<string, MediaStatsSummary>> {
    return Object.fromEntries((await this.mesh?.sampleStats()) ?? []);
  }

  /** Drops the signaling transport so that Socket.IO reconnects (debugging, tests). */
  debugDropSignaling(): void {
    this.socket.io.engine?.close();
  }

  // ------------------------------------------------------------------ inbound signaling

  private bindSocket(): void {
    const socket = this.socket;
    socket.on('connect', () => {
      const reconnected = this.signalingConnects > 0;
      this.signalingConnects += 1;
      this.signaling = 'connecting'; // force a snapshot even if no 'disconnect' was seen
      this.setSignaling('online');
      // Candidates or descriptions may have been lost while we were away: restart ICE.
      if (reconnected && isLive(this.call.phase) && this.call.phase !== 'incoming-ringing') this.mesh?.restartIce();
    });
    socket.on('disconnect', () => this.setSignaling('offline'));
    socket.on('connect_error', () => this.setSignaling(socket.active ? 'connecting' : 'offline'));
    socket.on('server:shutdown', () => this.end('server-shutdown'));
    socket.on('call:offer', (p) => this.onRing(p.chatId, p.callId, p.callerId, 'direct', offersVideo(p.offer.sdp) ? 'video' : 'audio', p));
    socket.on('call:initiated', (p) => {
      if (p.mode === 'room' && p.callerId !== this.options.selfId) this.onRing(p.chatId, p.callId, p.callerId, 'room', 'video');
    });
    socket.on('call:answer', (p) => {
      if (!this.isCurrent(p.callId, p.chatId) || this.directPeer === null) return;
      this.dispatch({ type: 'dial-acknowledged', callId: p.callId });
      this.dispatch({ type: 'answered' });
      this.mesh?.receive(this.directPeer, { type: 'description', description: p.answer });
    });
    socket.on('call:ice-candidate', (p) => {
      if (!this.isCurrent(p.callId, p.chatId)) return;
      const signal = { type: 'candidate', candidate: fromWireCandidate(p.candidate) } as const;
      if (this.mesh !== null && this.directPeer !== null) this.mesh.receive(this.directPeer, signal);
      else this.pendingDirect.push(signal);
    });
    socket.on('call:signal', (p) => {
      if (!this.isCurrent(p.callId)) return;
      if (p.type === 'ice-candidate') {
        this.mesh?.receive(p.from, { type: 'candidate', candidate: fromWireCandidate(p.signal) });
        return;
      }
      this.mesh?.receive(p.from, { type: 'description', description: p.signal });
      if (p.type === 'offer' && this.mesh?.hasSession(p.from) === false) this.mesh.connect(p.from);
    });
    socket.on('call:participant-joined', (p) => {
      if (!this.isCurrent(p.callId, p.chatId) || p.userId === this.options.selfId) return;
      this.dispatch({ type: 'answered' });
      // Participants already in the room offer to the newcomer (no glare by construction).
      this.mesh?.connect(p.userId);
    });
    socket.on('call:participant-left', (p) => {
      if (!this.isCurrent(p.callId, p.chatId) || p.userId === this.options.selfId) return;
      this.mesh?.remove(p.userId);
      if (this.call.flow === 'direct' || (this.mesh?.participants.length ?? 0) === 0) this.hangupBecause('remote-hangup');
    });
    socket.on('call:media-toggled', (p) => {
      if (this.isCurrent(p.callId)) this.mesh?.setMediaFlag(p.userId, p.kind, p.enabled);
    });
    const rejected = (p: ServerToClientPayloads['call:reject']): void => {
      if (this.isCurrent(p.callId, p.chatId) && this.call.direction === 'outgoing' && this.call.flow === 'direct') this.end('rejected');
    };
    socket.on('call:reject', rejected);
    socket.on('call:rejected', rejected);
    socket.on('call:end', (p) => {
      if (this.isCurrent(p.callId, p.chatId) && p.userId !== this.options.selfId) {
        this.end(this.call.phase === 'incoming-ringing' ? 'cancelled' : 'remote-hangup');
      }
    });
    socket.on('call:ended', (p) => {
      if (this.isCurrent(p.callId, p.chatId)) this.end(reasonForEnded(p.status, p.reason, this.call.direction));
    });
    socket.on('call:answered-elsewhere', (p) => {
      if (this.isCurrent(p.callId, p.chatId)) this.end('answered-elsewhere');
    });
    socket.on('call:rejected-elsewhere', (p) => {
      if (this.isCurrent(p.callId, p.chatId)) this.end('rejected-elsewhere');
    });
    socket.on('call:error', (p) => {
      const live = isLive(this.call.phase);
      const aboutCall = p.callId === undefined ? p.chatId === this.call.chatId : p.callId === this.call.callId;
      const fatal = p.event === 'call:initiate' || p.event === 'call:join' || p.event === 'call:answer';
      if (live && aboutCall && fatal) this.end(reasonForError(p.code), p.message);
    });
  }

  private onRing(
    chatId: string,
    callId: string,
    callerId: string,
    flow: 'direct' | 'room',
    kind: CallKind,
    offer?: ServerToClientPayloads['call:offer'],
  ): void {
    if (isLive(this.call.phase)) return; // busy here; the gateway decides busy-ness across tabs
    this.dispatch({ type: 'ring', chatId, callId, callerId, flow, kind, at: this.now() });
    this.pendingDirect = offer === undefined ? [] : [{ type: 'description', description: offer.offer }];
  }

  /** True when an event is about the live call (by call id, or by chat id before the id is known). */
  private isCurrent(callId: string, chatId?: string): boolean {
    if (!isLive(this.call.phase)) return false;
    if (this.call.callId !== null) return this.call.callId === callId;
    return chatId !== undefined && this.call.chatId === chatId;
  }

  private setSignaling(status: 'connecting' | 'online' | 'offline'): void {
    if (this.signaling === status) return;
    this.signaling = status;
    this.emitChange();
  }
}

export type { CallClientOptions, CallClientSnapshot, CallTarget, SignalingStatus } from './call-core.js';
