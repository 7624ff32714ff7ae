/// <reference lib="dom" />
/**
 * Two data channels as a {@link SessionLink}: `reliable` (ordered, reliable)
 * carries the session protocol, `unreliable` (unordered, no retransmits)
 * carries `send()` messages. Closing waits (bounded) for the reliable
 * channel's buffer to drain so the DISCONNECT frame gets out, then closes the
 * peer connection.
 */
import type { ChannelKind } from '../../session/actions.js';
import type { SessionLink, SessionLinkEvents } from '../../session/link.js';

/** Poll interval while waiting for the reliable buffer to drain on close. */
const DRAIN_POLL_MS = 10;

export class DataChannelLink implements SessionLink {
  readonly hasUnreliableChannel = true;
  /** Set by the session once it binds. Frames before that go to `early`. */
  events: SessionLinkEvents | undefined;
  readonly #reliable: RTCDataChannel;
  readonly #unreliable: RTCDataChannel;
  readonly #flushMs: number;
  readonly #shutdown: () => void;
  #closing = false;

  constructor(reliable: RTCDataChannel, unreliable: RTCDataChannel, flushMs: number, shutdown: () => void) {
    this.#reliable = reliable;
    this.#unreliable = unreliable;
    this.#flushMs = flushMs;
    this.#shutdown = shutdown;
    unreliable.addEventListener('message', (event: MessageEvent<unknown>) => {
      const bytes = toBytes(event.data);
      if (bytes !== undefined) this.events?.receive('unreliable', bytes);
    });
  }

  send(channel: ChannelKind, bytes: Uint8Array): void {
    const dc = channel === 'reliable' ? this.#reliable : this.#unreliable;
    if (dc.readyState !== 'open') return;
    try {
      dc.send(bytes as Uint8Array<ArrayBuffer>);
    } catch {
      // closing underneath us: the session learns through lost()
    }
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    const deadline = performance.now() + this.#flushMs;
    const drain = (): void => {
      if (this.#reliable.readyState === 'open' && this.#reliable.bufferedAmount > 0 && performance.now() < deadline) {
        setTimeout(drain, DRAIN_POLL_MS);
        return;
      }
      // A short grace lets SCTP acknowledge the last frames before the association goes.
      setTimeout(this.#shutdown, DRAIN_POLL_MS * 5);
    };
    drain();
  }
}

/** Binary payloads as bytes; strings (never sent by us) are ignored. */
export function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
