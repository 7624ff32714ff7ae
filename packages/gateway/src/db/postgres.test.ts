import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { startPostgres, type TestPostgres } from '../../../../e2e/support/postgres.js';
import { openStores } from './index.js';
import { describeStoreContract } from './testkit/index.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describeStoreContract('postgres', async () => openStores({ databaseUrl: await server.createDatabase(), poolSize: 4 }));

describe('postgres database', () => {
  it('keeps data across reopen and runs migrations once', async () => {
    const applied: unknown[] = [];
    const logger = { info: (obj: Record<string, unknown>) => applied.push(obj.applied), warn: () => {}, error: () => {} };
    const url = await server.createDatabase();
    const first = await openStores({ databaseUrl: url, logger });
    expect(first.dialect).toBe('postgres');
    await first.users.createUser({ id: 'u1', username: 'alice', passwordHash: 'h', createdAt: Date.UTC(2030, 0, 1) });
    await first.close();
    await first.close();
    const second = await openStores({ databaseUrl: url.replace(/^postgres:/, 'postgresql:'), logger });
    try {
      expect(await second.users.findUserById('u1')).toEqual({ id: 'u1', username: 'alice', createdAt: Date.UTC(2030, 0, 1) });
      await second.ping();
    } finally {
      await second.close();
    }
    expect(applied).toEqual([Object.keys(MIGRATIONS).sort(), []]);
  });

  it("rejects with the server's reason when the database does not exist", async () => {
    const url = new URL(server.url);
    url.pathname = '/no_such_database';
    await expect(openStores({ databaseUrl: url.toString() })).rejects.toThrow(/no_such_database/);
  });
});
