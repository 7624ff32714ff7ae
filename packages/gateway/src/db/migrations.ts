/**
 * Schema migrations, kept in code so the binary carries them. They run at
 * every `openStores()` through Kysely's `Migrator`, which records applied
 * migrations in `kysely_migration` and takes a lock, so reopening a database
 * (or two gateways starting at once) is safe. Only portable column types are
 * used (`text`, `integer`, `bigint`, `double precision`) so one definition
 * serves SQLite and PostgreSQL. Never edit a released migration: append one.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { GatewayError } from '../errors.js';
import { devicesMigration } from './migrations/0002_devices.js';

const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('username_key', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('chats')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('chat_members')
      .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_members_pk', ['chat_id', 'user_id'])
      .execute();
    // "chats of user X" and the membership join of listCallsForUser.
    await db.schema.createIndex('chat_members_user_idx').on('chat_members').columns(['user_id', 'chat_id']).execute();

    await db.schema
      .createTable('calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('initiator_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('answered_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .addColumn('duration_seconds', 'integer')
      .execute();
    // listCallsForUser: per chat, newest first.
    await db.schema.createIndex('calls_chat_created_idx').on('calls').columns(['chat_id', 'created_at desc', 'id desc']).execute();
    // failUnfinishedCalls: find ringing/active calls without a full scan.
    await db.schema.createIndex('calls_status_idx').on('calls').column('status').execute();

    await db.schema
      .createTable('call_participants')
      .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('joined_at', 'bigint')
      .addColumn('left_at', 'bigint')
      .addPrimaryKeyConstraint('call_participants_pk', ['call_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('call_stats')
      .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('reported_at', 'bigint', (c) => c.notNull())
      .addColumn('local_candidate_type', 'text')
      .addColumn('remote_candidate_type', 'text')
      .addColumn('rtt_ms', 'double precision')
      .addColumn('packets_lost', 'bigint')
      .addColumn('bytes_sent', 'bigint')
      .addColumn('bytes_received', 'bigint')
      .addPrimaryKeyConstraint('call_stats_pk', ['call_id', 'user_id'])
      .execute();
  },
};

/** All migrations by name; names sort in application order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_devices': devicesMigration,
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

/** Applies pending migrations; throws `GatewayError('INTERNAL')` naming the one that failed and why. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results = [] } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : 'unknown error';
    const what = failed === undefined ? 'cannot migrate the database' : `database migration ${failed} failed`;
    throw new GatewayError('INTERNAL', `${what}: ${detail}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
