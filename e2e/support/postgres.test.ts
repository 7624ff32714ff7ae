import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './postgres.js';

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as unknown[];
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  it('serves fresh, separate databases and removes everything on stop', async () => {
    const server = await startPostgres();
    try {
      await query(server.url, 'CREATE TABLE t (n int)');
      await query(server.url, 'INSERT INTO t VALUES (42)');
      expect(await query(server.url, 'SELECT n FROM t')).toEqual([{ n: 42 }]);
      const other = await server.createDatabase();
      expect(other).not.toBe(server.url);
      const [row] = (await query(other, "SELECT to_regclass('t') AS t")) as [{ t: string | null }];
      expect(row.t).toBeNull();
    } finally {
      await server.stop();
      await server.stop(); // idempotent
    }
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow();
  });

  it('runs a throwaway cluster from a temp dir it removes on stop (unless an external server is configured)', async () => {
    const server = await startPostgres();
    const dir = server.directory;
    if (process.env.PEERLINK_TEST_DATABASE_URL) {
      expect(dir).toBeUndefined();
      await server.stop();
      return;
    }
    expect(existsSync(join(dir!, 'data', 'PG_VERSION'))).toBe(true);
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    await server.stop();
    expect(existsSync(dir!)).toBe(false);
  });
});
