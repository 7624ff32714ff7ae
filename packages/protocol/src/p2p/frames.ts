/**
 * peerlink P2P session frames: carried over any provider's channels
 * (WebRTC data channels, simulator links, tunnel WebSockets).
 *
 * Every frame has a 9-byte header: `type u8 | streamId u32 BE | length u32 BE`,
 * then `length` payload bytes. One channel message carries one frame; over a
 * byte stream the header's length delimits frames (see {@link FrameReader}).
 * Both peers send HELLO first; the connection uses the highest version both
 * list and the intersection of their capabilities.
 */

/** Session protocol versions this implementation speaks, best first. */
export const P2P_PROTOCOL_VERSIONS: readonly number[] = [1];

/** Header size in bytes. */
export const FRAME_HEADER_LENGTH = 9;
/** Largest payload of any frame (64 KiB). Larger frames are a decode error. */
export const MAX_FRAME_PAYLOAD = 65_536;
/** Largest DISCONNECT reason in UTF-8 bytes. */
export const MAX_DISCONNECT_REASON_BYTES = 256;
/** Most versions a HELLO may list. */
export const MAX_HELLO_VERSIONS = 16;
/** Most capabilities a HELLO may list. */
export const MAX_HELLO_CAPABILITIES = 32;
/** Longest capability name in bytes; names match {@link CAPABILITY_PATTERN}. */
export const MAX_CAPABILITY_LENGTH = 64;
/** Capability names: lowercase ASCII letters, digits, `-`, `.`, `/`. */
export const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9./-]*$/;
/** PING/PONG opaque payload length. */
export const PING_PAYLOAD_LENGTH = 8;
/**
 * Send credit every stream starts with in both directions, before any
 * STREAM_WINDOW (like HTTP/2's initial window). A receiver that wants a larger
 * window grants the difference with STREAM_WINDOW; STREAM_OPEN's
 * `initialWindow` tells the acceptor the opener's full window at once.
 */
export const DEFAULT_STREAM_WINDOW = 65_536;
/** Largest stream id (ids are u32; 0 means "no stream"). */
export const MAX_STREAM_ID = 0xffff_ffff;

/** Frame type codes on the wire. */
export const FrameType = {
  HELLO: 0x01,
  DATA: 0x02,
  STREAM_OPEN: 0x03,
  STREAM_DATA: 0x04,
  STREAM_WINDOW: 0x05,
  STREAM_CLOSE: 0x06,
  PING: 0x07,
  PONG: 0x08,
  DISCONNECT: 0x09,
} as const;
export type FrameTypeName = keyof typeof FrameType;

/** STREAM_CLOSE kinds: FIN ends our sending half; RESET aborts both halves. */
export type StreamCloseKind = 'fin' | 'reset';

export interface HelloFrame {
  readonly type: 'HELLO';
  /** Versions the sender speaks (1..16 entries, each 1..65535). */
  readonly versions: readonly number[];
  /** Optional features the sender supports (0..32 names). */
  readonly capabilities: readonly string[];
}
/** Application message (the connection's `send()`); may travel over an unreliable channel. */
export interface DataFrame {
  readonly type: 'DATA';
  readonly payload: Uint8Array;
}
export interface StreamOpenFrame {
  readonly type: 'STREAM_OPEN';
  readonly streamId: number;
  /** Bytes the opener allows the peer to send before the first STREAM_WINDOW. */
  readonly initialWindow: number;
}
export interface StreamDataFrame {
  readonly type: 'STREAM_DATA';
  readonly streamId: number;
  /** 1..MAX_FRAME_PAYLOAD bytes; consumes that much send credit. */
  readonly payload: Uint8Array;
}
export interface StreamWindowFrame {
  readonly type: 'STREAM_WINDOW';
  readonly streamId: number;
  /** Additional bytes of credit granted (>= 1). */
  readonly increment: number;
}
export interface StreamCloseFrame {
  readonly type: 'STREAM_CLOSE';
  readonly streamId: number;
  readonly kind: StreamCloseKind;
}
export interface PingFrame {
  readonly type: 'PING';
  /** 8 opaque bytes echoed by PONG. */
  readonly opaque: Uint8Array;
}
export interface PongFrame {
  readonly type: 'PONG';
  readonly opaque: Uint8Array;
}
export interface DisconnectFrame {
  readonly type: 'DISCONNECT';
  /** Human-readable reason, at most 256 UTF-8 bytes. */
  readonly reason: string;
}

export type P2PFrame =
  | HelloFrame
  | DataFrame
  | StreamOpenFrame
  | StreamDataFrame
  | StreamWindowFrame
  | StreamCloseFrame
  | PingFrame
  | PongFrame
  | DisconnectFrame;

/** Why bytes did not decode. Stable codes, suitable as counter labels. */
export type FrameDecodeErrorCode =
  | 'TRUNCATED_HEADER'
  | 'LENGTH_MISMATCH'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNKNOWN_TYPE'
  | 'INVALID_STREAM_ID'
  | 'INVALID_PAYLOAD';

export interface FrameDecodeError {
  readonly code: FrameDecodeErrorCode;
  readonly detail: string;
}

export type FrameDecodeResult =
  | { readonly ok: true; readonly frame: P2PFrame }
  | { readonly ok: false; readonly error: FrameDecodeError };

/**
 * Picks the highest version both peers list, or `undefined` when they share none.
 */
export function negotiateVersion(local: readonly number[], remote: readonly number[]): number | undefined {
  const common = local.filter((v) => remote.includes(v));
  return common.length === 0 ? undefined : Math.max(...common);
}
