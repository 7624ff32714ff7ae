/**
 * Device credentials: 32 random bytes (base64url), shown once at creation
 * and stored as a sha256 hex digest. A 256-bit random secret needs no slow
 * KDF (unlike passwords); comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes in a device credential. */
export const DEVICE_CREDENTIAL_BYTES = 32;

export function generateDeviceCredential(): string {
  return randomBytes(DEVICE_CREDENTIAL_BYTES).toString('base64url');
}

export function hashDeviceCredential(credential: string): string {
  return createHash('sha256').update(credential, 'utf8').digest('hex');
}

export function verifyDeviceCredential(credential: string, storedHash: string): boolean {
  const actual = Buffer.from(hashDeviceCredential(credential), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
