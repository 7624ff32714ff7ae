/**
 * Malformed input is a value, not an exception: every decoder returns a
 * {@link Decoded} and each failure carries a stable {@link CodecErrorCode}
 * that a server can count as a drop reason.
 */

/** Stable reasons a STUN/TURN/ChannelData decode fails. */
export type CodecErrorCode =
  /** Fewer bytes than the fixed header needs. */
  | 'TOO_SHORT'
  /** First two bits are not 0b00 or the magic cookie is wrong. */
  | 'NOT_STUN'
  /** Header length is not a multiple of 4 or disagrees with the byte count. */
  | 'BAD_MESSAGE_LENGTH'
  /** An attribute (or its padding) runs past the end, or has the wrong size for its type. */
  | 'BAD_ATTRIBUTE_LENGTH'
  /** An attribute other than MESSAGE-INTEGRITY-SHA256/FINGERPRINT follows an integrity attribute. */
  | 'ATTRIBUTE_AFTER_INTEGRITY'
  /** Any attribute follows FINGERPRINT. */
  | 'ATTRIBUTE_AFTER_FINGERPRINT'
  /** FINGERPRINT present but the CRC-32 does not match. */
  | 'BAD_FINGERPRINT'
  /** Address attribute of the wrong length for its family. */
  | 'BAD_ADDRESS'
  /** Address family is neither 0x01 (IPv4) nor 0x02 (IPv6). */
  | 'BAD_ADDRESS_FAMILY'
  /** A value outside its allowed range, or text that is not UTF-8. */
  | 'BAD_VALUE'
  /** Channel number outside 0x4000..0x4FFF. */
  | 'BAD_CHANNEL_NUMBER'
  /** A value or frame larger than its documented limit. */
  | 'TOO_LARGE'
  /** More attributes than the decoder's `maxAttributes`. */
  | 'TOO_MANY_ATTRIBUTES'
  /** A stream byte that starts neither a STUN message nor ChannelData. */
  | 'UNKNOWN_FRAME';

export interface CodecError {
  readonly code: CodecErrorCode;
  readonly message: string;
}

export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: CodecError };

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: CodecErrorCode, message: string): Decoded<T> {
  return { ok: false, error: { code, message } };
}

/** Stable reasons an encoder refuses its (trusted, programmer-supplied) input. */
export type EncodeErrorCode = 'TOO_LARGE' | 'BAD_VALUE' | 'BAD_ADDRESS' | 'BAD_CHANNEL_NUMBER';

/**
 * Thrown by encoders for programmer errors (a value that cannot be put on the
 * wire). Decoders never throw.
 */
export class StunEncodeError extends Error {
  override readonly name = 'StunEncodeError';
  constructor(
    readonly code: EncodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
