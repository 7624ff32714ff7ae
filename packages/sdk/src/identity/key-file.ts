/**
 * Node-only: the Ed25519 secret key in a file only its owner can read.
 * File format: the 32-byte secret key (RFC 8032 seed) as 64 hex characters and
 * a newline. Not exported from the browser entry point.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createEd25519Identity, type PeerIdentity } from './identity.js';

/** Why a key file was refused. Stable codes. */
export type KeyFileErrorCode = 'KEY_FILE_PERMISSIONS' | 'KEY_FILE_FORMAT';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(
    readonly code: KeyFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Mode of a new key file: read/write for the owner only. */
export const KEY_FILE_MODE = 0o600;
/** Mode of a key directory we create. */
export const KEY_DIR_MODE = 0o700;

/**
 * Loads the identity stored at `path`, or creates one (and the parent
 * directory) when the file does not exist. Refuses a file that group or
 * others may read or write (`KEY_FILE_PERMISSIONS`, with the `chmod` fix in
 * the message), like OpenSSH does for private keys.
 */
export async function loadOrCreateIdentity(path: string): Promise<PeerIdentity> {
  try {
    return await loadIdentity(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: KEY_DIR_MODE });
  const secretKey = randomBytes(32);
  try {
    // O_EXCL: two processes racing to create the key agree on one file.
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, KEY_FILE_MODE);
    try {
      await handle.writeFile(`${secretKey.toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(path, KEY_FILE_MODE); // the umask may have removed bits; never added any
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadIdentity(path);
    throw error;
  }
  return createEd25519Identity(secretKey);
}

/** Loads an existing key file; ENOENT when it does not exist. */
export async function loadIdentity(path: string): Promise<PeerIdentity> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
    throw new KeyFileError('KEY_FILE_PERMISSIONS', `key file ${path} has mode ${mode}: others can access it. Fix with: chmod 600 '${path}'`);
  }
  const text = (await readFile(path, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new KeyFileError('KEY_FILE_FORMAT', `key file ${path} is not 64 hex characters`);
  return createEd25519Identity(Uint8Array.from(Buffer.from(text, 'hex')));
}
