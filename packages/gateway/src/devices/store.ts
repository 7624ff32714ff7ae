/**
 * Device registry storage (Kysely; SQLite and PostgreSQL). Visibility and
 * grant checks are single queries so a revoked grant takes effect at the next
 * stream open.
 */
import { type Kysely } from 'kysely';
import { isUniqueViolation } from '../db/constraint-errors.js';
import type { Database } from '../db/schema.js';
import { readInteger, readNullableInteger } from '../db/rows.js';
import { GatewayError } from '../errors.js';
import type { Device, DeviceMode, DeviceSecret, DeviceService, DeviceStatus, PortRange } from './model.js';

export interface NewDevice {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string | null;
  readonly credentialHash: string;
  readonly services: readonly string[];
  readonly createdAt: number;
}

/** Attempts to allocate a free server port before giving up on a race. */
const PORT_ALLOCATION_ATTEMPTS = 8;

export class SqlDeviceStore {
  readonly #db: Kysely<Database>;
  readonly #ports: PortRange;

  constructor(db: Kysely<Database>, ports: PortRange) {
    this.#db = db;
    this.#ports = ports;
  }

  /** Creates a device and its services; `DEVICE_EXISTS`-style conflicts surface as `BAD_REQUEST`. */
  async createDevice(device: NewDevice): Promise<void> {
    try {
      await this.#db
        .insertInto('devices')
        .values({ id: device.id, owner_id: device.ownerId, name: device.name, credential_hash: device.credentialHash, public_key: null, peer_id: null, mode: null, last_seen: null, created_at: device.createdAt })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new GatewayError('BAD_REQUEST', `device "${device.id}" already exists`, { cause: err });
      throw err;
    }
    await this.syncServices(device.id, device.services);
  }

  async getDevice(id: string): Promise<Device | undefined> {
    const [device] = await this.#load([id]);
    return device;
  }

  /** Devices the user owns or was granted, by id. */
  async listDevicesForUser(userId: string): Promise<Device[]> {
    const rows = await this.#db
      .selectFrom('devices')
      .select('id')
      .where((eb) => eb.or([eb('owner_id', '=', userId), eb('id', 'in', eb.selectFrom('device_grants').select('device_id').where('user_id', '=', userId))]))
      .orderBy('id')
      .execute();
    return this.#load(rows.map((r) => r.id));
  }

  /** Whether the user owns the device or holds a grant on it right now. */
  async canAccess(deviceId: string, userId: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('devices')
      .select('id')
      .where('id', '=', deviceId)
      .where((eb) => eb.or([eb('owner_id', '=', userId), eb.exists(eb.selectFrom('device_grants').select('user_id').where('device_id', '=', deviceId).where('user_id', '=', userId))]))
      .executeTakeFirst();
    return row !== undefined;
  }

  async findSecret(id: string): Promise<DeviceSecret | undefined> {
    const row = await this.#db.selectFrom('devices').select(['id', 'owner_id', 'credential_hash', 'public_key']).where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, ownerId: row.owner_id, credentialHash: row.credential_hash, publicKey: row.public_key };
  }

  /** Binds the device to its key on first proof; false when another key is already bound. */
  async bindKey(id: string, publicKey: string, peerId: string): Promise<boolean> {
    await this.#db.updateTable('devices').set({ public_key: publicKey, peer_id: peerId }).where('id', '=', id).where('public_key', 'is', null).execute();
    const row = await this.#db.selectFrom('devices').select('public_key').where('id', '=', id).executeTakeFirst();
    return row?.public_key === publicKey;
  }

  async setPresence(id: string, presence: { status: DeviceStatus; mode?: DeviceMode; lastSeen: number }): Promise<void> {
    await this.#db
      .updateTable('devices')
      .set({ status: presence.status, last_seen: presence.lastSeen, ...(presence.mode === undefined ? {} : { mode: presence.mode }) })
      .where('id', '=', id)
      .execute();
  }

