import { decodeFrame, encodeFrameParts, negotiateVersion, type FrameBytes, type P2PFrame } from '@peerlink/protocol';
import type { P2PErrorCode } from '../contract/errors.js';
import type { ChannelKind, DropReason, SessionAction } from './actions.js';
import { resolveSessionOptions, type ResolvedSessionOptions, type SessionOptions } from './options.js';
import { StreamTable, type StreamState } from './stream-table.js';
import { truncateUtf8 } from './utf8.js';

export type SessionPhase = 'idle' | 'handshaking' | 'open' | 'closed';

export interface SessionCoreInit {
  /** True on the dialling side (odd stream ids). */
  readonly isInitiator: boolean;
  /** Whether the driver has a separate best-effort channel for DATA frames. */
  readonly hasUnreliableChannel: boolean;
  readonly options?: SessionOptions;
}

/**
 * Sans-I/O session state machine: HELLO negotiation, messages, multiplexed
 * streams with credit flow control, keepalive and dead-peer detection.
 * Every input takes `now` (ms, any monotonic clock) and returns actions; the
 * driver owns channels and the single timer (`nextDeadline()`).
 */
export class SessionCore {
  readonly options: ResolvedSessionOptions;
  #phase: SessionPhase = 'idle';
  #actions: SessionAction[] = [];
  readonly #streams: StreamTable;
  readonly #hasUnreliable: boolean;
  #lastReceived = 0;
  #nextPingAt = 0;
  #pingCounter = 0;
  readonly #pingsInFlight = new Map<number, number>();
  #version: number | undefined;
  #capabilities: readonly string[] = [];

  constructor(init: SessionCoreInit) {
    this.options = resolveSessionOptions(init.options);
    this.#streams = new StreamTable(init.isInitiator);
    this.#hasUnreliable = init.hasUnreliableChannel;
  }

  get phase(): SessionPhase {
    return this.#phase;
  }
  get version(): number | undefined {
    return this.#version;
  }
  get capabilities(): readonly string[] {
    return this.#capabilities;
  }

