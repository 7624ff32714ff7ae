import type { PeerId } from '@peerlink/protocol';
import { joinFrameBytes, MAX_FRAME_PAYLOAD, type FrameBytes } from '@peerlink/protocol';
import { TypedEmitter } from '../contract/emitter.js';
import { abortError, P2PError } from '../contract/errors.js';
import type { P2PConnection, P2PStream } from '../contract/provider.js';
import type { ConnectionEvents, ConnectionStats, PathInfo, WaitOptions } from '../contract/types.js';
import type { ChannelKind, DropReason, SessionAction } from './actions.js';
import { AsyncQueue } from './async-queue.js';
import { DeadlineTimer, type Clock } from './clock.js';
import type { SessionLink, SessionLinkEvents } from './link.js';
import type { SessionOptions } from './options.js';
import { SessionCore } from './session-core.js';
import { SessionStream } from './session-stream.js';
import { StreamWriter } from './stream-writer.js';

export interface SessionConnectionInit {
  readonly peerId: PeerId;
  readonly path: PathInfo;
  readonly link: SessionLink;
  readonly clock: Clock;
  readonly isInitiator: boolean;
  /** When the attempt started on `clock` (for establishment time). */
  readonly startedAt: number;
  readonly options?: SessionOptions;
}

/**
 * Drives a {@link SessionCore} over a {@link SessionLink}: the P2PConnection
 * every provider can reuse. Create with {@link SessionConnection.establish}.
 */
export class SessionConnection extends TypedEmitter<ConnectionEvents> implements P2PConnection, SessionLinkEvents {
  readonly peerId: PeerId;
  #path: PathInfo;
  readonly #core: SessionCore;
  readonly #link: SessionLink;
  readonly #clock: Clock;
  readonly #timer: DeadlineTimer;
  readonly #messages: AsyncQueue<Uint8Array>;
  readonly #incoming: AsyncQueue<SessionStream>;
  readonly #streams = new Map<number, SessionStream>();
  readonly #writer: StreamWriter;
  readonly #startedAt: number;
  #establishmentMs = 0;
  #ready: { resolve(): void; reject(e: P2PError): void } | undefined;
  #closeError: P2PError | undefined;
  readonly #counters = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, streamsOpened: 0, streamsAccepted: 0 };
  #rttMs: number | undefined;
  /** Inputs ignored by reason; for metrics and tests. */
  readonly drops = new Map<DropReason, number>();

