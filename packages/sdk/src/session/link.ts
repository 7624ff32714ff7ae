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
  /** Gracefully closes: frames already handed to the reliable channel are still delivered. Idempotent. */
  close(): void;
}

/** Callbacks a provider calls when its channels deliver or die. */
export interface SessionLinkEvents {
  receive(channel: ChannelKind, bytes: Uint8Array): void;
  /** The channel failed underneath (not an orderly DISCONNECT). */
  lost(reason: string): void;
}
