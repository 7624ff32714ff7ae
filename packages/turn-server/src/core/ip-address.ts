/**
 * IP address parsing in pure TypeScript (no `node:net`), so the sans-I/O core
 * can reason about peer addresses byte by byte.
 *
 * Only canonical textual forms are accepted: dotted-quad IPv4 without leading
 * zeros (so `010.0.0.1` is never read as octal), and RFC 4291 §2.2 IPv6 text
 * (with an optional dotted-quad tail) without zone identifiers.
 */

/** An IP address as raw network-order bytes: 4 bytes (IPv4) or 16 bytes (IPv6). */
export interface IpAddress {
  readonly family: 'IPv4' | 'IPv6';
  readonly bytes: Uint8Array;
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 address; `undefined` when it is not one. */
export function parseIPv4(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return { family: 'IPv4', bytes };
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      const b = v4.bytes;
      groups.push(((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0));
      continue;
    }
    if (!HEX_GROUP.test(part)) return undefined;
    groups.push(Number.parseInt(part, 16));
  }
  return groups;
}

/** Parses RFC 4291 IPv6 text (`::`, compressed zeros, dotted-quad tail); `undefined` otherwise. */
export function parseIPv6(text: string): IpAddress | undefined {
  if (text.length > 45 || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return { family: 'IPv6', bytes };
}

/** Parses either family. */
export function parseIpAddress(text: string): IpAddress | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

/** Formats bytes back to text (IPv6 without zero compression; used in logs and tests). */
export function formatIpAddress(ip: IpAddress): string {
  if (ip.family === 'IPv4') return Array.from(ip.bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** True when the first `bits` bits of `a` and `b` are equal (both must be the same length). */
export function prefixMatches(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  if (a.length !== b.length) return false;
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

function ipv4From(bytes: Uint8Array, offset: number, invert = false): IpAddress {
  const out = bytes.slice(offset, offset + 4);
  if (invert) for (let i = 0; i < 4; i++) out[i] = ~(out[i] ?? 0) & 0xff;
  return { family: 'IPv4', bytes: out };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, i) => bytes[i] === value);
}

const ZERO_80 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const MAPPED_PREFIX = [...ZERO_80, 0xff, 0xff];
const COMPATIBLE_PREFIX = [...ZERO_80, 0, 0];
const NAT64_PREFIX = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
const SIX_TO_FOUR_PREFIX = [0x20, 0x02];
const TEREDO_PREFIX = [0x20, 0x01, 0x00, 0x00];

/**
 * Reduces IPv6 forms that embed an IPv4 destination to that IPv4 address, so
 * the peer filter judges where packets really go:
 * IPv4-mapped `::ffff:a.b.c.d` (RFC 4291), IPv4-compatible `::a.b.c.d`
 * (deprecated, RFC 4291 §2.5.5.1; `::` and `::1` stay IPv6), 6to4
 * `2002:AABB:CCDD::/48` (RFC 3056), NAT64 well-known prefix `64:ff9b::/96`
 * (RFC 6052) and Teredo `2001::/32` (RFC 4380, client address stored inverted).
 */
export function normaliseIpAddress(ip: IpAddress): IpAddress {
  if (ip.family === 'IPv4') return ip;
  const b = ip.bytes;
  if (startsWith(b, MAPPED_PREFIX)) return ipv4From(b, 12);
  if (startsWith(b, COMPATIBLE_PREFIX)) {
    const tail = ((b[12] ?? 0) << 24) | ((b[13] ?? 0) << 16) | ((b[14] ?? 0) << 8) | (b[15] ?? 0);
    return tail === 0 || tail === 1 ? ip : ipv4From(b, 12);
  }
  if (startsWith(b, NAT64_PREFIX)) return ipv4From(b, 12);
  if (startsWith(b, SIX_TO_FOUR_PREFIX)) return ipv4From(b, 2);
  if (startsWith(b, TEREDO_PREFIX)) return ipv4From(b, 12, true);
  return ip;
}
