import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { openStores } from './index.js';
import { describeStoreContract, seed } from './testkit/index.js';

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
    expect(applied).toEqual([Object.keys(MIGRATIONS).sort(), []]);
  });

  it('recovers from a crash: a snapshot of the file and its un-checkpointed WAL keeps every committed record', async () => {
    const path = freshPath();
    const live = await openStores({ sqlitePath: path });
    try {
      const s = await seed(live);
      await live.calls.createCall({ id: 'done', chatId: s.chatAB, mode: 'direct', initiatorId: s.alice, createdAt: 1000, participantIds: [s.alice, s.bob] });
      await live.calls.markAnswered('done', 2000);
      await live.calls.endCall('done', { status: 'completed', reason: 'hangup', endedAt: 12_000, durationSeconds: 10 });
      await live.calls.createCall({ id: 'live', chatId: s.chatAB, mode: 'direct', initiatorId: s.alice, createdAt: 20_000, participantIds: [s.alice, s.bob] });
      await live.calls.markAnswered('live', 21_000);
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(0); // the data sits in the WAL, as after SIGKILL
      // What a SIGKILL leaves on disk: the files as they are now, no close(), no checkpoint.
      const crashed = join(dir, `crash-${n}`, 'peerlink.db');
      mkdirSync(dirname(crashed));
      for (const suffix of ['', '-wal']) copyFileSync(`${path}${suffix}`, `${crashed}${suffix}`);
      const restarted = await openStores({ sqlitePath: crashed });
      try {
        expect(await restarted.calls.failUnfinishedCalls(60_000, 'gateway-restart')).toBe(1);
        expect(await restarted.calls.getCall('done')).toMatchObject({ status: 'completed', durationSeconds: 10, endedAt: 12_000 });
        expect(await restarted.calls.getCall('live')).toMatchObject({ status: 'failed', reason: 'gateway-restart', endedAt: 60_000 });
      } finally {
        await restarted.close();
      }
    } finally {
      await live.close();
    }
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