  private constructor(init: SessionConnectionInit) {
    super();
    this.peerId = init.peerId;
    this.#path = init.path;
    this.#link = init.link;
    this.#clock = init.clock;
    this.#startedAt = init.startedAt;
    this.#core = new SessionCore({ isInitiator: init.isInitiator, hasUnreliableChannel: init.link.hasUnreliableChannel, ...(init.options ? { options: init.options } : {}) });
    this.#messages = new AsyncQueue(this.#core.options.maxQueuedMessages);
    this.#incoming = new AsyncQueue(this.#core.options.maxStreams);
    this.#timer = new DeadlineTimer(init.clock, () => this.#run(this.#core.handleTimeout(this.#clock.now())));
    this.#writer = new StreamWriter((id, bytes) => {
      if (this.#core.phase !== 'open') return -1;
      const r = this.#core.writeStream(id, bytes);
      this.#run(r.actions);
      if (r.accepted > 0) this.#counters.bytesSent += r.accepted;
      return r.accepted;
    });
  }

  /**
   * Creates the connection and performs the HELLO handshake. The caller must
   * route the link's inbound frames to `receive()`/`lost()` of the returned
   * object; `bind` is called synchronously with it before any frame is sent.
   */
  static async establish(init: SessionConnectionInit, bind: (events: SessionLinkEvents) => void, signal?: AbortSignal): Promise<SessionConnection> {
    const conn = new SessionConnection(init);
    bind(conn);
    const ready = new Promise<void>((resolve, reject) => (conn.#ready = { resolve, reject }));
    const onAbort = (): void => {
      const error = abortError(signal as AbortSignal);
      conn.#ready?.reject(error);
      conn.#ready = undefined;
      void conn.close('aborted');
    };
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    conn.#run(conn.#core.start(init.clock.now()));
    try {
      await ready;
      return conn;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  get path(): PathInfo {
    return this.#path;
  }
  get isConnected(): boolean {
    return this.#core.phase === 'open';
  }
  get establishmentMs(): number {
    return this.#establishmentMs;
  }

  /** Providers call this when the path moves (e.g. relay → direct). */
  setPath(path: PathInfo): void {
    const previous = this.#path;
    this.#path = path;
    this.emit('path-changed', { previous, path });
  }

  send(message: Uint8Array): void {
    if (!this.isConnected) throw this.#closedError();
    if (message.length > MAX_FRAME_PAYLOAD) throw new RangeError(`message of ${message.length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
    this.#counters.messagesSent++;
    this.#counters.bytesSent += message.length;
    this.#run(this.#core.sendMessage(message));
  }

  recv(options: WaitOptions = {}): Promise<Uint8Array> {
    return this.#messages.take(options.signal);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#messages.iterate();
  }

  async openStream(options: WaitOptions = {}): Promise<P2PStream> {
    if (options.signal?.aborted === true) throw abortError(options.signal);
    if (!this.isConnected) throw this.#closedError();
    const { streamId, actions } = this.#core.openStream();
    if (streamId === undefined) throw new P2PError('PROTOCOL_ERROR', 'too many open streams', { reason: 'stream-limit' });
    const stream = this.#addStream(streamId);
    this.#counters.streamsOpened++;
    this.#run(actions);
    return stream;
  }

  acceptStream(options: WaitOptions = {}): Promise<P2PStream> {
    return this.#incoming.take(options.signal);
  }

  stats(): ConnectionStats {
    return { path: this.#path, establishmentMs: this.#establishmentMs, rttMs: this.#rttMs, ...this.#counters };
  }

  async close(reason = 'closed'): Promise<void> {
    this.#run(this.#core.close(reason));
  }

  /** Link event: a frame arrived. */
  receive(channel: ChannelKind, bytes: FrameBytes): void {
    this.#run(this.#core.receive(bytes, channel, this.#clock.now()));
  }

  /** Link event: the channel died. */
  lost(reason: string): void {
    this.#run(this.#core.channelLost(reason));
  }

  #addStream(id: number): SessionStream {
    const stream = new SessionStream(id, {
      write: (sid, bytes) => this.#writer.write(sid, bytes),
      writeNow: (sid, bytes) => this.#writer.writeNow(sid, bytes),
      finish: (sid) => this.#run(this.#core.finishStream(sid)),
      reset: (sid) => {
        this.#streams.delete(sid);
        this.#writer.fail(sid, new P2PError('CLOSED', 'stream reset', { reason: 'stream-reset' }));
        this.#run(this.#core.resetStream(sid));
      },
      consumed: (sid, n) => this.#run(this.#core.consumed(sid, n)),
    });
    this.#streams.set(id, stream);
    return stream;
  }

  #run(actions: readonly SessionAction[]): void {
    for (const action of actions) this.#apply(action);
    this.#timer.arm(this.#core.nextDeadline());
  }

  #apply(action: SessionAction): void {
    switch (action.type) {
      case 'transmit':
        if (this.#link.sendParts !== undefined) this.#link.sendParts(action.channel, action.parts);
        else this.#link.send(action.channel, joinFrameBytes(action.parts));
        return;
      case 'ready':
        this.#establishmentMs = this.#clock.now() - this.#startedAt;
        this.#ready?.resolve();
        this.#ready = undefined;
        return;
      case 'message':
        this.#counters.messagesReceived++;
        this.#counters.bytesReceived += action.payload.length;
        if (!this.#messages.push(action.payload)) this.#count('message-queue-full');
        return;
      case 'stream-incoming': {
        this.#counters.streamsAccepted++;
        this.#incoming.push(this.#addStream(action.streamId));
        return;
      }
      case 'stream-data':
        this.#counters.bytesReceived += action.payload.length;
        this.#streams.get(action.streamId)?.deliver(action.payload);
        return;
      case 'stream-credit':
        this.#writer.credit(action.streamId);
        return;
      case 'stream-end':
        this.#streams.get(action.streamId)?.end();
        return;
      case 'stream-reset': {
        const error = this.#closeError ?? new P2PError('CLOSED', 'stream reset by peer', { reason: 'stream-reset' });
        this.#writer.fail(action.streamId, error);
        this.#streams.get(action.streamId)?.fail(error);
        this.#streams.delete(action.streamId);
        return;
      }
      case 'rtt':
        this.#rttMs = action.rttMs;
        return;
      case 'dropped':
        this.#count(action.reason);
        return;
      case 'closed':
        this.#onClosed(action.initiator, action.reason, action.code);
        return;
    }
  }

  #onClosed(initiator: 'local' | 'remote', reason: string, code: P2PError['code'] | undefined): void {
    const error = code === undefined ? undefined : new P2PError(code, `connection closed: ${reason}`, { reason });
    this.#closeError = error ?? new P2PError('CLOSED', `connection closed (${initiator}): ${reason}`, { reason });
    for (const [id, stream] of this.#streams) {
      this.#writer.fail(id, this.#closeError);
      stream.fail(this.#closeError);
    }
    this.#streams.clear();
    this.#messages.fail(this.#closedError());
    this.#incoming.fail(this.#closedError());
    this.#ready?.reject(error ?? new P2PError('CONNECTION_FAILED', `peer closed during handshake: ${reason}`, { reason }));
    this.#ready = undefined;
    this.#timer.arm(undefined);
    this.#link.close();
    this.emit('closed', { reason, initiator, error });
  }

  #closedError(): P2PError {
    const cause = this.#closeError;
    return new P2PError('CLOSED', cause ? cause.message : 'connection closed', { reason: cause?.reason ?? 'closed', cause });
  }

  #count(reason: DropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}
