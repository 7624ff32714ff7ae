import type { FrameBytes } from '@peerlink/protocol';
import type { ChannelKind } from './actions.js';

/**
 * The channels a provider hands to a session: one reliable ordered channel
 * and, optionally, one best-effort channel for messages (WebRTC: two data
 * channels; simulator: a lossy link with its own ARQ; tunnel: one WebSocket).
 */
export interface SessionLink {
  /** Whether `send('unreliable', …)` uses a separate best-effort channel. */
  readonly hasUnreliableChannel: boolean;
  /** Hands one frame to a channel. Must not throw once the link is closed (drop instead). */
  send(channel: ChannelKind, bytes: Uint8Array): void;
  /**
   * Optional gather write: hands one frame given as parts that concatenate
   * to it (`[header, payload]` for data frames), so the link can send them
   * without joining them first. Without it the session joins the parts (one
   * copy per frame) and calls `send`. Same rules as `send`. A link may keep
   * references to the parts until they are written out; nobody modifies
   * them afterwards.
   */
  sendParts?(channel: ChannelKind, parts: readonly Uint8Array[]): void;
  /** Gracefully closes: frames already handed to the reliable channel are still delivered. Idempotent. */
  close(): void;
}

/** Callbacks a provider calls when its channels deliver or die. */
export interface SessionLinkEvents {
  /** One frame arrived, whole or as parts that concatenate to it (e.g. WebSocket fragments). Not modified afterwards by the link. */
  receive(channel: ChannelKind, bytes: FrameBytes): void;
  /** The channel failed underneath (not an orderly DISCONNECT). */
  lost(reason: string): void;
}
