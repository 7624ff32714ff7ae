import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRETS_FILE, resolveSecrets } from './secrets.js';

describe('resolveSecrets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peerlink-secrets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates once, persists with mode 0600 and returns the same secrets after a restart', async () => {
    const first = await resolveSecrets(join(dir, 'data'), { jwtSecret: undefined, turnSecret: undefined });
    expect(first.jwtSecret).not.toBe(first.turnSecret);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, 'data', SECRETS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await resolveSecrets(join(dir, 'data'), { jwtSecret: undefined, turnSecret: undefined });
    expect(second).toEqual(first);
  });

  it('prefers given secrets without overwriting the stored ones', async () => {
    const stored = await resolveSecrets(dir, { jwtSecret: undefined, turnSecret: undefined });
    const given = await resolveSecrets(dir, { jwtSecret: 'j'.repeat(20), turnSecret: undefined });
    expect(given).toEqual({ jwtSecret: 'j'.repeat(20), turnSecret: stored.turnSecret });
    expect(JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8'))).toEqual(stored);
  });

  it('refuses a corrupt secrets file with a clear error instead of replacing it', async () => {
    await writeFile(join(dir, SECRETS_FILE), '{not json');
    await expect(resolveSecrets(dir, { jwtSecret: undefined, turnSecret: undefined })).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, SECRETS_FILE), '{"jwtSecret": 5}');
    await expect(resolveSecrets(dir, { jwtSecret: undefined, turnSecret: undefined })).rejects.toThrow(/malformed/);
  });
});
