import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../../e2e/support/postgres.js';
import { openStores } from '../db/index.js';
import { SqlDeviceStore } from './store.js';

let server: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), 'peerlink-devices-'));
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Open = () => Promise<{ store: SqlDeviceStore; users: (id: string, name: string) => Promise<void>; close(): Promise<void> }>;

const dialects: [string, Open][] = [
  ['sqlite', async () => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
    const stores = await openStores({ sqlitePath: path });
    return wrap(stores);
  }],
  ['postgres', async () => {
    const url = await server.createDatabase();
    const stores = await openStores({ databaseUrl: url, poolSize: 2 });
    return wrap(stores);
  }],
];

function wrap(stores: Awaited<ReturnType<typeof openStores>>): Awaited<ReturnType<Open>> {
  return {
    store: new SqlDeviceStore(stores.db, { min: 40_000, max: 40_002 }),
    users: (id, username) => stores.users.createUser({ id, username, passwordHash: 'h', createdAt: 1 }),
    async close() {
      await stores.close();
    },
  };
}

describe.each(dialects)('device store (%s)', (_name, open) => {
  it('creates, lists by owner and grant, allocates ports, revokes and deletes', async () => {
    const { store, users, close } = await open();
    try {
      await users('u1', 'alice');
      await users('u2', 'bob');
      await store.createDevice({ id: 'cam', ownerId: 'u1', name: null, credentialHash: 'ab', services: ['rtsp', 'http'], createdAt: 5 });
      await expect(store.createDevice({ id: 'cam', ownerId: 'u1', name: null, credentialHash: 'ab', services: [], createdAt: 5 })).rejects.toThrow(/already exists/);
      const device = await store.getDevice('cam');
      expect(device).toMatchObject({ id: 'cam', ownerUsername: 'alice', status: 'offline', createdAt: 5, grants: [] });
      expect(device?.services).toEqual([{ name: 'http', serverPort: 40_001 }, { name: 'rtsp', serverPort: 40_000 }]);
      expect(await store.canAccess('cam', 'u2')).toBe(false);
      expect(await store.listDevicesForUser('u2')).toEqual([]);
      await store.grant('cam', 'u2', 7);
      await store.grant('cam', 'u2', 8);
      expect(await store.canAccess('cam', 'u2')).toBe(true);
      expect((await store.listDevicesForUser('u2')).map((d) => d.id)).toEqual(['cam']);
      // Range 40000-40002: one port left, then null.
      const services = await store.syncServices('cam', ['rtsp', 'a', 'b']);
      expect(services).toEqual([{ name: 'a', serverPort: 40_002 }, { name: 'b', serverPort: null }, { name: 'http', serverPort: 40_001 }, { name: 'rtsp', serverPort: 40_000 }]);
      expect(await store.bindKey('cam', 'key1', 'peer1')).toBe(true);
      expect(await store.bindKey('cam', 'key2', 'peer2')).toBe(false);
      await store.setPresence('cam', { status: 'online', mode: 'tunnel', lastSeen: 9 });
      expect(await store.getDevice('cam')).toMatchObject({ status: 'online', mode: 'tunnel', lastSeen: 9, publicKey: 'key1', grants: ['bob'] });
      await store.markAllOffline();
      expect((await store.getDevice('cam'))?.status).toBe('offline');
      expect(await store.revoke('cam', 'u2')).toBe(true);
      expect(await store.canAccess('cam', 'u2')).toBe(false);
      expect(await store.deleteDevice('cam')).toBe(true);
      expect(await store.getDevice('cam')).toBeUndefined();
    } finally {
      await close();
    }
  });
});
