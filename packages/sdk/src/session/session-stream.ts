import { P2PError } from '../contract/errors.js';
import type { P2PStream } from '../contract/provider.js';

/** What a stream needs from its connection. */
export interface StreamHost {
  /** Resolves once every byte got send credit and was handed to the channel. */
  write(streamId: number, bytes: Uint8Array): Promise<void>;
  /** `write` without a promise when credit covers all bytes now (see `StreamWriter.writeNow`). */
  writeNow(streamId: number, bytes: Uint8Array): Promise<void> | undefined;
  finish(streamId: number): void;
  reset(streamId: number): void;
  /** The app read `count` bytes: the peer may send that much more. */
  consumed(streamId: number, count: number): void;
}

/** Receives a stream's bytes as callbacks (see {@link DirectByteStream.attachSink}). */
export interface ByteSink {
  /** Bytes from the peer (a view; do not modify). Return false to get no more until `resumeSink()`. */
  data(bytes: Uint8Array): boolean;
  /** The peer half-closed, after its last bytes. */
  end(): void;
  /** The stream was reset or its connection closed; no further calls. */
  error(error: P2PError): void;
}

/**
 * Callback access to a stream for byte pumps (socket ↔ stream, stream ↔
 * stream) that would otherwise pay a WHATWG read and write, with their
 * promises and queue entries, per chunk. Same flow control: credit goes back
 * to the peer as `data()` takes bytes, so a pump that stops taking (returns
 * false) holds the peer to one window; `writeNow` sends only what credit
 * allows and hands back a promise for the rest.
 */
export interface DirectByteStream {
  /**
   * Switches reading to `sink`, delivering bytes already queued first. The
   * readable side must not be locked or read afterwards.
   */
  attachSink(sink: ByteSink): void;
  /** Resumes deliveries after `data()` returned false. */
  resumeSink(): void;
  /**
   * Sends `bytes` (by reference: do not modify them afterwards): `undefined`
   * when all of it was handed to the link now, otherwise a promise that
   * settles once the rest got credit. Not while such a promise is pending,
   * nor while the writable side is locked.
   */
  writeNow(bytes: Uint8Array): Promise<void> | undefined;
  /** Half-closes the sending side (FIN), like closing the writable side. */
  finish(): void;
}

/** Whether `stream` offers {@link DirectByteStream} (session streams do; wrappers may not). */
export function isDirectByteStream(stream: object): stream is DirectByteStream {
  return stream instanceof SessionStream;
}

/**
 * WHATWG stream pair over one session stream. The readable side pulls: a
 * chunk is handed over (and its credit returned to the peer) only when the
 * app reads, so unread data never exceeds the stream window.
 *
 * Zero-copy both ways: chunks read are views into the frames the link
 * delivered, and chunks written are framed by reference (no copy), so, as
 * with Node's `socket.write`, a chunk must not be modified after it was
 * written: a link may still hold it until it is on the wire.
 */
export class SessionStream implements P2PStream, DirectByteStream {
  readonly id: number;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly #host: StreamHost;
  readonly #queue: Uint8Array[] = [];
  #readController!: ReadableStreamDefaultController<Uint8Array>;
  #writeController!: WritableStreamDefaultController;
  #pullPending = false;
  #ended = false;
  #done = false;
  #sink: ByteSink | undefined;
  #sinkPaused = false;
  #sinkEnded = false;

  constructor(id: number, host: StreamHost) {
    this.id = id;
    this.#host = host;
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#readController = controller;
        },
        pull: () => {
          this.#pullPending = true;
          this.#drain();
        },
        cancel: () => this.reset(),
      },
      { highWaterMark: 0 },
    );
    this.writable = new WritableStream<Uint8Array>({
      start: (controller) => {
        this.#writeController = controller;
      },
      write: (chunk) => host.write(id, chunk),
      close: () => host.finish(id),
      abort: () => this.reset(),
    });
  }

  attachSink(sink: ByteSink): void {
    this.#sink = sink;
    this.#drainSink();
  }

  resumeSink(): void {
    this.#sinkPaused = false;
    this.#drainSink();
  }

  writeNow(bytes: Uint8Array): Promise<void> | undefined {
    return this.#host.writeNow(this.id, bytes);
  }

  finish(): void {
    if (!this.#done) this.#host.finish(this.id);
  }

  reset(): void {
    if (this.#done) return;
    this.#host.reset(this.id);
    this.fail(new P2PError('CLOSED', 'stream reset locally', { reason: 'stream-reset' }));
  }

  /** Driver: bytes arrived from the peer. */
  deliver(bytes: Uint8Array): void {
    if (this.#done || this.#ended) return;
    this.#queue.push(bytes);
    if (this.#sink !== undefined) this.#drainSink();
    else this.#drain();
  }

  /** Driver: the peer half-closed. */
  end(): void {
    this.#ended = true;
    if (this.#sink !== undefined) this.#drainSink();
    else this.#drain();
  }

  /** Driver: reset by the peer or the connection closed. Errors both halves. */
  fail(error: P2PError): void {
    if (this.#done) return;
    this.#done = true;
    this.#queue.length = 0;
    try {
      this.#readController.error(error);
    } catch {
      // already closed or errored
    }
    this.#writeController.error(error);
    this.#sink?.error(error);
  }

  #drainSink(): void {
    const sink = this.#sink;
    if (sink === undefined) return;
    while (!this.#sinkPaused && !this.#done) {
      const chunk = this.#queue.shift();
      if (chunk === undefined) {
        if (this.#ended && !this.#sinkEnded) {
          this.#sinkEnded = true;
          sink.end();
        }
        return;
      }
      this.#host.consumed(this.id, chunk.length);
      if (!sink.data(chunk)) this.#sinkPaused = true;
    }
  }

  #drain(): void {
    if (!this.#pullPending || this.#done) return;
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      this.#pullPending = false;
      this.#readController.enqueue(chunk);
      this.#host.consumed(this.id, chunk.length);
    } else if (this.#ended) {
      this.#pullPending = false;
      this.#readController.close();
    }
  }
}
