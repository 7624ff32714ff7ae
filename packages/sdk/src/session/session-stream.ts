import { P2PError } from '../contract/errors.js';
import type { P2PStream } from '../contract/provider.js';

/** What a stream needs from its connection. */
export interface StreamHost {
  /** Resolves once every byte got send credit and was handed to the channel. */
  write(streamId: number, bytes: Uint8Array): Promise<void>;
  finish(streamId: number): void;
  reset(streamId: number): void;
  /** The app read `count` bytes: the peer may send that much more. */
  consumed(streamId: number, count: number): void;
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
export class SessionStream implements P2PStream {
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

  reset(): void {
    if (this.#done) return;
    this.#host.reset(this.id);
    this.fail(new P2PError('CLOSED', 'stream reset locally', { reason: 'stream-reset' }));
  }

  /** Driver: bytes arrived from the peer. */
  deliver(bytes: Uint8Array): void {
    if (this.#done || this.#ended) return;
    this.#queue.push(bytes);
    this.#drain();
  }

  /** Driver: the peer half-closed. */
  end(): void {
    this.#ended = true;
    this.#drain();
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
