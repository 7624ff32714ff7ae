import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openStores } from './index.js';
import { describeStoreContract } from './testkit/index.js';

const dir = mkdtempSync(join(tmpdir(), 'peerlink-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(dir, `db-${++n}`, 'peerlink.db');

describeStoreContract('sqlite', () => openStores({ sqlitePath: freshPath() }));

describe('sqlite file', () => {
  it('keeps data across reopen; migrations run once; close folds the WAL into the file', async () => {
    const path = freshPath();
    const applied: unknown[] = [];
    const logger = { info: (obj: Record<string, unknown>) => applied.push(obj.applied), warn: () => {}, error: () => {} };
    const first = await openStores({ sqlitePath: path, logger });
    expect(first.dialect).toBe('sqlite');
    await first.users.createUser({ id: 'u1', username: 'alice', passwordHash: 'h', createdAt: 1 });
    await first.close();
    await first.close(); // idempotent
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);

    const second = await openStores({ sqlitePath: path, logger });
    try {
      expect(await second.users.findUserByUsername('ALICE')).toMatchObject({ id: 'u1' });
      await second.ping();
    } finally {
      await second.close();
    }
    expect(applied).toEqual([['0001_initial'], []]);
  });

  it('ignores a non-PostgreSQL databaseUrl and uses the SQLite file', async () => {
    // A pino logger fits the DbLogger port.
    const stores = await openStores({ sqlitePath: freshPath(), databaseUrl: 'mysql://nope', logger: pino({ level: 'silent' }) });
    expect(stores.dialect).toBe('sqlite');
    await stores.close();
  });

  it('rejects with INTERNAL when the file cannot be opened', async () => {
    const blocker = join(dir, 'a-file');
    await (await openStores({ sqlitePath: blocker })).close();
    await expect(openStores({ sqlitePath: join(blocker, 'sub', 'x.db') })).rejects.toThrow();
  });
});
