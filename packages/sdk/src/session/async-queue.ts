import { abortError, P2PError } from '../contract/errors.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: P2PError): void;
}

/**
 * A FIFO whose consumers await items. After `fail(error)` queued items are
 * still handed out; once drained, every take rejects with that error.
 * Holds at most `limit` items: `push` returns false when full.
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  #error: P2PError | undefined;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get length(): number {
    return this.#items.length;
  }

  push(item: T): boolean {
    if (this.#error !== undefined) return false;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve(item);
      return true;
    }
    if (this.#items.length >= this.#limit) return false;
    this.#items.push(item);
    return true;
  }

  fail(error: P2PError): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  take(signal?: AbortSignal): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(abortError(signal as AbortSignal));
      };
      const waiter: Waiter<T> = {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Items until failure with CLOSED; other failures are thrown. */
  async *iterate(): AsyncGenerator<T> {
    for (;;) {
      try {
        yield await this.take();
      } catch (error) {
        if (error instanceof P2PError && error.code === 'CLOSED') return;
        throw error;
      }
    }
  }
}