  start(now: number): SessionAction[] {
    if (this.#phase !== 'idle') return [];
    this.#phase = 'handshaking';
    this.#lastReceived = now;
    this.#nextPingAt = now + this.options.keepaliveIntervalMs;
    this.#send({ type: 'HELLO', versions: this.options.versions, capabilities: this.options.capabilities });
    return this.#flush();
  }

  /** When the driver must call {@link handleTimeout} next; undefined once closed. */
  nextDeadline(): number | undefined {
    if (this.#phase === 'closed' || this.#phase === 'idle') return undefined;
    const dead = this.#lastReceived + this.options.deadPeerTimeoutMs;
    return this.#phase === 'open' ? Math.min(dead, this.#nextPingAt) : dead;
  }

  handleTimeout(now: number): SessionAction[] {
    if (this.#phase === 'closed' || this.#phase === 'idle') return [];
    if (now >= this.#lastReceived + this.options.deadPeerTimeoutMs) {
      const reason = this.#phase === 'open' ? 'keepalive-timeout' : 'handshake-timeout';
      this.#terminate('local', reason, 'TIMEOUT', false);
    } else if (this.#phase === 'open' && now >= this.#nextPingAt) {
      const id = ++this.#pingCounter;
      this.#pingsInFlight.set(id, now);
      if (this.#pingsInFlight.size > 16) this.#pingsInFlight.delete(id - 16);
      const opaque = new Uint8Array(8);
      new DataView(opaque.buffer).setUint32(4, id);
      this.#send({ type: 'PING', opaque });
      this.#nextPingAt = now + this.options.keepaliveIntervalMs;
    }
    return this.#flush();
  }

  /** One inbound frame, whole or in parts. Payloads handed on in actions are views into `bytes` (no copy). */
  receive(bytes: FrameBytes, channel: ChannelKind, now: number): SessionAction[] {
    if (this.#phase === 'closed' || this.#phase === 'idle') return this.#drop('after-close');
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) {
      if (channel === 'unreliable') return this.#drop('malformed-unreliable-frame');
      this.#terminate('local', `protocol-error: ${decoded.error.code}`, 'PROTOCOL_ERROR', true);
      return this.#flush();
    }
    const frame = decoded.frame;
    if (channel === 'unreliable' && frame.type !== 'DATA') return this.#drop('unexpected-unreliable-frame');
    this.#lastReceived = now;
    if (this.#phase === 'handshaking' && frame.type !== 'HELLO' && frame.type !== 'DISCONNECT') {
      if (frame.type === 'DATA') return this.#drop('data-before-ready');
      this.#terminate('local', 'protocol-error: frame-before-hello', 'PROTOCOL_ERROR', true);
      return this.#flush();
    }
    this.#onFrame(frame, now);
    return this.#flush();
  }

  sendMessage(payload: Uint8Array): SessionAction[] {
    this.#assertOpen();
    this.#send({ type: 'DATA', payload }, this.#hasUnreliable ? 'unreliable' : 'reliable');
    return this.#flush();
  }

  /** Opens a stream; `streamId` undefined when the local stream limit is reached. */
  openStream(): { streamId: number | undefined; actions: SessionAction[] } {
    this.#assertOpen();
    if (this.#streams.countOpen(true) >= this.options.maxStreams) return { streamId: undefined, actions: [] };
    const state = this.#streams.openLocal(this.options.streamWindow);
    if (state === undefined) return { streamId: undefined, actions: [] };
    this.#send({ type: 'STREAM_OPEN', streamId: state.id, initialWindow: this.options.streamWindow });
    return { streamId: state.id, actions: this.#flush() };
  }

  /** Sends as much of `bytes` as credit allows; the rest waits for a `stream-credit` action. */
  writeStream(streamId: number, bytes: Uint8Array): { accepted: number; actions: SessionAction[] } {
    this.#assertOpen();
    const s = this.#streams.get(streamId);
    if (s === undefined || s.localFin) return { accepted: -1, actions: [] };
    let at = 0;
    while (at < bytes.length && s.sendCredit > 0) {
      const n = Math.min(bytes.length - at, s.sendCredit, this.options.maxChunkBytes);
      this.#send({ type: 'STREAM_DATA', streamId, payload: bytes.subarray(at, at + n) });
      s.sendCredit -= n;
      at += n;
    }
    return { accepted: at, actions: this.#flush() };
  }

  /** The app consumed `count` received bytes: reopen the peer's window in `windowUpdateBytes` steps. */
  consumed(streamId: number, count: number): SessionAction[] {
    const s = this.#streams.get(streamId);
    if (s === undefined || this.#phase !== 'open' || s.remoteFin) return [];
    s.pendingGrant += count;
    if (s.pendingGrant >= this.options.windowUpdateBytes) this.#grant(s, s.pendingGrant);
    return this.#flush();
  }

  /** Half-closes our sending side (FIN). */
  finishStream(streamId: number): SessionAction[] {
    const s = this.#streams.get(streamId);
    if (s === undefined || s.localFin || this.#phase !== 'open') return [];
    s.localFin = true;
    this.#send({ type: 'STREAM_CLOSE', streamId, kind: 'fin' });
    if (s.remoteFin) this.#streams.remove(streamId);
    return this.#flush();
  }

  resetStream(streamId: number): SessionAction[] {
    if (this.#streams.get(streamId) === undefined || this.#phase !== 'open') return [];
    this.#streams.remove(streamId);
    this.#send({ type: 'STREAM_CLOSE', streamId, kind: 'reset' });
    return this.#flush();
  }

  /** Orderly local close: DISCONNECT with `reason`, then closed. Idempotent. */
  close(reason: string): SessionAction[] {
    if (this.#phase === 'closed') return [];
    this.#terminate('local', reason, undefined, true);
    return this.#flush();
  }

  /** The driver's channel died underneath (no DISCONNECT possible). */
  channelLost(reason: string): SessionAction[] {
    if (this.#phase === 'closed') return [];
    this.#terminate('remote', reason, 'NETWORK_ERROR', false);
    return this.#flush();
  }

  #onFrame(frame: P2PFrame, now: number): void {
    switch (frame.type) {
      case 'HELLO': {
        if (this.#phase !== 'handshaking') return this.#terminate('local', 'protocol-error: duplicate-hello', 'PROTOCOL_ERROR', true);
        const version = negotiateVersion(this.options.versions, frame.versions);
        if (version === undefined) return this.#terminate('local', 'no-common-version', 'PROTOCOL_ERROR', true);
        this.#version = version;
        this.#capabilities = this.options.capabilities.filter((c) => frame.capabilities.includes(c));
        this.#phase = 'open';
        this.#nextPingAt = now + this.options.keepaliveIntervalMs;
        this.#actions.push({ type: 'ready', version, capabilities: this.#capabilities });
        return;
      }
      case 'DATA':
        this.#actions.push({ type: 'message', payload: frame.payload });
        return;
      case 'STREAM_OPEN': {
        if (this.#streams.countOpen(false) >= this.options.maxStreams) {
          this.#send({ type: 'STREAM_CLOSE', streamId: frame.streamId, kind: 'reset' });
          return this.#dropInto('stream-limit');
        }
        const s = this.#streams.openRemote(frame.streamId, frame.initialWindow);
        if (s === undefined) return this.#terminate('local', 'protocol-error: stream-id-reused', 'PROTOCOL_ERROR', true);
        this.#actions.push({ type: 'stream-incoming', streamId: s.id });
        const extra = this.options.streamWindow - s.recvAllowance;
        if (extra > 0) this.#grant(s, extra);
        return;
      }
      case 'STREAM_DATA': {
        const s = this.#streams.get(frame.streamId);
        if (s === undefined) return this.#dropInto('unknown-stream');
        if (s.remoteFin) return this.#terminate('local', 'protocol-error: data-after-fin', 'PROTOCOL_ERROR', true);
        if (frame.payload.length > s.recvAllowance) {
          return this.#terminate('local', 'protocol-error: flow-control-violation', 'PROTOCOL_ERROR', true);
        }
        s.recvAllowance -= frame.payload.length;
        this.#actions.push({ type: 'stream-data', streamId: s.id, payload: frame.payload });
        return;
      }
      case 'STREAM_WINDOW': {
        const s = this.#streams.get(frame.streamId);
        if (s === undefined) return this.#dropInto('unknown-stream');
        s.sendCredit = Math.min(s.sendCredit + frame.increment, 0xffff_ffff);
        this.#actions.push({ type: 'stream-credit', streamId: s.id });
        return;
      }
      case 'STREAM_CLOSE': {
        const s = this.#streams.get(frame.streamId);
        if (s === undefined) return this.#dropInto('unknown-stream');
        if (frame.kind === 'reset') {
          this.#streams.remove(s.id);
          this.#actions.push({ type: 'stream-reset', streamId: s.id });
          return;
        }
        s.remoteFin = true;
        this.#actions.push({ type: 'stream-end', streamId: s.id });
        if (s.localFin) this.#streams.remove(s.id);
        return;
      }
      case 'PING':
        this.#send({ type: 'PONG', opaque: frame.opaque });
        return;
      case 'PONG': {
        const id = new DataView(frame.opaque.buffer, frame.opaque.byteOffset, 8).getUint32(4);
        const sentAt = this.#pingsInFlight.get(id);
        if (sentAt === undefined) return this.#dropInto('stale-pong');
        this.#pingsInFlight.delete(id);
        this.#actions.push({ type: 'rtt', rttMs: now - sentAt });
        return;
      }
      case 'DISCONNECT':
        return this.#terminate('remote', frame.reason, undefined, false);
    }
  }

  #grant(s: StreamState, amount: number): void {
    s.pendingGrant = Math.max(0, s.pendingGrant - amount);
    s.recvAllowance += amount;
    this.#send({ type: 'STREAM_WINDOW', streamId: s.id, increment: amount });
  }

  #terminate(initiator: 'local' | 'remote', reason: string, code: P2PErrorCode | undefined, notify: boolean): void {
    if (notify) this.#send({ type: 'DISCONNECT', reason: truncateUtf8(reason, 256) });
    this.#phase = 'closed';
    for (const id of this.#streams.ids()) {
      this.#streams.remove(id);
      this.#actions.push({ type: 'stream-reset', streamId: id });
    }
    this.#actions.push({ type: 'closed', initiator, reason, code });
  }

  #send(frame: P2PFrame, channel: ChannelKind = 'reliable'): void {
    this.#actions.push({ type: 'transmit', channel, parts: encodeFrameParts(frame) });
  }

  #drop(reason: DropReason): SessionAction[] {
    return [{ type: 'dropped', reason }];
  }

  #dropInto(reason: DropReason): void {
    this.#actions.push({ type: 'dropped', reason });
  }

  #flush(): SessionAction[] {
    const out = this.#actions;
    this.#actions = [];
    return out;
  }

  #assertOpen(): void {
    if (this.#phase !== 'open') throw new Error(`session is ${this.#phase}`);
  }
}
