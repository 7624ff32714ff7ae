/**
 * `openStores`: the gateway's storage. One query layer (Kysely), two
 * dialects: an embedded SQLite file (libsql, better-sqlite3 compatible) by
 * default, PostgreSQL (node-postgres pool) when given a `postgres://` URL.
 * Migrations run on open.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Dialect, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import type { Stores } from '../core/ports.js';
import { GatewayError } from '../errors.js';
import { SqlCallStore } from './call-store.js';
import { SqlChatStore } from './chat-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database as Schema } from './schema.js';
import { SqlUserStore } from './user-store.js';

export { CALL_LIST_DEFAULT_LIMIT, CALL_LIST_MAX_LIMIT } from './call-reader.js';

/** The subset of a pino logger the database layer uses. */
export interface DbLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface OpenStoresOptions {
  /**
   * SQLite database file, used unless `databaseUrl` is a PostgreSQL URL. Its
   * directory is created if missing. Default `./data/peerlink.db`.
   */
  sqlitePath?: string | undefined;
  /** `postgres://` or `postgresql://` URL: use PostgreSQL instead of SQLite. Other values are ignored. */
  databaseUrl?: string | undefined;
  /** Maximum PostgreSQL connections in the pool. Default 10. */
  poolSize?: number | undefined;
  /** How long a SQLite write waits for a lock held by another process, ms. Default 5000. */
  sqliteBusyTimeoutMs?: number | undefined;
  logger?: DbLogger | undefined;
}

export type DatabaseDialect = 'sqlite' | 'postgres';

/** `Stores` plus what an operator needs: which backend, and a liveness probe. */
export interface DatabaseStores extends Stores {
  readonly dialect: DatabaseDialect;
  /** The query layer, for modules with their own tables (e.g. the device registry). */
  readonly db: Kysely<Schema>;
  /** Runs a trivial query; rejects if the database is unreachable. */
  ping(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = './data/peerlink.db';

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

export async function openStores(options: OpenStoresOptions = {}): Promise<DatabaseStores> {
  const postgres = isPostgresUrl(options.databaseUrl);
  const { dialect, beforeClose, where } = postgres
    ? postgresDialect(options.databaseUrl as string, options)
    : sqliteDialect(options.sqlitePath ?? DEFAULT_SQLITE_PATH, options);
  const db = new Kysely<Schema>({ dialect });
  try {
    const applied = await migrateToLatest(db as Kysely<unknown>);
    options.logger?.info({ database: where, applied }, 'database ready');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    dialect: postgres ? 'postgres' : 'sqlite',
    db,
    users: new SqlUserStore(db),
    chats: new SqlChatStore(db),
    calls: new SqlCallStore(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= (async () => {
        try {
          await beforeClose(db);
        } finally {
          await db.destroy();
        }
      })();
      return closed;
    },
  };
}

interface DialectSetup {
  dialect: Dialect;
  /** Runs on the still-open connection before the pool closes. */
  beforeClose: (db: Kysely<Schema>) => Promise<void>;
  /** Where the data lives, for the log (no credentials). */
  where: string;
}

function sqliteDialect(path: string, options: OpenStoresOptions): DialectSetup {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let database: Database.Database;
  try {
    database = new Database(path);
  } catch (err) {
    throw new GatewayError('INTERNAL', `cannot open SQLite database ${path}`, { cause: err });
  }
  // WAL: readers never block the writer; NORMAL sync is durable across process
  // crashes in WAL mode (only an OS crash can lose the last commits).
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.sqliteBusyTimeoutMs ?? 5000))}`);
  return {
    dialect: new SqliteDialect({ database }),
    // Fold the WAL back into the main file so a closed database is one file.
    beforeClose: async (db) => {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    },
    where: `sqlite:${path}`,
  };
}

function postgresDialect(url: string, options: OpenStoresOptions): DialectSetup {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its connection emits 'error' on the pool; without a
  // listener that would crash the process. The next query reconnects.
  pool.on('error', (err) => options.logger?.error({ err }, 'idle PostgreSQL connection failed'));
  const parsed = new URL(url);
  return {
    dialect: new PostgresDialect({ pool }),
    beforeClose: async () => {},
    where: `postgres://${parsed.host}${parsed.pathname}`,
  };
}
