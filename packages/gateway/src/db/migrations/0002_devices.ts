/**
 * 0002_devices: the device registry (issue 5). Devices belong to an owner;
 * grants give other users access; each exposed service may hold a server
 * port (unique across devices) from the gateway's tunnel port range.
 */
import type { Kysely, Migration } from 'kysely';

export const devicesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text')
      // sha256 of the 32-byte random credential (high entropy: no slow KDF needed).
      .addColumn('credential_hash', 'text', (c) => c.notNull())
      // Bound at the agent's first key proof; later proofs must match.
      .addColumn('public_key', 'text')
      .addColumn('peer_id', 'text')
      .addColumn('mode', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('offline'))
      .addColumn('last_seen', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('devices_owner_idx').on('devices').column('owner_id').execute();

    await db.schema
      .createTable('device_grants')
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('granted_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_grants_pk', ['device_id', 'user_id'])
      .execute();
    // "devices shared with user X".
    await db.schema.createIndex('device_grants_user_idx').on('device_grants').columns(['user_id', 'device_id']).execute();

    await db.schema
      .createTable('device_services')
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('server_port', 'integer', (c) => c.unique())
      .addPrimaryKeyConstraint('device_services_pk', ['device_id', 'name'])
      .execute();
  },
};
