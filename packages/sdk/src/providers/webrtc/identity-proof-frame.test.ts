import { describe, expect, it } from 'vitest';
import { decodeProofFrame, encodeProofFrame } from './identity-proof-frame.js';

const signature = Uint8Array.from({ length: 64 }, (_, i) => i);

describe('identity proof frame', () => {
  it('is PLAUTH1 followed by the 64-byte signature', () => {
    const frame = encodeProofFrame(signature);
    expect(Array.from(frame.subarray(0, 7))).toEqual([0x50, 0x4c, 0x41, 0x55, 0x54, 0x48, 0x31]);
    expect(frame.length).toBe(71);
    expect(decodeProofFrame(frame)).toEqual(signature);
  });

  it('decodes to a copy, not a view of the received message', () => {
    const frame = encodeProofFrame(signature);
    const decoded = decodeProofFrame(frame);
    frame[7] = 0xff;
    expect(decoded?.[0]).toBe(0);
  });

  it('refuses a wrong length or a wrong magic', () => {
    const frame = encodeProofFrame(signature);
    expect(decodeProofFrame(frame.subarray(0, 70))).toBeUndefined();
    expect(decodeProofFrame(Uint8Array.from([...frame, 0]))).toBeUndefined();
    const wrongMagic = frame.slice();
    wrongMagic[0] = 0x51;
    expect(decodeProofFrame(wrongMagic)).toBeUndefined();
  });
});
