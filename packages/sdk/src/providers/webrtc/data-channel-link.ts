/// <reference lib="dom" />
/**
 * Two data channels as a {@link SessionLink}: `reliable` (ordered, reliable)
 * carries the session protocol, `unreliable` (unordered, no retransmits)
 * carries `send()` messages. Closing waits (bounded) for the reliable
 * channel's buffer to drain so the DISCONNECT frame gets out, then closes the
 * peer connection.
 */
import { FRAME_HEADER_LENGTH, MAX_FRAME_PAYLOAD } from '@peerlink/protocol';
import type { ChannelKind } from '../../session/actions.js';
import type { SessionLink, SessionLinkEvents } from '../../session/link.js';

/** Poll interval while waiting for the reliable buffer to drain on close. */
const DRAIN_POLL_MS = 10;
/** Scratch size: one full frame (9-byte header + 64 KiB payload). */
const SCRATCH_BYTES = FRAME_HEADER_LENGTH + MAX_FRAME_PAYLOAD;

export class DataChannelLink implements SessionLink {
  readonly hasUnreliableChannel = true;
  /** Set by the session once it binds. Frames before that go to `early`. */
  events: SessionLinkEvents | undefined;
  readonly #reliable: RTCDataChannel;
  readonly #unreliable: RTCDataChannel;
  readonly #flushMs: number;
  readonly #shutdown: () => void;
  #closing = false;
  /**
   * Reused to join a frame's parts: `RTCDataChannel.send` copies the bytes
   * before it returns (browsers and node-datachannel), so one buffer per
   * link replaces one allocation per frame.
   */
  #scratch: Uint8Array | undefined;

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

  sendParts(channel: ChannelKind, parts: readonly Uint8Array[]): void {
    const [only] = parts;
    if (parts.length === 1 && only !== undefined) return this.send(channel, only);
    let size = 0;
    for (const part of parts) size += part.length;
    if (size > SCRATCH_BYTES) throw new RangeError(`frame of ${size} bytes exceeds ${SCRATCH_BYTES}`);
    this.#scratch ??= new Uint8Array(SCRATCH_BYTES);
    let at = 0;
    for (const part of parts) {
      this.#scratch.set(part, at);
      at += part.length;
    }
    this.send(channel, this.#scratch.subarray(0, size));
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