  /** At gateway start: no agent is connected yet. */
  async markAllOffline(): Promise<void> {
    await this.#db.updateTable('devices').set({ status: 'offline' }).where('status', '=', 'online').execute();
  }

  /** Adds the services the device does not have yet, each with a server port when one is free. Existing ones keep their port. */
  async syncServices(deviceId: string, names: readonly string[]): Promise<DeviceService[]> {
    const existing = new Set((await this.#db.selectFrom('device_services').select('name').where('device_id', '=', deviceId).execute()).map((r) => r.name));
    for (const name of new Set(names)) {
      if (existing.has(name)) continue;
      await this.#addService(deviceId, name);
    }
    return this.#services(deviceId);
  }

  async deleteDevice(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async grant(deviceId: string, userId: string, now: number): Promise<void> {
    try {
      await this.#db.insertInto('device_grants').values({ device_id: deviceId, user_id: userId, granted_at: now }).execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  async revoke(deviceId: string, userId: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('device_grants').where('device_id', '=', deviceId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async #addService(deviceId: string, name: string): Promise<void> {
    for (let attempt = 0; attempt < PORT_ALLOCATION_ATTEMPTS; attempt++) {
      const port = await this.#freePort();
      try {
        await this.#db.insertInto('device_services').values({ device_id: deviceId, name, server_port: port }).execute();
        return;
      } catch (err) {
        // Another gateway took the port in between (or the service was added concurrently): retry.
        if (!isUniqueViolation(err)) throw err;
        const raced = await this.#db.selectFrom('device_services').select('name').where('device_id', '=', deviceId).where('name', '=', name).executeTakeFirst();
        if (raced !== undefined) return;
      }
    }
    throw new GatewayError('INTERNAL', `could not allocate a server port for ${deviceId}/${name}`);
  }

  /** Lowest port of the range no service holds; null when the range is exhausted. */
  async #freePort(): Promise<number | null> {
    const used = await this.#db
      .selectFrom('device_services')
      .select('server_port')
      .where('server_port', '>=', this.#ports.min)
      .where('server_port', '<=', this.#ports.max)
      .execute();
    const taken = new Set(used.map((r) => r.server_port));
    for (let port = this.#ports.min; port <= this.#ports.max; port++) if (!taken.has(port)) return port;
    return null;
  }

  async #services(deviceId: string): Promise<DeviceService[]> {
    const rows = await this.#db.selectFrom('device_services').select(['name', 'server_port']).where('device_id', '=', deviceId).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, serverPort: r.server_port === null ? null : readInteger(r.server_port, 'device_services.server_port') }));
  }

  async #load(ids: readonly string[]): Promise<Device[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('devices')
      .innerJoin('users', 'users.id', 'devices.owner_id')
      .selectAll('devices')
      .select('users.username as owner_username')
      .where('devices.id', 'in', ids)
      .orderBy('devices.id')
      .execute();
    const services = await this.#db.selectFrom('device_services').selectAll().where('device_id', 'in', ids).orderBy('name').execute();
    const grants = await this.#db
      .selectFrom('device_grants')
      .innerJoin('users', 'users.id', 'device_grants.user_id')
      .select(['device_grants.device_id', 'users.username'])
      .where('device_grants.device_id', 'in', ids)
      .orderBy('device_grants.granted_at')
      .orderBy('users.username')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      ownerId: row.owner_id,
      ownerUsername: row.owner_username,
      name: row.name,
      publicKey: row.public_key,
      peerId: row.peer_id,
      mode: row.mode as DeviceMode | null,
      status: row.status === 'online' ? 'online' : 'offline',
      lastSeen: readNullableInteger(row.last_seen, 'devices.last_seen'),
      createdAt: readInteger(row.created_at, 'devices.created_at'),
      services: services.filter((s) => s.device_id === row.id).map((s) => ({ name: s.name, serverPort: s.server_port === null ? null : readInteger(s.server_port, 'device_services.server_port') })),
      grants: grants.filter((g) => g.device_id === row.id).map((g) => g.username),
    }));
  }
}
