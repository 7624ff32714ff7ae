// Minimal STUN/TURN encoder/decoder for the load generator (RFC 8489, RFC 8656).
// Self-contained on purpose: the benchmark runs with plain `node`, no build step,
// and must not share bugs with the codec it is used to measure.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const MAGIC_COOKIE = 0x2112a442;
export const METHOD = { Allocate: 0x003, Refresh: 0x004, CreatePermission: 0x008, ChannelBind: 0x009 };
export const CLASS = { Request: 0, Indication: 1, Success: 2, Error: 3 };
export const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
  XOR_MAPPED_ADDRESS: 0x0020,
};

const pad4 = (n) => (n + 3) & ~3;

function messageType(method, cls) {
  return (method & 0xf) | ((method & 0x70) << 1) | ((method & 0xf80) << 2) | ((cls & 1) << 4) | ((cls & 2) << 7);
}

/** TURN REST credentials (draft-uberti-behave-turn-rest, as implemented by coturn). */
export function restCredentials(secret, user, ttlSeconds) {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${user}`;
  const password = createHmac('sha1', secret).update(username).digest('base64');
  return { username, password };
}

/** Long-term key MD5(username:realm:password); passwords here are ASCII, so no SASLprep. */
export function longTermKey(username, realm, password) {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

export function xorAddress(ip, port, transactionId) {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4) throw new Error(`IPv4 only: ${ip}`);
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  v.writeUInt32BE((((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) ^ MAGIC_COOKIE) >>> 0, 4);
  void transactionId; // IPv4 XOR uses the cookie only
  return v;
}

export function decodeXorAddress(v) {
  if (v.length !== 8 || v[1] !== 0x01) return undefined;
  const port = v.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const n = (v.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return { address: `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`, port };
}

export function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Build a request; `attrs` is [type, Buffer][]; `key` adds MESSAGE-INTEGRITY. */
export function buildRequest(method, attrs, key) {
  const transactionId = randomBytes(12);
  const body = attrs.reduce((n, [, v]) => n + 4 + pad4(v.length), 0) + (key ? 24 : 0);
  const out = Buffer.alloc(20 + body);
  out.writeUInt16BE(messageType(method, CLASS.Request), 0);
  out.writeUInt16BE(body, 2);
  out.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(out, 8);
  let pos = 20;
  for (const [type, value] of attrs) {
    out.writeUInt16BE(type, pos);
    out.writeUInt16BE(value.length, pos + 2);
    value.copy(out, pos + 4);
    pos += 4 + pad4(value.length);
  }
  if (key) {
    const mac = createHmac('sha1', key).update(out.subarray(0, pos)).digest();
    out.writeUInt16BE(ATTR.MESSAGE_INTEGRITY, pos);
    out.writeUInt16BE(20, pos + 2);
    mac.copy(out, pos + 4);
  }
  return { bytes: out, transactionId };
}

/** Parse a response: { method, cls, transactionId, attrs: Map<type, Buffer> } or undefined. */
export function parseMessage(buf) {
  if (buf.length < 20 || buf[0] > 3 || buf.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const length = buf.readUInt16BE(2);
  if (20 + length > buf.length) return undefined;
  const type = buf.readUInt16BE(0);
  const method = (type & 0xf) | ((type >> 1) & 0x70) | ((type >> 2) & 0xf80);
  const cls = ((type >> 4) & 1) | ((type >> 7) & 2);
  const attrs = new Map();
  for (let pos = 20; pos + 4 <= 20 + length; ) {
    const t = buf.readUInt16BE(pos);
    const l = buf.readUInt16BE(pos + 2);
    if (pos + 4 + l > 20 + length) return undefined;
    if (!attrs.has(t)) attrs.set(t, buf.subarray(pos + 4, pos + 4 + l));
    pos += 4 + pad4(l);
  }
  return { method, cls, transactionId: buf.subarray(8, 20), attrs };
}

export function errorCode(msg) {
  const v = msg.attrs.get(ATTR.ERROR_CODE);
  return v && v.length >= 4 ? (v[2] & 7) * 100 + v[3] : undefined;
}
