import type { P2PErrorCode } from '../contract/errors.js';

/** Which provider channel carries a frame: reliable+ordered, or best-effort datagrams. */
export type ChannelKind = 'reliable' | 'unreliable';

/** What the session core asks its driver to do. Drivers handle every variant (exhaustive switch). */
export type SessionAction =
  /**
   * Send one frame, given as parts to write back to back (`[header, payload]`
   * for data frames, the payload being the writer's own bytes, not a copy).
   */
  | { readonly type: 'transmit'; readonly channel: ChannelKind; readonly parts: readonly Uint8Array[] }
  | { readonly type: 'ready'; readonly version: number; readonly capabilities: readonly string[] }
  | { readonly type: 'message'; readonly payload: Uint8Array }
  | { readonly type: 'stream-incoming'; readonly streamId: number }
  | { readonly type: 'stream-data'; readonly streamId: number; readonly payload: Uint8Array }
  /** Send credit grew: a blocked writer may continue. */
  | { readonly type: 'stream-credit'; readonly streamId: number }
  /** The peer finished sending (FIN). */
  | { readonly type: 'stream-end'; readonly streamId: number }
  /** The peer reset the stream, or the session closed under it. */
  | { readonly type: 'stream-reset'; readonly streamId: number }
  | { readonly type: 'rtt'; readonly rttMs: number }
  /** Input that was ignored, with a stable reason suitable as a counter label. */
  | { readonly type: 'dropped'; readonly reason: DropReason }
  /** The session ended; `code` is undefined for an orderly DISCONNECT. */
  | {
      readonly type: 'closed';
      readonly initiator: 'local' | 'remote';
      readonly reason: string;
      readonly code: P2PErrorCode | undefined;
    };

export type DropReason =
  | 'malformed-unreliable-frame'
  | 'unexpected-unreliable-frame'
  | 'data-before-ready'
  | 'unknown-stream'
  | 'stream-limit'
  | 'message-queue-full'
  | 'stale-pong'
  | 'after-close';
