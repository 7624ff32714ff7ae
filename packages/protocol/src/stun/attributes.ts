/**
 * Decoders for individual attribute values (RFC 8489 §14, RFC 8656 §18).
 * Each takes the value bytes (without padding) and returns a {@link Decoded}.
 */
import { MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from './constants.js';
import { fail, ok, type Decoded } from './errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function exactLength(value: Uint8Array, n: number, name: string): Decoded<never> | undefined {
  return value.length === n ? undefined : fail('BAD_ATTRIBUTE_LENGTH', `${name} of ${value.length} bytes, expected ${n}`);
}

/** Strict UTF-8 text of at most `maxBytes` bytes (e.g. MAX_USERNAME_BYTES). */
export function decodeUtf8(value: Uint8Array, maxBytes: number): Decoded<string> {
  if (value.length > maxBytes) return fail('TOO_LARGE', `text of ${value.length} bytes exceeds ${maxBytes}`);
  try {
    return ok(strictUtf8.decode(value));
  } catch {
    return fail('BAD_VALUE', 'text is not valid UTF-8');
  }
}

/** A 32-bit unsigned integer value (LIFETIME, PRIORITY, ...). */
export function decodeUint32(value: Uint8Array): Decoded<number> {
  const bad = exactLength(value, 4, 'uint32 value');
  if (bad) return bad;
  return ok(((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0);
}

/** A 64-bit unsigned integer value (ICE-CONTROLLED/ICE-CONTROLLING tie-breaker). */
export function decodeUint64(value: Uint8Array): Decoded<bigint> {
  const bad = exactLength(value, 8, 'uint64 value');
  if (bad) return bad;
  let n = 0n;
  for (const b of value) n = (n << 8n) | BigInt(b);
  return ok(n);
}

/** ERROR-CODE (RFC 8489 §14.8): class 3..6, number 0..99, UTF-8 reason. */
export function decodeErrorCode(value: Uint8Array): Decoded<{ code: number; reason: string }> {
  if (value.length < 4) return fail('BAD_ATTRIBUTE_LENGTH', `ERROR-CODE of ${value.length} bytes`);
  const cls = value[2]! & 0x07;
  const num = value[3]!;
  if (cls < 3 || cls > 6 || num > 99) return fail('BAD_VALUE', `error class ${cls} number ${num}`);
  const reason = decodeUtf8(value.subarray(4), 763);
  if (!reason.ok) return reason;
  return ok({ code: cls * 100 + num, reason: reason.value });
}

/** REQUESTED-TRANSPORT (RFC 8656 §18.7): the IP protocol number (17 = UDP). */
export function decodeRequestedTransport(value: Uint8Array): Decoded<number> {
  const bad = exactLength(value, 4, 'REQUESTED-TRANSPORT');
  if (bad) return bad;
  return ok(value[0]!);
}

/** CHANNEL-NUMBER (RFC 8656 §18.1): must be 0x4000..0x4FFF. */
export function decodeChannelNumber(value: Uint8Array): Decoded<number> {
  const bad = exactLength(value, 4, 'CHANNEL-NUMBER');
  if (bad) return bad;
  const channel = (value[0]! << 8) | value[1]!;
  if (channel < MIN_CHANNEL_NUMBER || channel > MAX_CHANNEL_NUMBER) {
    return fail('BAD_CHANNEL_NUMBER', `channel 0x${channel.toString(16)} outside 0x4000..0x4fff`);
  }
  return ok(channel);
}

/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): a list of 16-bit types. */
export function decodeUnknownAttributes(value: Uint8Array): Decoded<number[]> {
  if (value.length % 2 !== 0) return fail('BAD_ATTRIBUTE_LENGTH', `UNKNOWN-ATTRIBUTES of ${value.length} bytes`);
  const types: number[] = [];
  for (let i = 0; i < value.length; i += 2) types.push((value[i]! << 8) | value[i + 1]!);
  return ok(types);
}

/** REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6): 0x01 IPv4, 0x02 IPv6. */
export function decodeRequestedAddressFamily(value: Uint8Array): Decoded<'IPv4' | 'IPv6'> {
  const bad = exactLength(value, 4, 'REQUESTED-ADDRESS-FAMILY');
  if (bad) return bad;
  if (value[0] === 0x01) return ok('IPv4');
  if (value[0] === 0x02) return ok('IPv6');
  return fail('BAD_ADDRESS_FAMILY', `address family 0x${value[0]!.toString(16)}`);
}

/** EVEN-PORT (RFC 8656 §18.8): one byte, top bit R = reserve the next port. */
export function decodeEvenPort(value: Uint8Array): Decoded<{ reserveNext: boolean }> {
  const bad = exactLength(value, 1, 'EVEN-PORT');
  if (bad) return bad;
  return ok({ reserveNext: (value[0]! & 0x80) !== 0 });
}

/** PASSWORD-ALGORITHMS (RFC 8489 §14.11): repeated (algorithm, params) with 4-byte padded params. */
export function decodePasswordAlgorithms(value: Uint8Array): Decoded<{ algorithm: number; params: Uint8Array }[]> {
  const out: { algorithm: number; params: Uint8Array }[] = [];
  let pos = 0;
  while (pos < value.length) {
    if (pos + 4 > value.length) return fail('BAD_ATTRIBUTE_LENGTH', 'truncated PASSWORD-ALGORITHMS entry');
    const algorithm = (value[pos]! << 8) | value[pos + 1]!;
    const len = (value[pos + 2]! << 8) | value[pos + 3]!;
    const end = pos + 4 + len;
    if (end > value.length) return fail('BAD_ATTRIBUTE_LENGTH', 'PASSWORD-ALGORITHMS parameters overrun');
    out.push({ algorithm, params: value.subarray(pos + 4, end) });
    pos = Math.min(value.length, end + ((4 - (len & 3)) & 3));
  }
  return ok(out);
}

/** PASSWORD-ALGORITHM (RFC 8489 §14.12): one (algorithm, params) entry. */
export function decodePasswordAlgorithm(value: Uint8Array): Decoded<{ algorithm: number; params: Uint8Array }> {
  const list = decodePasswordAlgorithms(value);
  if (!list.ok) return list;
  const [first, ...rest] = list.value;
  if (!first || rest.length > 0) return fail('BAD_ATTRIBUTE_LENGTH', 'PASSWORD-ALGORITHM must hold one entry');
  return ok(first);
}

/** True for types 0x0000..0x7FFF, which a receiver must understand (RFC 8489 §14). */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/**
 * Comprehension-required attribute types in `attributes` that are not in
 * `known`, each once, in wire order; a non-empty result means a request must
 * be answered with 420 (Unknown Attribute) listing them.
 */
export function unknownComprehensionRequired(
  msg: { readonly attributes: readonly { readonly type: number }[] },
  known: ReadonlySet<number>,
): number[] {
  const out: number[] = [];
  for (const { type } of msg.attributes) {
    if (isComprehensionRequired(type) && !known.has(type) && !out.includes(type)) out.push(type);
  }
  return out;
}
