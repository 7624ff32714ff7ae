/**
 * RFC 4648 §6 base32, lowercase alphabet, no padding.
 *
 * Lowercase letters and the digits 2–7 survive double-click selection, URLs,
 * DNS labels and case-insensitive filesystems, which is why peer ids use it.
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const LOOKUP: ReadonlyMap<string, number> = new Map([...ALPHABET].map((ch, i) => [ch, i]));

/** Encodes bytes as unpadded lowercase base32. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes unpadded lowercase base32. Returns `undefined` for a character
 * outside the alphabet, an impossible length, or non-zero trailing bits
 * (so every byte string has exactly one accepted text form).
 */
export function decodeBase32(text: string): Uint8Array | undefined {
  const remainder = text.length % 8;
  if (remainder === 1 || remainder === 3 || remainder === 6) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const ch of text) {
    const value = LOOKUP.get(ch);
    if (value === undefined) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
