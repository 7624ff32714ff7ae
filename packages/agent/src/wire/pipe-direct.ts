/**
 * The pumps of `pipe.ts` for session streams, through their callback API
 * ({@link DirectByteStream}): no WHATWG read or write, promise or queue entry
 * per chunk. Per 64 KiB chunk the WHATWG pair allocated ~10 KB of short-lived
 * objects, which filled new space every few MB and made the relay processes
 * scavenge 3× as often as a bare `ws` relay. Same backpressure as the WHATWG
 * pumps:
 *
 * - socket → stream: `writeNow` hands what credit allows to the link; when
 *   it returns a promise (no credit: the far reader is slow) the socket is
 *   paused until the rest went out.
 * - stream → socket: the sink writes each chunk into the corked socket
 *   (uncorked in `setImmediate`, so the chunks of one event-loop turn leave
 *   in one `writev`, as on the WebSocket side); once the socket holds
 *   {@link SOCKET_HIGH_WATER} bytes it stops taking chunks until `drain`, so
 *   unread bytes stay within the stream window plus that much (credit goes
 *   back only for bytes taken).
 */
import type { Socket } from 'node:net';
import type { ByteSink, DirectByteStream, P2PStream } from '@peerlink/sdk';
import type { PipeCounters, PipeResult } from './pipe.js';

/** Bytes a piped socket may hold unwritten before the stream → socket pump waits for `drain`. */
export const SOCKET_HIGH_WATER = 262_144;

/** {@link pipeSocketStream} for a session stream. Never rejects. */
export function pipeSocketDirect(socket: Socket, stream: P2PStream & DirectByteStream, counters: PipeCounters, initial?: Uint8Array): Promise<PipeResult> {
  return new Promise((resolve) => {
    let failure: Error | undefined;
    let inDone = false;
    let outDone = false;
    const finishIfDone = (): void => {
      if (!inDone || !outDone) return;
      if (!socket.destroyed) socket.destroy();
      resolve({ ...counters, error: failure });
    };
    const endIn = (): void => {
      if (inDone) return;
      inDone = true;
      finishIfDone();
    };
    const endOut = (): void => {
      if (outDone) return;
      outDone = true;
      finishIfDone();
    };
    const fail = (err: Error): void => {
      failure ??= err;
      stream.reset();
      socket.destroy();
    };

    // socket → stream
    let waiting: Promise<void> | undefined; // the rest of a chunk, waiting for credit
    const resume = (): void => {
      waiting = undefined;
      if (!socket.destroyed) socket.resume();
    };
    const onWriteFailed = (err: unknown): void => fail(asError(err));
    socket.on('data', (chunk: Buffer) => {
      counters.bytesIn += chunk.length;
      const rest = stream.writeNow(chunk);
      if (rest === undefined) return;
      socket.pause();
      waiting = rest;
      rest.then(resume, onWriteFailed);
    });
    const finishIn = (): void => {
      stream.finish();
      endIn();
    };
    socket.on('end', () => {
      // A paused socket still emits 'end' once its last chunk was handed out: the FIN must wait for that chunk's rest.
      if (waiting === undefined) finishIn();
      else waiting.then(finishIn, endIn);
    });
    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      if (!inDone) {
        if (!socket.readableEnded) fail(failure ?? new Error('socket closed before end'));
        endIn();
      }
      endOut();
    });

    // stream → socket
    const resumeSink = (): void => stream.resumeSink();
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    const sink: ByteSink = {
      data: (bytes) => {
        counters.bytesOut += bytes.length;
        if (socket.destroyed) {
          fail(failure ?? new Error('socket closed'));
          return false;
        }
        if (!corked) {
          corked = true;
          socket.cork();
          setImmediate(uncork);
        }
        // write() returns false past the socket's own 16 KiB mark, i.e. for every 64 KiB chunk; 'drain' still
        // follows once the buffer empties, so waiting for it only past SOCKET_HIGH_WATER is safe.
        socket.write(bytes);
        if (socket.writableLength < SOCKET_HIGH_WATER) return true;
        socket.once('drain', resumeSink);
        return false;
      },
      end: () => {
        if (!socket.destroyed) socket.end();
        endOut();
      },
      error: (err) => {
        if (!outDone && !socket.destroyed) fail(err);
        endOut();
      },
    };
    if (initial !== undefined && initial.length > 0) {
      counters.bytesOut += initial.length;
      if (!socket.write(initial)) {
        socket.once('drain', () => stream.attachSink(sink));
        return;
      }
    }
    stream.attachSink(sink);
  });
}

/** {@link pipeStreams} for two session streams. Never rejects. */
export async function pipeStreamsDirect(a: P2PStream & DirectByteStream, b: P2PStream & DirectByteStream): Promise<void> {
  // A failure on either side resets both at once (like pipeTo cancelling its source), which ends the other pump too.
  const resetBoth = (err: unknown): never => {
    a.reset();
    b.reset();
    throw err;
  };
  await Promise.allSettled([pump(a, b).catch(resetBoth), pump(b, a).catch(resetBoth)]);
}

/** Moves `from`'s bytes into `to` until `from` ends (then FIN to `to`); rejects when either fails. */
function pump(from: DirectByteStream, to: DirectByteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const resume = (): void => from.resumeSink();
    from.attachSink({
      data: (bytes) => {
        const rest = to.writeNow(bytes);
        if (rest === undefined) return true;
        rest.then(resume, reject);
        return false;
      },
      end: () => {
        to.finish();
        resolve();
      },
      error: reject,
    });
  });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
