/**
 * A peerlink session over one WebSocket: every session frame is one binary
 * message (the tunnel has no separate unreliable channel, so messages ride
 * the reliable one). Text messages are ignored. Binary messages that arrive
 * before {@link WebSocketLink.bind} (e.g. the peer's HELLO right behind a
 * handshake message) are kept, at most {@link MAX_EARLY_FRAMES}.
 *
 * Zero-copy data path: a data frame goes out as one WebSocket message in two
 * fragments (the 9-byte frame header, then the payload as the writer gave
 * it), so no per-frame buffer joins header and payload; inbound messages are
 * read as fragments (`binaryType = 'fragments'`) and decoded as views. On the
 * wire it is still one message holding one frame, so peers that read whole
 * messages are unaffected. A client-side (masking) WebSocket still copies the
 * payload once, inside `ws`, to mask it.
 *
 * One write per event-loop turn: `ws` writes every fragment with its own
 * socket write (a syscall, a TCP segment with TCP_NODELAY, and a wakeup plus
 * a read on the receiving end). The link corks the WebSocket's TCP socket on
 * the first send and uncorks it in `setImmediate`, i.e. right after the poll
 * phase that ran the sends, so a frame's two fragments and everything else
 * sent for the reads of that turn (libuv reads up to 32 chunks per socket
 * per turn) leave in one `writev`: no added wait, fewer syscalls.
 */
import { Socket } from 'node:net';
import type { FrameBytes } from '@peerlink/protocol';
import type { SessionLink, SessionLinkEvents } from '@peerlink/sdk';
import WebSocket from 'ws';

/** Normal closure code used by {@link WebSocketLink.close}. */
const NORMAL_CLOSURE = 1000;
/** Binary messages kept until the session binds; more close the socket (protocol error). */
export const MAX_EARLY_FRAMES = 16;

export class WebSocketLink implements SessionLink {
  readonly hasUnreliableChannel = false;
  readonly #ws: WebSocket;
  #events: SessionLinkEvents | undefined;
  #lost = false;
  #early: FrameBytes[] | undefined = [];
  #corked = false;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    // Text handshake messages are still joined by ws; binary ones arrive as the sender's fragments.
    ws.binaryType = 'fragments';
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return;
      if (this.#events !== undefined) return this.#events.receive('reliable', toFrameBytes(data));
      if (this.#early === undefined || this.#early.length >= MAX_EARLY_FRAMES) return void ws.terminate();
      this.#early.push(toFrameBytes(data));
    });
    ws.on('close', (code, reason) => this.#lose(`websocket-closed: ${code}${reason.length > 0 ? ` ${reason.toString('utf8')}` : ''}`));
    ws.on('error', (err) => this.#lose(`websocket-error: ${err.message}`));
  }

  /** Routes inbound frames to the session (call from `SessionConnection.establish`'s `bind`). */
  bind(events: SessionLinkEvents): void {
    this.#events = events;
    const early = this.#early ?? [];
    this.#early = undefined;
    // Deliver after establish() finished binding (it sends HELLO first).
    if (early.length > 0) queueMicrotask(() => early.forEach((bytes) => events.receive('reliable', bytes)));
  }

  /** Bytes queued in the WebSocket but not yet written to the socket. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  send(_channel: 'reliable' | 'unreliable', bytes: Uint8Array): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#corkUntilNextTick();
    this.#ws.send(bytes, { binary: true });
  }

  /** One frame as one message, one WebSocket fragment per part (no joining copy). */
  sendParts(_channel: 'reliable' | 'unreliable', parts: readonly Uint8Array[]): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#corkUntilNextTick();
    const last = parts.length - 1;
    parts.forEach((part, i) => this.#ws.send(part, { binary: true, fin: i === last }));
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.close(NORMAL_CLOSURE, 'session closed');
  }

  /** Whether sends of the current tick are being held for one write (for tests). */
  get corked(): boolean {
    return this.#corked;
  }

  #corkUntilNextTick(): void {
    if (this.#corked) return;
    const socket = rawSocket(this.#ws);
    if (socket === undefined) return;
    this.#corked = true;
    socket.cork();
    setImmediate(() => {
      this.#corked = false;
      socket.uncork();
    });
  }

  #lose(reason: string): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#events?.lost(reason);
  }
}

/**
 * The TCP (or TLS) socket under an open WebSocket. `ws` keeps it in the
 * undocumented `_socket` field (stable across ws 3–8); read it defensively:
 * anything unexpected means no corking, never a failure.
 */
function rawSocket(ws: WebSocket): Socket | undefined {
  const socket: unknown = (ws as unknown as { _socket?: unknown })._socket;
  return socket instanceof Socket && !socket.destroyed ? socket : undefined;
}

function toFrameBytes(data: WebSocket.RawData): FrameBytes {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
