/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by STUN FINGERPRINT. */

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 of `bytes` as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** FINGERPRINT value (RFC 8489 §14.7): CRC-32 of the preceding bytes XOR 0x5354554E. */
export function fingerprintOf(bytesBefore: Uint8Array): number {
  return (crc32(bytesBefore) ^ 0x5354554e) >>> 0;
}
