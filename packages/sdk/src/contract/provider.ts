import type { PeerId } from '@peerlink/protocol';
import type { Subscribable } from './emitter.js';
import type {
  ConnectionEvents,
  ConnectionStats,
  ConnectOptions,
  PathInfo,
  ProviderEvents,
  ProviderStats,
  WaitOptions,
} from './types.js';

/**
 * An ordered, reliable byte stream with backpressure — one per TCP forward.
 *
 * A WHATWG `ReadableStream`/`WritableStream` pair (the shape of WebTransport's
 * bidirectional stream) because the same contract must run in browsers; in
 * Node, `Duplex.fromWeb(stream)` turns it into a socket-like Duplex for piping
 * to `net.Socket`. Backpressure: `writer.write()` resolves only once the
 * peer's receive window has room, and the window reopens only as the remote
 * reader consumes bytes, so a slow reader stalls the writer without unbounded
 * buffering. `writable.close()` half-closes (the peer's reader ends; it can
 * still write back); `writable.abort()`/`readable.cancel()`/`reset()` reset
 * both directions and the peer's reads/writes fail with CLOSED.
 */
export interface P2PStream {
  /** Unique per connection. Opener's ids are odd when it dialled, even when it accepted. */
  readonly id: number;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Aborts both directions immediately (STREAM_CLOSE reset). */
  reset(): void;
}

/** A connection to one peer. */
export interface P2PConnection extends Subscribable<ConnectionEvents> {
  readonly peerId: PeerId;
  /** Current path; changes are announced with `path-changed`. */
  readonly path: PathInfo;
  readonly isConnected: boolean;
  /**
   * Sends one message, UNRELIABLY: best effort, unordered, may be lost (like
   * a UDP datagram or an unreliable data channel). At most 65 536 bytes.
   * Use a stream for anything that must arrive. Throws CLOSED after close.
   */
  send(message: Uint8Array): void;
  /** Next received message. Rejects with CLOSED once the connection closed and the queue drained. */
  recv(options?: WaitOptions): Promise<Uint8Array>;
  /** Received messages until the connection closes (ends without throwing). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  /** Opens a new stream; the peer gets it from acceptStream(). */
  openStream(options?: WaitOptions): Promise<P2PStream>;
  /** Next stream the peer opened. Rejects with CLOSED after close. */
  acceptStream(options?: WaitOptions): Promise<P2PStream>;
  stats(): ConnectionStats;
  /** Closes with an optional reason (at most 256 UTF-8 bytes) that the peer sees in its `closed` event. Idempotent. */
  close(reason?: string): Promise<void>;
}

/** Inbound connections for the local peer. */
export interface P2PListener {
  /** Where peers reach this listener; for P2P providers the local peer id. */
  readonly localAddr: PeerId;
  /** Next inbound connection. Rejects with CLOSED after close. */
  accept(options?: WaitOptions): Promise<P2PConnection>;
  /** Inbound connections until the listener closes. */
  [Symbol.asyncIterator](): AsyncIterator<P2PConnection>;
  /** Stops accepting; established connections stay open. */
  close(): Promise<void>;
}

/** A way to reach peers by id: simulator, WebRTC, tunnel, hybrid. */
export interface P2PProvider extends Subscribable<ProviderEvents> {
  readonly localPeerId: PeerId;
  /** Dials a peer. Rejects with a {@link P2PError}. */
  connect(peerId: PeerId, options?: ConnectOptions): Promise<P2PConnection>;
  /** Starts accepting inbound connections. One listener per provider at a time. */
  listen(): Promise<P2PListener>;
  stats(): ProviderStats;
  /** Closes the listener and every connection. Idempotent. */
  close(): Promise<void>;
}
