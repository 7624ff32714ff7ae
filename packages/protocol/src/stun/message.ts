/**
 * STUN message framing (RFC 8489 §5, §6): header, attribute TLVs and the
 * placement rules for MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT.
 * Decoding is zero-copy: attribute values and `raw` are views into the input.
 */
import {
  Attr,
  ATTRIBUTE_HEADER_BYTES,
  MAGIC_COOKIE,
  STUN_HEADER_BYTES,
  type StunClass,
} from './constants.js';
import { fingerprintOf } from './crc32.js';
import { fail, ok, type Decoded } from './errors.js';

/** One attribute as found on the wire. */
export interface RawAttribute {
  readonly type: number;
  /** The value without padding; a view into the decoded bytes. */
  readonly value: Uint8Array;
  /** Byte offset of the attribute header within `raw`. */
  readonly offset: number;
}

export interface StunMessage {
  /** 12-bit method, e.g. {@link StunMethod.Allocate}. */
  readonly method: number;
  readonly class: StunClass;
  /** The 12-byte transaction id (a view). */
  readonly transactionId: Uint8Array;
  /** Attributes in wire order, duplicates kept. */
  readonly attributes: readonly RawAttribute[];
  /** Exactly the header and body (a view). */
  readonly raw: Uint8Array;
}

export interface DecodeStunOptions {
  /**
   * Most attributes accepted in one message; more fails with
   * `TOO_MANY_ATTRIBUTES`. Bounds the work a hostile datagram can cause.
   * @default {@link DEFAULT_MAX_ATTRIBUTES}
   */
  readonly maxAttributes?: number;
}

/** Default for {@link DecodeStunOptions.maxAttributes}: far above any legitimate TURN message. */
export const DEFAULT_MAX_ATTRIBUTES = 64;

/** Compose the 14-bit message type from method and class (RFC 8489 §5, Figure 3). */
export function encodeMessageType(method: number, cls: StunClass): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((cls & 0b01) << 4) |
    ((cls & 0b10) << 7)
  );
}

/** Split a 14-bit message type into method and class. */
export function decodeMessageType(type: number): { method: number; class: StunClass } {
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const cls = (((type >> 4) & 0b01) | ((type >> 7) & 0b10)) as StunClass;
  return { method, class: cls };
}

function readUint16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

function readUint32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/**
 * Decode one STUN message occupying exactly `bytes` (a UDP datagram or a
 * frame from {@link StunStreamFramer}).
 *
 * Placement rules (RFC 8489 §14.5–§14.7), enforced strictly: where the RFC
 * says to *ignore* attributes after MESSAGE-INTEGRITY, this decoder *rejects*
 * the message instead, so a server never acts on unauthenticated attributes.
 * After MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may
 * follow; after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT; after FINGERPRINT
 * nothing. A FINGERPRINT that is present is verified.
 */
export function decodeStunMessage(bytes: Uint8Array, options?: DecodeStunOptions): Decoded<StunMessage> {
  const maxAttributes = options?.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
  if (bytes.length < STUN_HEADER_BYTES) return fail('TOO_SHORT', `${bytes.length} bytes, header needs 20`);
  const type = readUint16(bytes, 0);
  if ((type & 0xc000) !== 0) return fail('NOT_STUN', 'first two bits are not zero');
  if (readUint32(bytes, 4) !== MAGIC_COOKIE) return fail('NOT_STUN', 'wrong magic cookie');
  const length = readUint16(bytes, 2);
  if (length % 4 !== 0) return fail('BAD_MESSAGE_LENGTH', `length ${length} is not a multiple of 4`);
  if (STUN_HEADER_BYTES + length !== bytes.length) {
    return fail('BAD_MESSAGE_LENGTH', `length ${length} but ${bytes.length - STUN_HEADER_BYTES} body bytes`);
  }
  const attributes: RawAttribute[] = [];
  let seenIntegrity = false;
  let seenIntegritySha256 = false;
  let seenFingerprint = false;
  for (let pos = STUN_HEADER_BYTES; pos < bytes.length; ) {
    if (seenFingerprint) return fail('ATTRIBUTE_AFTER_FINGERPRINT', `attribute at offset ${pos} after FINGERPRINT`);
    if (attributes.length >= maxAttributes) return fail('TOO_MANY_ATTRIBUTES', `more than ${maxAttributes} attributes`);
    // The body length is a multiple of 4, so a full attribute header always fits here.
    const attrType = readUint16(bytes, pos);
    const attrLength = readUint16(bytes, pos + 2);
    const end = pos + ATTRIBUTE_HEADER_BYTES + attrLength;
    const padded = end + ((4 - (attrLength & 3)) & 3);
    if (padded > bytes.length) {
      return fail('BAD_ATTRIBUTE_LENGTH', `attribute 0x${attrType.toString(16)} of ${attrLength} bytes overruns the message`);
    }
    if (attrType === Attr.FINGERPRINT) {
      if (attrLength !== 4) return fail('BAD_ATTRIBUTE_LENGTH', `FINGERPRINT of ${attrLength} bytes`);
      seenFingerprint = true;
    } else if (seenIntegritySha256) {
      return fail('ATTRIBUTE_AFTER_INTEGRITY', `attribute 0x${attrType.toString(16)} after MESSAGE-INTEGRITY-SHA256`);
    } else if (attrType === Attr.MESSAGE_INTEGRITY_SHA256) {
      seenIntegritySha256 = true;
    } else if (seenIntegrity) {
      return fail('ATTRIBUTE_AFTER_INTEGRITY', `attribute 0x${attrType.toString(16)} after MESSAGE-INTEGRITY`);
    } else if (attrType === Attr.MESSAGE_INTEGRITY) {
      seenIntegrity = true;
    }
    attributes.push({ type: attrType, value: bytes.subarray(pos + ATTRIBUTE_HEADER_BYTES, end), offset: pos });
    pos = padded;
  }
  if (seenFingerprint) {
    const fp = attributes[attributes.length - 1]!;
    const expected = fingerprintOf(bytes.subarray(0, fp.offset));
    if (readUint32(fp.value, 0) !== expected) return fail('BAD_FINGERPRINT', 'FINGERPRINT does not match');
  }
  const { method, class: cls } = decodeMessageType(type);
  return ok({ method, class: cls, transactionId: bytes.subarray(8, 20), attributes, raw: bytes });
}

/** The first attribute of `type`, or undefined (RFC 8489 §14: later duplicates are ignored). */
export function getAttribute(msg: StunMessage, type: number): RawAttribute | undefined {
  for (const a of msg.attributes) if (a.type === type) return a;
  return undefined;
}

/**
 * Demultiplex a datagram by first byte (RFC 7983 §7, RFC 8656 §12): 0..3 is
 * STUN, 64..79 is ChannelData, everything else (DTLS, RTP, ...) is 'unknown'.
 * STUN methods above 0xff (none are registered for TURN) start with a byte
 * of 4..63 and are therefore 'unknown' here; {@link StunStreamFramer} uses
 * the first two bits instead.
 */
export function classifyPacket(bytes: Uint8Array): 'stun' | 'channel-data' | 'unknown' {
  if (bytes.length === 0) return 'unknown';
  const b = bytes[0]!;
  if (b <= 3) return 'stun';
  if (b >= 64 && b <= 79) return 'channel-data';
  return 'unknown';
}
