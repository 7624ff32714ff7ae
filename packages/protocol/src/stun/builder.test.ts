import { describe, expect, it } from 'vitest';
import {
  Attr,
  decodeStunMessage,
  getAttribute,
  saslprep,
  shortTermKey,
  StunClass,
  StunEncodeError,
  StunMessageBuilder,
  StunMethod,
} from './index.js';

const tid = new Uint8Array(12).fill(3);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('StunMessageBuilder', () => {
  it('pads values with zeros and writes the header', () => {
    const raw = new StunMessageBuilder(StunMethod.Refresh, StunClass.Request, tid).addString(Attr.SOFTWARE, 'abcde').addUint32(Attr.LIFETIME, 0).build();
    expect(hex(raw)).toBe(`0004 0014 2112a442 ${'03'.repeat(12)} 8022 0005 6162636465000000 000d 0004 00000000`.replace(/ /g, ''));
  });

  it('decoding is zero-copy', () => {
    const raw = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, tid).addString(Attr.USERNAME, 'u').build();
    const r = decodeStunMessage(raw);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.raw).toBe(raw);
    expect(getAttribute(r.value, Attr.USERNAME)!.value.buffer).toBe(raw.buffer);
    expect(r.value.transactionId.buffer).toBe(raw.buffer);
  });

  it('copies the transaction id at construction', () => {
    const id = new Uint8Array(12);
    const b = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, id);
    id.fill(0xff);
    expect(hex(b.build().subarray(8, 20))).toBe('00'.repeat(12));
  });

  it('refuses invalid input with a stable code', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e instanceof StunEncodeError ? e.code : 'other error';
      }
    };
    expect(code(() => new StunMessageBuilder(0x1000, StunClass.Request, tid))).toBe('BAD_VALUE');
    expect(code(() => new StunMessageBuilder(1, StunClass.Request, new Uint8Array(16)))).toBe('BAD_VALUE');
    const b = (): StunMessageBuilder => new StunMessageBuilder(StunMethod.Allocate, StunClass.ErrorResponse, tid);
    expect(code(() => b().addErrorCode(299, 'x'))).toBe('BAD_VALUE');
    expect(code(() => b().addErrorCode(700, 'x'))).toBe('BAD_VALUE');
    expect(code(() => b().addErrorCode(400, 'x'.repeat(764)))).toBe('TOO_LARGE');
    expect(code(() => b().addUint32(Attr.LIFETIME, -1))).toBe('BAD_VALUE');
    expect(code(() => b().add(0x10000, new Uint8Array(0)))).toBe('BAD_VALUE');
    expect(code(() => b().add(Attr.DATA, new Uint8Array(0xfffc)))).toBe('TOO_LARGE');
    expect(code(() => b().addUnknownAttributes([0x10000]))).toBe('BAD_VALUE');
  });

  it('accepts the largest DATA that leaves room for integrity and fingerprint', () => {
    const max = 0xfffc - 4 - 36 - 8;
    const raw = new StunMessageBuilder(StunMethod.Send, StunClass.Indication, tid)
      .add(Attr.DATA, new Uint8Array(max))
      .build({ integrity: { key: new Uint8Array(1), algorithm: 'sha256' }, fingerprint: true });
    expect(raw.length).toBe(20 + 0xfffc);
    expect(decodeStunMessage(raw).ok).toBe(true);
  });
});

describe('saslprep (mapping + NFKC only)', () => {
  it.each([
    ['I\u00adX', 'IX'], // soft hyphen mapped to nothing
    ['user', 'user'],
    ['\u00aa', 'a'], // NFKC
    ['\u2168', 'IX'],
    ['a\u00a0b', 'a b'], // non-ASCII space
    ['a\u200bb', 'ab'], // zero width space mapped to nothing
  ])('%j -> %j', (input, out) => {
    expect(saslprep(input)).toBe(out);
  });

  it('shortTermKey is the prepared password in UTF-8', () => {
    expect(hex(shortTermKey('p\u00e4ss'))).toBe('70c3a47373');
  });
});
