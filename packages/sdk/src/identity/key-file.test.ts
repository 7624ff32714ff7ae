import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFileError, loadIdentity, loadOrCreateIdentity } from './key-file.js';

describe('identity key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peerlink-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the parent directory and a 0600 file, then loads the same identity', async () => {
    const path = join(dir, 'nested', 'deeper', 'identity.key');
    const created = await loadOrCreateIdentity(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o077).toBe(0);
    expect((await readFile(path, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadOrCreateIdentity(path)).peerId).toBe(created.peerId);
    expect((await loadIdentity(path)).peerId).toBe(created.peerId);
  });

  it('refuses a key file readable by group or others, naming the fix', async () => {
    const path = join(dir, 'identity.key');
    await loadOrCreateIdentity(path);
    for (const mode of [0o640, 0o604, 0o660]) {
      await chmod(path, mode);
      const error: unknown = await loadOrCreateIdentity(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyFileError);
      expect(error).toMatchObject({ code: 'KEY_FILE_PERMISSIONS' });
      expect((error as Error).message).toContain('chmod 600');
    }
  });

  it('refuses a malformed key file instead of replacing it', async () => {
    const path = join(dir, 'identity.key');
    await writeFile(path, 'not a key\n', { mode: 0o600 });
    await expect(loadOrCreateIdentity(path)).rejects.toMatchObject({ code: 'KEY_FILE_FORMAT' });
    expect(await readFile(path, 'utf8')).toBe('not a key\n');
  });

  it('agrees on one key when two callers create it at once', async () => {
    const path = join(dir, 'identity.key');
    const ids = await Promise.all([loadOrCreateIdentity(path), loadOrCreateIdentity(path), loadOrCreateIdentity(path)]);
    expect(new Set(ids.map((i) => i.peerId)).size).toBe(1);
  });
});
