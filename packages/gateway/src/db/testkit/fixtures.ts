import { afterEach } from 'vitest';
import type { Stores } from '../../core/ports.js';

/** A fixed instant in 2030; as epoch ms it exceeds int4, so it checks the bigint columns. */
export const T0 = Date.UTC(2030, 0, 1);

export interface Seeded {
  stores: Stores;
  alice: string;
  bob: string;
  carol: string;
  /** Chat of alice and bob (created by alice). */
  chatAB: string;
  /** Chat of bob and carol (created by bob). */
  chatBC: string;
}

/** Three users and two chats; ids are stable strings so assertions stay readable. */
export async function seed(stores: Stores): Promise<Seeded> {
  for (const [i, name] of ['alice', 'bob', 'carol'].entries()) {
    await stores.users.createUser({ id: `u-${name}`, username: name, passwordHash: `hash-${name}`, createdAt: T0 + i });
  }
  await stores.chats.createChat({ id: 'c-ab', title: 'A & B', members: ['u-alice', 'u-bob'], createdBy: 'u-alice', createdAt: T0 + 10 });
  await stores.chats.createChat({ id: 'c-bc', title: null, members: ['u-bob', 'u-carol'], createdBy: 'u-bob', createdAt: T0 + 20 });
  return { stores, alice: 'u-alice', bob: 'u-bob', carol: 'u-carol', chatAB: 'c-ab', chatBC: 'c-bc' };
}

/** Opens stores through `factory` and closes every one of them after the test. */
export function useStores(factory: () => Promise<Stores>): () => Promise<Stores> {
  const open: Stores[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async () => {
    const stores = await factory();
    open.push(stores);
    return stores;
  };
}

/** The stable error code of a rejection (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'no code';
  }
  throw new Error('expected a rejection');
}
