/**
 * Address attribute values: MAPPED-ADDRESS style (RFC 8489 §14.1) and the
 * XOR-* variants (RFC 8489 §14.2, RFC 8656 §18.3/§18.5).
 */
import { MAGIC_COOKIE, TRANSACTION_ID_BYTES } from './constants.js';
import { fail, ok, StunEncodeError, type Decoded } from './errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';

/** An IP address and port in canonical text form (IPv6 compressed lowercase). */
export interface TransportAddress {
  readonly family: 'IPv4' | 'IPv6';
  readonly address: string;
  readonly port: number;
}

const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;
const IPV4_VALUE_BYTES = 8;
const IPV6_VALUE_BYTES = 20;

const COOKIE_BYTES = new Uint8Array([0x21, 0x12, 0xa4, 0x42]);

/** Decode the 4-byte header + address shared by both forms, optionally XORed. */
function decode(value: Uint8Array, mask: Uint8Array | undefined): Decoded<TransportAddress> {
  if (value.length < 4) return fail('BAD_ADDRESS', `address value of ${value.length} bytes`);
  const family = value[1]!;
  let port = (value[2]! << 8) | value[3]!;
  if (mask) port ^= MAGIC_COOKIE >>> 16;
  if (family === FAMILY_IPV4) {
    if (value.length !== IPV4_VALUE_BYTES) return fail('BAD_ADDRESS', `IPv4 address value of ${value.length} bytes`);
    const ip = value.slice(4, 8);
    if (mask) for (let i = 0; i < 4; i++) ip[i]! ^= mask[i]!;
    return ok({ family: 'IPv4', address: formatIPv4(ip), port });
  }
  if (family === FAMILY_IPV6) {
    if (value.length !== IPV6_VALUE_BYTES) return fail('BAD_ADDRESS', `IPv6 address value of ${value.length} bytes`);
    const ip = value.slice(4, 20);
    if (mask) for (let i = 0; i < 16; i++) ip[i]! ^= mask[i]!;
    return ok({ family: 'IPv6', address: formatIPv6(ip), port });
  }
  return fail('BAD_ADDRESS_FAMILY', `address family 0x${family.toString(16)}`);
}

function xorMask(transactionId: Uint8Array): Uint8Array {
  const mask = new Uint8Array(16);
  mask.set(COOKIE_BYTES, 0);
  mask.set(transactionId.subarray(0, TRANSACTION_ID_BYTES), 4);
  return mask;
}

/** Decode a MAPPED-ADDRESS / ALTERNATE-SERVER / RESPONSE-ORIGIN / OTHER-ADDRESS value. */
export function decodeAddress(value: Uint8Array): Decoded<TransportAddress> {
  return decode(value, undefined);
}

/** Decode an XOR-MAPPED-ADDRESS / XOR-PEER-ADDRESS / XOR-RELAYED-ADDRESS value. */
export function decodeXorAddress(value: Uint8Array, transactionId: Uint8Array): Decoded<TransportAddress> {
  if (transactionId.length !== TRANSACTION_ID_BYTES) {
    return fail('BAD_VALUE', `transaction id of ${transactionId.length} bytes`);
  }
  return decode(value, xorMask(transactionId));
}

function encode(addr: TransportAddress, mask: Uint8Array | undefined): Uint8Array {
  if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 0xffff) {
    throw new StunEncodeError('BAD_ADDRESS', `port ${addr.port} out of range`);
  }
  const ip = addr.family === 'IPv4' ? parseIPv4(addr.address) : parseIPv6(addr.address);
  if (!ip) throw new StunEncodeError('BAD_ADDRESS', `not an ${addr.family} address: ${addr.address}`);
  const out = new Uint8Array(4 + ip.length);
  out[1] = addr.family === 'IPv4' ? FAMILY_IPV4 : FAMILY_IPV6;
  const port = mask ? addr.port ^ (MAGIC_COOKIE >>> 16) : addr.port;
  out[2] = port >> 8;
  out[3] = port & 0xff;
  for (let i = 0; i < ip.length; i++) out[4 + i] = mask ? ip[i]! ^ mask[i]! : ip[i]!;
  return out;
}

/** Encode a plain (non-XOR) address value. Throws {@link StunEncodeError} on invalid input. */
export function encodeAddress(addr: TransportAddress): Uint8Array {
  return encode(addr, undefined);
}

/** Encode an XOR-* address value. Throws {@link StunEncodeError} on invalid input. */
export function encodeXorAddress(addr: TransportAddress, transactionId: Uint8Array): Uint8Array {
  if (transactionId.length !== TRANSACTION_ID_BYTES) {
    throw new StunEncodeError('BAD_VALUE', `transaction id of ${transactionId.length} bytes`);
  }
  return encode(addr, xorMask(transactionId));
}
