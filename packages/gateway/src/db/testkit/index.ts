/**
 * The store contract: one behavioural test suite every `Stores`
 * implementation must pass (SQLite, PostgreSQL, and any in-memory fake).
 * Call `describeStoreContract(name, factory)` from a `*.test.ts` file; the
 * factory must return fresh, empty stores each time (they are closed after
 * each test).
 */
import type { Stores } from '../../core/ports.js';
import { describeCallContract } from './calls.js';
import { describeUserChatContract } from './users-chats.js';

export type StoresFactory = () => Promise<Stores>;

export function describeStoreContract(name: string, factory: StoresFactory): void {
  describeUserChatContract(name, factory);
  describeCallContract(name, factory);
}

export { seed, type Seeded } from './fixtures.js';
