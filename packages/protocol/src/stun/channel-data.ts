/**
 * ChannelData messages (RFC 8656 §12.4): a 4-byte header (channel number,
 * length) followed by application data. This is the TURN hot path, so decoding
 * returns a view (no copy) and encoding allocates exactly one buffer.
 */
import { CHANNEL_DATA_HEADER_BYTES, MAX_CHANNEL_DATA_PAYLOAD_BYTES, MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from './constants.js';
import { fail, ok, StunEncodeError, type Decoded } from './errors.js';

export interface ChannelData {
  /** Channel number, 0x4000..0x4FFF. */
  readonly channel: number;
  /** The application data: a view into the decoded bytes. */
  readonly data: Uint8Array;
}

export interface EncodeChannelDataOptions {
  /** Pad the message to a multiple of 4 bytes, as TCP/TLS transports require (RFC 8656 §12.5). @default false */
  readonly pad?: boolean;
}

/**
 * Decode a ChannelData message. Up to 3 trailing bytes (padding, which TCP
 * senders and some UDP senders add) are ignored; anything beyond the padding
 * is 'BAD_MESSAGE_LENGTH'.
 */
export function decodeChannelData(bytes: Uint8Array): Decoded<ChannelData> {
  if (bytes.length < CHANNEL_DATA_HEADER_BYTES) return fail('TOO_SHORT', `${bytes.length} bytes, header needs 4`);
  const channel = (bytes[0]! << 8) | bytes[1]!;
  if (channel < MIN_CHANNEL_NUMBER || channel > MAX_CHANNEL_NUMBER) {
    return fail('BAD_CHANNEL_NUMBER', `channel 0x${channel.toString(16)} outside 0x4000..0x4fff`);
  }
  const length = (bytes[2]! << 8) | bytes[3]!;
  const end = CHANNEL_DATA_HEADER_BYTES + length;
  if (end > bytes.length) return fail('BAD_MESSAGE_LENGTH', `length ${length} but ${bytes.length - 4} data bytes`);
  if (bytes.length > ((end + 3) & ~3)) {
    return fail('BAD_MESSAGE_LENGTH', `${bytes.length - end} bytes after data of length ${length}`);
  }
  return ok({ channel, data: bytes.subarray(CHANNEL_DATA_HEADER_BYTES, end) });
}

/**
 * Just the 4-byte ChannelData header, for scatter/gather sends
 * (`socket.send([header, data])`) that relay the payload without copying it.
 * Throws {@link StunEncodeError} on a bad channel or oversize length.
 */
export function encodeChannelDataHeader(channel: number, length: number): Uint8Array {
  if (!Number.isInteger(channel) || channel < MIN_CHANNEL_NUMBER || channel > MAX_CHANNEL_NUMBER) {
    throw new StunEncodeError('BAD_CHANNEL_NUMBER', `channel ${channel} outside 0x4000..0x4fff`);
  }
  if (!Number.isInteger(length) || length < 0 || length > MAX_CHANNEL_DATA_PAYLOAD_BYTES) {
    throw new StunEncodeError('TOO_LARGE', `ChannelData payload of ${length} bytes`);
  }
  return Uint8Array.of(channel >> 8, channel & 0xff, length >> 8, length & 0xff);
}

/** Encode a ChannelData message (one allocation, one copy of `data`). Throws {@link StunEncodeError} on a bad channel or oversize data. */
export function encodeChannelData(channel: number, data: Uint8Array, options?: EncodeChannelDataOptions): Uint8Array {
  const header = encodeChannelDataHeader(channel, data.length);
  const size = CHANNEL_DATA_HEADER_BYTES + data.length;
  const out = new Uint8Array(options?.pad ? (size + 3) & ~3 : size);
  out.set(header, 0);
  out.set(data, CHANNEL_DATA_HEADER_BYTES);
  return out;
}
