/**
 * Limits of the signaling protocol. Every limit is a named constant so that
 * servers, clients and tests agree; servers may tighten the configurable ones.
 */

/** Default maximum size of an SDP session description, in UTF-8 bytes (64 KiB). */
export const DEFAULT_MAX_SDP_BYTES = 65_536;

/** Maximum length of one ICE `candidate:` line, in characters (RFC 8839 lines are far shorter). */
export const MAX_CANDIDATE_LENGTH = 1_024;

/** Maximum length of an `sdpMid` or `usernameFragment` value, in characters. */
export const MAX_MID_LENGTH = 256;

/** Maximum `sdpMLineIndex` accepted (one m= section per index). */
export const MAX_MLINE_INDEX = 1_023;

/** Maximum length of a chat id, call id or user id on the wire, in characters. */
export const MAX_ID_LENGTH = 128;

/** Maximum length of one SDP line, in characters (a large fingerprint or ssrc line is < 300). */
export const MAX_SDP_LINE_LENGTH = 4_096;

/** Limits a server applies when it parses client events. */
export interface SignalingLimits {
  /** Maximum size of an SDP session description in UTF-8 bytes. Default {@link DEFAULT_MAX_SDP_BYTES}. */
  readonly maxSdpBytes: number;
}

export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = { maxSdpBytes: DEFAULT_MAX_SDP_BYTES };
