import { P2PError } from '../contract/errors.js';

interface Blocked {
  bytes: Uint8Array;
  resolve(): void;
  reject(error: P2PError): void;
}

/**
 * Waits for send credit per stream. `push(id, bytes)` sends what credit
 * allows and returns the count (-1: stream no longer writable); the rest
 * waits for `credit(id)`. At most one blocked write per stream (WritableStream
 * serialises writes).
 */
export class StreamWriter {
  readonly #push: (streamId: number, bytes: Uint8Array) => number;
  readonly #blocked = new Map<number, Blocked>();

  constructor(push: (streamId: number, bytes: Uint8Array) => number) {
    this.#push = push;
  }

  write(streamId: number, bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#blocked.set(streamId, { bytes, resolve, reject });
      this.credit(streamId);
    });
  }

  /**
   * Like {@link write} without a promise in the common case: `undefined`
   * when credit covered all of `bytes` (handed to the link now), otherwise
   * the promise of the blocked rest (rejects if the stream fails first).
   * Only when no write of this stream is blocked.
   */
  writeNow(streamId: number, bytes: Uint8Array): Promise<void> | undefined {
    if (this.#blocked.has(streamId)) return Promise.reject(new P2PError('PROTOCOL_ERROR', 'a write of this stream is still waiting for credit', { reason: 'write-pending' }));
    const accepted = this.#push(streamId, bytes);
    if (accepted < 0) return Promise.reject(new P2PError('CLOSED', 'stream is closed for writing', { reason: 'stream-closed' }));
    if (accepted === bytes.length) return undefined;
    return new Promise<void>((resolve, reject) => this.#blocked.set(streamId, { bytes: bytes.subarray(accepted), resolve, reject }));
  }

  credit(streamId: number): void {
    const blocked = this.#blocked.get(streamId);
    if (blocked === undefined) return;
    const accepted = this.#push(streamId, blocked.bytes);
    if (accepted < 0) {
      this.fail(streamId, new P2PError('CLOSED', 'stream is closed for writing', { reason: 'stream-closed' }));
    } else if (accepted === blocked.bytes.length) {
      this.#blocked.delete(streamId);
      blocked.resolve();
    } else {
      blocked.bytes = blocked.bytes.subarray(accepted);
    }
  }

  fail(streamId: number, error: P2PError): void {
    const blocked = this.#blocked.get(streamId);
    if (blocked === undefined) return;
    this.#blocked.delete(streamId);
    blocked.reject(error);
  }
}
