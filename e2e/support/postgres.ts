/**
 * A real PostgreSQL server for tests.
 *
 * - With `PEERLINK_TEST_DATABASE_URL` set (e.g. a CI service container), every
 *   `startPostgres()` creates a fresh database on that server and `stop()`
 *   drops it again.
 * - Otherwise it `initdb`s a throwaway cluster in a temp dir with Debian's
 *   PostgreSQL 15 binaries (`/usr/lib/postgresql/15/bin`, or `PEERLINK_PG_BIN`),
 *   listening on 127.0.0.1 on a free port with its unix socket inside the temp
 *   dir, `fsync=off`. PostgreSQL refuses to run as root, so when we are root
 *   the binaries run as the `postgres` OS user (`runuser -u postgres --`).
 *   `stop()` shuts it down (immediate mode) and removes the directory; a
 *   process `exit` hook does the same if a test run dies before `stop()`.
 *
 * `createDatabase()` adds another empty database to the same server, so a
 * suite can give each test its own database without a cluster per test.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  /** `postgres://` URL of a fresh, empty database. */
  readonly url: string;
  /** The throwaway cluster's temp dir; undefined with `PEERLINK_TEST_DATABASE_URL`. */
  readonly directory: string | undefined;
  /** Creates one more fresh database on the same server; returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops the databases / stops and deletes the throwaway cluster. Idempotent. */
  stop(): Promise<void>;
}

const PG_BIN = process.env.PEERLINK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PG_OS_USER = 'postgres';

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.PEERLINK_TEST_DATABASE_URL;
  return external ? useExternalServer(external) : startThrowawayCluster();
}

let databaseCounter = 0;

function uniqueDatabaseName(): string {
  databaseCounter += 1;
  return `peerlink_test_${process.pid}_${Date.now().toString(36)}_${databaseCounter}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Creates databases on `adminUrl`'s server; `dropAll` removes them again. */
function databaseFactory(adminUrl: string): { create(): Promise<string>; dropAll(): Promise<void> } {
  const created: string[] = [];
  return {
    async create() {
      const name = uniqueDatabaseName();
      await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE template0`);
      created.push(name);
      return withDatabase(adminUrl, name);
    },
    async dropAll() {
      for (const name of created.splice(0)) {
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    },
  };
}

async function useExternalServer(adminUrl: string): Promise<TestPostgres> {
  const databases = databaseFactory(adminUrl);
  const url = await databases.create();
  return { url, directory: undefined, createDatabase: () => databases.create(), stop: () => databases.dropAll() };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Runs a PostgreSQL binary, as the `postgres` OS user when we are root. */
async function pgExec(binary: string, args: readonly string[]): Promise<void> {
  const path = join(PG_BIN, binary);
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', PG_OS_USER, '--', path, ...args]] : [path, [...args]];
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const detail = err instanceof Error && 'stderr' in err ? String(err.stderr) : '';
    throw new Error(`${binary} ${args.join(' ')} failed: ${detail}`, { cause: err });
  }
}

const liveClusters = new Set<string>();
let exitHookInstalled = false;

/** Last resort if the test process exits without calling stop(). Synchronous by necessity. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of liveClusters) killClusterSync(dir);
  });
}

function killClusterSync(dir: string): void {
  try {
    const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT'); // immediate shutdown
  } catch {
    // not running
  }
  rmSync(dir, { recursive: true, force: true });
}

async function startThrowawayCluster(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'peerlink-pg-'));
  const dataDir = join(dir, 'data');
  liveClusters.add(dir);
  installExitHook();
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', PG_OS_USER]);
    const { stdout: gid } = await run('id', ['-g', PG_OS_USER]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await pgExec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      killClusterSync(dir); // already dead or half-started: make sure it is gone
    }
    liveClusters.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pgExec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const port = await startOnFreePort(dataDir, dir);
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const databases = databaseFactory(adminUrl);
    const url = await databases.create();
    return { url, directory: dir, createDatabase: () => databases.create(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A free port can be taken between probe and bind: retry a few times. */
async function startOnFreePort(dataDir: string, socketDir: string): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${socketDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    try {
      await pgExec('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', join(socketDir, 'server.log'), '-w', '-t', '30', 'start']);
      return port;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
