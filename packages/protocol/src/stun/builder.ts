/**
 * Encoder for STUN messages. Attributes are written in the order added;
 * MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT are appended by {@link StunMessageBuilder.build}.
 */
import { encodeAddress, encodeXorAddress, type TransportAddress } from './address.js';
import {
  Attr,
  ATTRIBUTE_HEADER_BYTES,
  MAGIC_COOKIE,
  MAX_REASON_BYTES,
  MAX_STUN_BODY_BYTES,
  STUN_HEADER_BYTES,
  TRANSACTION_ID_BYTES,
  type StunClass,
} from './constants.js';
import { fingerprintOf } from './crc32.js';
import { StunEncodeError } from './errors.js';
import { computeIntegrity, MESSAGE_INTEGRITY_BYTES, MESSAGE_INTEGRITY_SHA256_BYTES } from './integrity.js';
import { encodeMessageType } from './message.js';

const utf8 = new TextEncoder();

export interface BuildOptions {
  /** Append MESSAGE-INTEGRITY ('sha1') or MESSAGE-INTEGRITY-SHA256 ('sha256') keyed with `key`. */
  readonly integrity?: { readonly key: Uint8Array; readonly algorithm: 'sha1' | 'sha256' };
  /** Append FINGERPRINT as the last attribute. @default false */
  readonly fingerprint?: boolean;
}

function padded(n: number): number {
  return (n + 3) & ~3;
}

export class StunMessageBuilder {
  readonly #type: number;
  readonly #transactionId: Uint8Array;
  readonly #attributes: { type: number; value: Uint8Array }[] = [];
  #bodyBytes = 0;

  /** Throws {@link StunEncodeError} unless `transactionId` is 12 bytes and `method` fits in 12 bits. */
  constructor(method: number, cls: StunClass, transactionId: Uint8Array) {
    if (!Number.isInteger(method) || method < 0 || method > 0xfff) {
      throw new StunEncodeError('BAD_VALUE', `method ${method} does not fit in 12 bits`);
    }
    if (transactionId.length !== TRANSACTION_ID_BYTES) {
      throw new StunEncodeError('BAD_VALUE', `transaction id of ${transactionId.length} bytes`);
    }
    this.#type = encodeMessageType(method, cls);
    this.#transactionId = transactionId.slice();
  }

  /** The transaction id this message carries (a copy taken at construction). */
  get transactionId(): Uint8Array {
    return this.#transactionId;
  }

  /** Append an attribute with a raw value (padded with zeros on the wire). */
  add(type: number, value: Uint8Array): this {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new StunEncodeError('BAD_VALUE', `attribute type ${type}`);
    const size = ATTRIBUTE_HEADER_BYTES + padded(value.length);
    // Reserve room for MESSAGE-INTEGRITY-SHA256 + FINGERPRINT so build() cannot overflow.
    const reserve = ATTRIBUTE_HEADER_BYTES * 2 + MESSAGE_INTEGRITY_SHA256_BYTES + 4;
    if (this.#bodyBytes + size + reserve > MAX_STUN_BODY_BYTES) {
      throw new StunEncodeError('TOO_LARGE', `attribute 0x${type.toString(16)} makes the message too large`);
    }
    this.#attributes.push({ type, value });
    this.#bodyBytes += size;
    return this;
  }

  /** Append a UTF-8 text attribute (USERNAME, REALM, NONCE, SOFTWARE). */
  addString(type: number, text: string): this {
    return this.add(type, utf8.encode(text));
  }

  /** Append a 32-bit unsigned integer attribute (LIFETIME, PRIORITY, ...). */
  addUint32(type: number, n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new StunEncodeError('BAD_VALUE', `uint32 ${n} out of range`);
    const v = new Uint8Array(4);
    new DataView(v.buffer).setUint32(0, n);
    return this.add(type, v);
  }

  /** Append an XOR-MAPPED/PEER/RELAYED-ADDRESS style attribute. */
  addXorAddress(type: number, addr: TransportAddress): this {
    return this.add(type, encodeXorAddress(addr, this.#transactionId));
  }

  /** Append a MAPPED-ADDRESS style attribute. */
  addAddress(type: number, addr: TransportAddress): this {
    return this.add(type, encodeAddress(addr));
  }

  /** Append ERROR-CODE (RFC 8489 §14.8). `code` must be 300..699. */
  addErrorCode(code: number, reason: string): this {
    if (!Number.isInteger(code) || code < 300 || code > 699) throw new StunEncodeError('BAD_VALUE', `error code ${code}`);
    const text = utf8.encode(reason);
    if (text.length > MAX_REASON_BYTES) throw new StunEncodeError('TOO_LARGE', `reason of ${text.length} bytes`);
    const v = new Uint8Array(4 + text.length);
    v[2] = Math.floor(code / 100);
    v[3] = code % 100;
    v.set(text, 4);
    return this.add(Attr.ERROR_CODE, v);
  }

  /** Append UNKNOWN-ATTRIBUTES listing `types`. */
  addUnknownAttributes(types: readonly number[]): this {
    const v = new Uint8Array(types.length * 2);
    types.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0 || t > 0xffff) throw new StunEncodeError('BAD_VALUE', `attribute type ${t}`);
      v[2 * i] = t >> 8;
      v[2 * i + 1] = t & 0xff;
    });
    return this.add(Attr.UNKNOWN_ATTRIBUTES, v);
  }

  /** Serialise the message. The builder can be built again (e.g. with another key). */
  build(options?: BuildOptions): Uint8Array {
    const integrity = options?.integrity;
    const integrityBytes =
      integrity === undefined
        ? 0
        : ATTRIBUTE_HEADER_BYTES + (integrity.algorithm === 'sha1' ? MESSAGE_INTEGRITY_BYTES : MESSAGE_INTEGRITY_SHA256_BYTES);
    const fingerprintBytes = options?.fingerprint ? ATTRIBUTE_HEADER_BYTES + 4 : 0;
    const body = this.#bodyBytes + integrityBytes + fingerprintBytes;
    const out = new Uint8Array(STUN_HEADER_BYTES + body);
    const view = new DataView(out.buffer);
    view.setUint16(0, this.#type);
    view.setUint16(2, body);
    view.setUint32(4, MAGIC_COOKIE);
    out.set(this.#transactionId, 8);
    let pos = STUN_HEADER_BYTES;
    const put = (type: number, value: Uint8Array): void => {
      view.setUint16(pos, type);
      view.setUint16(pos + 2, value.length);
      out.set(value, pos + ATTRIBUTE_HEADER_BYTES);
      pos += ATTRIBUTE_HEADER_BYTES + padded(value.length);
    };
    for (const a of this.#attributes) put(a.type, a.value);
    if (integrity) {
      const type = integrity.algorithm === 'sha1' ? Attr.MESSAGE_INTEGRITY : Attr.MESSAGE_INTEGRITY_SHA256;
      put(type, computeIntegrity(out, pos, integrity.algorithm, integrity.key));
    }
    if (options?.fingerprint) {
      const v = new Uint8Array(4);
      new DataView(v.buffer).setUint32(0, fingerprintOf(out.subarray(0, pos)));
      put(Attr.FINGERPRINT, v);
    }
    return out;
  }
}
