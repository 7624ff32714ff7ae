import type { PeerId } from '@peerlink/protocol';
import { P2PError } from '../contract/errors.js';
import type { P2PConnection, P2PListener } from '../contract/provider.js';
import type { WaitOptions } from '../contract/types.js';
import { AsyncQueue } from './async-queue.js';

/** Inbound connections waiting for `accept()` at most (extra ones are closed with `accept-queue-full`). */
export const MAX_PENDING_ACCEPTS = 128;

/** A {@link P2PListener} backed by a queue that a provider fills. */
export class QueueListener implements P2PListener {
  readonly localAddr: PeerId;
  readonly #queue = new AsyncQueue<P2PConnection>(MAX_PENDING_ACCEPTS);
  readonly #onClose: () => void;
  #closed = false;

  constructor(localAddr: PeerId, onClose: () => void) {
    this.localAddr = localAddr;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Provider: hands over an established inbound connection. */
  offer(connection: P2PConnection): void {
    if (!this.#queue.push(connection)) void connection.close(this.#closed ? 'not-listening' : 'accept-queue-full');
  }

  accept(options: WaitOptions = {}): Promise<P2PConnection> {
    return this.#queue.take(options.signal);
  }

  [Symbol.asyncIterator](): AsyncIterator<P2PConnection> {
    return this.#queue.iterate();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.fail(new P2PError('CLOSED', 'listener closed', { reason: 'listener-closed' }));
    this.#onClose();
  }
}
