/**
 * Principals on `/p2p`: users (bearer JWT) and device agents (device id +
 * device credential, the same secret `/tunnel/agent` takes). A device signs
 * in as principal `device:<id>`; the reach policy lets a user signal a device
 * it owns or holds a grant on — checked at every `p2p:signal`, so revoking a
 * grant stops new connection setups at once.
 */
import type { AuthenticatedUser } from '../core/auth.js';
import { verifyDeviceCredential } from '../devices/credentials.js';

/** Principal ids of devices are `device:<deviceId>`; user ids never contain `:`. */
export const DEVICE_PRINCIPAL_PREFIX = 'device:';

/** Device ids: 1..64 of [A-Za-z0-9._-], starting with a letter or digit (same rule as the device registry). */
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Device credentials as printed by `peerlink device add`. */
const CREDENTIAL = /^[A-Za-z0-9_-]{16,128}$/;
/** Token form for clients that can only send `auth: {token}`: `device:<deviceId>:<credential>`. */
const DEVICE_TOKEN = /^device:([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([A-Za-z0-9_-]{16,128})$/;

/** What `/p2p` needs of the device registry (a subset of `SqlDeviceStore`). */
export interface P2pDeviceDirectory {
  findSecret(id: string): Promise<{ readonly credentialHash: string } | undefined>;
  /** Binds the device to its key on first proof; false when another key is bound. */
  bindKey(id: string, publicKey: string, peerId: string): Promise<boolean>;
  /** The user owns the device or holds a grant on it right now. */
  canAccess(deviceId: string, userId: string): Promise<boolean>;
}

export interface DeviceAuth {
  readonly deviceId: string;
  readonly credential: string;
}

/** Reads device credentials from a Socket.IO handshake `auth`: `{deviceId, credential}` or `{token: "device:<id>:<credential>"}`. */
export function parseDeviceAuth(auth: unknown): DeviceAuth | undefined {
  if (typeof auth !== 'object' || auth === null) return undefined;
  const { deviceId, credential, token } = auth as Record<string, unknown>;
  if (typeof deviceId === 'string' && typeof credential === 'string') {
    return DEVICE_ID.test(deviceId) && CREDENTIAL.test(credential) ? { deviceId, credential } : undefined;
  }
  const m = typeof token === 'string' ? DEVICE_TOKEN.exec(token) : null;
  return m?.[1] !== undefined && m[2] !== undefined ? { deviceId: m[1], credential: m[2] } : undefined;
}

/** The `device:` token form of {@link parseDeviceAuth} (what an agent passes as `token`). */
export function deviceSignalingToken(deviceId: string, credential: string): string {
  return `${DEVICE_PRINCIPAL_PREFIX}${deviceId}:${credential}`;
}

/** Verifies a device's credential; resolves the device principal or undefined. */
export async function authenticateDevice(devices: P2pDeviceDirectory, auth: DeviceAuth): Promise<AuthenticatedUser | undefined> {
  const secret = await devices.findSecret(auth.deviceId);
  if (secret === undefined || !verifyDeviceCredential(auth.credential, secret.credentialHash)) return undefined;
  const principal = `${DEVICE_PRINCIPAL_PREFIX}${auth.deviceId}`;
  return { userId: principal, username: principal };
}

/** The device id of a device principal, else undefined. */
export function deviceOf(principal: string): string | undefined {
  return principal.startsWith(DEVICE_PRINCIPAL_PREFIX) ? principal.slice(DEVICE_PRINCIPAL_PREFIX.length) : undefined;
}

/**
 * Reach policy with devices: the same principal always; a user ↔ a device it
 * owns or is granted (both directions, so the device can answer); never
 * device ↔ device.
 */
export function deviceReachPolicy(devices: P2pDeviceDirectory): (from: string, to: string) => Promise<boolean> {
  return async (from, to) => {
    if (from === to) return true;
    const fromDevice = deviceOf(from);
    const toDevice = deviceOf(to);
    if (fromDevice !== undefined && toDevice !== undefined) return false;
    if (toDevice !== undefined) return devices.canAccess(toDevice, from);
    if (fromDevice !== undefined) return devices.canAccess(fromDevice, to);
    return false;
  };
}
