/**
 * Joining byte streams with real backpressure.
 *
 * - socket → stream: a chunk read from TCP is handed to the stream writer;
 *   while the writer's queue is full (no send credit: the far reader is slow)
 *   the socket is paused, so the kernel's receive buffer fills and TCP flow
 *   control pushes back on the sender. At most one chunk waits per stream.
 * - stream → socket: the next chunk is read from the stream only once
 *   `socket.write` returned true or `drain` fired; unread stream bytes stay
 *   within the stream's receive window (the peer waits for credit).
 * Session streams take the callback path of `pipe-direct.ts` (same rules,
 * no WHATWG promise per chunk); other streams use the WHATWG pumps below.
 * Half-closes map onto each other (TCP FIN ↔ stream FIN; sockets need
 * `allowHalfOpen: true`, or Node ends the socket as soon as the peer sends FIN); an error on either
 * side resets the stream and destroys the socket.
 */
import type { Socket } from 'node:net';
import { isDirectByteStream, type P2PStream } from '@peerlink/sdk';
import { pipeSocketDirect, pipeStreamsDirect } from './pipe-direct.js';

/** Byte counters of one joined pair, updated as bytes move. */
export interface PipeCounters {
  /** Bytes from the socket into the stream. */
  bytesIn: number;
  /** Bytes from the stream out to the socket. */
  bytesOut: number;
}

export interface PipeResult extends PipeCounters {
  /** `undefined` when both directions ended cleanly. */
  readonly error: Error | undefined;
}

/**
 * Joins `socket` and `stream` until both directions end. `initial` is
 * written to the socket first (bytes already read past a stream header).
 * Never rejects.
 */
export function pipeSocketStream(socket: Socket, stream: P2PStream, counters: PipeCounters = { bytesIn: 0, bytesOut: 0 }, initial?: Uint8Array): Promise<PipeResult> {
  if (isDirectByteStream(stream)) return pipeSocketDirect(socket, stream, counters, initial);
  return new Promise((resolve) => {
    let failure: Error | undefined;
    let pending = 2;
    let settled = false;
    const finishOne = (): void => {
      if (--pending === 0 && !settled) {
        settled = true;
        if (!socket.destroyed) socket.destroy();
        resolve({ ...counters, error: failure });
      }
    };
    const fail = (err: Error): void => {
      failure ??= err;
      stream.reset();
      socket.destroy();
    };

    // socket → stream
    const writer = stream.writable.getWriter();
    let inDone = false;
    const endIn = (): void => {
      if (inDone) return;
      inDone = true;
      finishOne();
    };
    socket.on('data', (chunk: Buffer) => {
      counters.bytesIn += chunk.length;
      writer.write(chunk).catch((err: unknown) => fail(asError(err)));
      if ((writer.desiredSize ?? 0) <= 0) {
        socket.pause();
        writer.ready.then(
          () => socket.resume(),
          () => {},
        );
      }
    });
    socket.on('end', () => {
      writer.close().then(endIn, (err: unknown) => {
        fail(asError(err));
        endIn();
      });
    });
    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      if (!inDone) {
        if (!socket.readableEnded) fail(failure ?? new Error('socket closed before end'));
        endIn();
      }
      if (!outDone) endOut();
    });

    // stream → socket
    let outDone = false;
    const endOut = (): void => {
      if (outDone) return;
      outDone = true;
      finishOne();
    };
    const reader = stream.readable.getReader();
    const pump = async (): Promise<void> => {
      if (initial !== undefined && initial.length > 0) {
        counters.bytesOut += initial.length;
        if (!socket.write(initial)) await drained(socket);
      }
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        counters.bytesOut += value.length;
        if (socket.destroyed) throw new Error('socket closed');
        if (!socket.write(value)) await drained(socket);
      }
      if (!socket.destroyed) socket.end();
    };
    pump().then(endOut, (err: unknown) => {
      if (!socket.destroyed) fail(asError(err));
      endOut();
    });
  });
}

/**
 * Joins two streams (gateway pairing): each readable is piped into the other
 * writable (WHATWG `pipeTo` waits for the writer, so credit gates reading).
 * If either direction fails both streams are reset. Never rejects.
 */
export async function pipeStreams(a: P2PStream, b: P2PStream): Promise<void> {
  if (isDirectByteStream(a) && isDirectByteStream(b)) return pipeStreamsDirect(a, b);
  const ab = a.readable.pipeTo(b.writable);
  const ba = b.readable.pipeTo(a.writable);
  const results = await Promise.allSettled([ab, ba]);
  if (results.some((r) => r.status === 'rejected')) {
    a.reset();
    b.reset();
  }
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off('drain', onDrain);
      reject(new Error('socket closed while draining'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
