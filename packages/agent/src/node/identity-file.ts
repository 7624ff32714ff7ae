/**
 * The agent's Ed25519 key on disk: 32 raw seed bytes, base64url, mode 0600.
 * (Minimal local version until the SDK ships `loadOrCreateIdentity`.)
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createEd25519Identity, type PeerIdentity } from '@peerlink/sdk';

export async function loadOrCreateIdentity(path: string): Promise<PeerIdentity> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const seed = randomBytes(32);
    // 'wx': never overwrite a key another process just wrote.
    await writeFile(path, `${seed.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    text = await readFile(path, 'utf8');
  }
  const seed = Buffer.from(text.trim(), 'base64url');
  if (seed.length !== 32) throw new Error(`${path}: expected a 32-byte base64url Ed25519 seed`);
  await chmod(path, 0o600);
  return createEd25519Identity(seed);
}
