/**
 * Session description validation (RFC 8866 line grammar, JSEP `{type, sdp}`).
 *
 * The gateway never interprets SDP; it only refuses text that cannot be a
 * session description, so that peers are not fed garbage through it. Checked:
 * size, `<type>=<value>` lines separated by CRLF or LF, the mandatory `v=0`,
 * `o=` (six fields), `s=` prefix in that order, and a `t=` line before the
 * first media section.
 */
import { MAX_SDP_LINE_LENGTH } from './limits.js';

export const SDP_TYPES = ['offer', 'answer', 'pranswer', 'rollback'] as const;
export type SdpType = (typeof SDP_TYPES)[number];

/** The JSEP form of a description (`RTCSessionDescriptionInit`). */
export interface SessionDescription {
  readonly type: SdpType;
  readonly sdp: string;
}

export interface SdpProblem {
  readonly code: 'INVALID_SDP' | 'PAYLOAD_TOO_LARGE';
  readonly message: string;
}

/** Number of bytes `text` takes in UTF-8, stopping early once past `stopAfter`. */
export function utf8ByteLength(text: string, stopAfter = Number.POSITIVE_INFINITY): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= stopAfter; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4; // surrogate pair: one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// <type>=<value>: one lowercase letter, '=', then any text without CR, LF or NUL.
const LINE = /^[a-z]=[^\r\n\0]*$/;
// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
const ORIGIN = /^o=\S+ \d+ \d+ \S+ \S+ \S+$/;

function problem(message: string): SdpProblem {
  return { code: 'INVALID_SDP', message };
}

/**
 * Checks that `sdp` is a well-formed session description no larger than
 * `maxBytes`. Returns the first problem found, or `null` when it is well formed.
 */
export function checkSessionDescriptionText(sdp: string, maxBytes: number): SdpProblem | null {
  if (sdp.length > maxBytes || utf8ByteLength(sdp, maxBytes) > maxBytes) {
    return { code: 'PAYLOAD_TOO_LARGE', message: `SDP larger than ${maxBytes} bytes` };
  }
  const lines = sdp.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop(); // final line break
  if (lines.length < 4) return problem('SDP needs v=, o=, s= and t= lines');
  let sawTiming = false;
  for (const [index, line] of lines.entries()) {
    if (line.length > MAX_SDP_LINE_LENGTH) return problem(`SDP line ${index + 1} is too long`);
    if (!LINE.test(line)) return problem(`SDP line ${index + 1} is not <type>=<value>`);
    if (line.startsWith('t=')) sawTiming = true;
    if (line.startsWith('m=') && !sawTiming) return problem('SDP has a media section before its t= line');
  }
  if (lines[0] !== 'v=0') return problem('SDP must start with v=0');
  if (!ORIGIN.test(lines[1] ?? '')) return problem('SDP line 2 must be a well-formed o= line');
  if (!(lines[2] ?? '').startsWith('s=')) return problem('SDP line 3 must be an s= line');
  if (!sawTiming) return problem('SDP has no t= line');
  return null;
}

/**
 * Checks a JSEP description: `rollback` may carry an empty `sdp`; every other
 * type needs a well-formed session description.
 */
export function checkSessionDescription(description: SessionDescription, maxBytes: number): SdpProblem | null {
  if (description.type === 'rollback' && description.sdp === '') return null;
  return checkSessionDescriptionText(description.sdp, maxBytes);
}
