import { describe, expect, it } from 'vitest';
import type { Stores } from '../../core/ports.js';
import { codeOf, seed, T0, useStores } from './fixtures.js';

export function describeUserChatContract(name: string, factory: () => Promise<Stores>): void {
  describe(`${name}: users`, () => {
    const open = useStores(factory);

    it('creates users and finds them by id and case-insensitively by username', async () => {
      const stores = await open();
      await stores.users.createUser({ id: 'u1', username: 'Alice.B', passwordHash: 'scrypt$x', createdAt: T0 });
      expect(await stores.users.findUserById('u1')).toEqual({ id: 'u1', username: 'Alice.B', createdAt: T0 });
      expect(await stores.users.findUserByUsername('alice.b')).toEqual({ id: 'u1', username: 'Alice.B', createdAt: T0, passwordHash: 'scrypt$x' });
      expect(await stores.users.findUserByUsername('ALICE.B')).toMatchObject({ id: 'u1' });
      expect(await stores.users.findUserById('nope')).toBeUndefined();
      expect(await stores.users.findUserByUsername('nope')).toBeUndefined();
    });

    it('refuses a username that differs only in case with USERNAME_TAKEN', async () => {
      const stores = await open();
      await stores.users.createUser({ id: 'u1', username: 'bob', passwordHash: 'h', createdAt: T0 });
      expect(await codeOf(stores.users.createUser({ id: 'u2', username: 'BoB', passwordHash: 'h', createdAt: T0 }))).toBe('USERNAME_TAKEN');
      expect(await stores.users.findUserById('u2')).toBeUndefined();
    });

    it('resolves usernames in bulk, leaving out unknown ones', async () => {
      const { stores } = await seed(await open());
      const found = await stores.users.findUsersByUsernames(['ALICE', 'carol', 'nobody', 'alice']);
      expect(found.map((u) => u.id).sort()).toEqual(['u-alice', 'u-carol']);
      expect(await stores.users.findUsersByUsernames([])).toEqual([]);
    });
  });

  describe(`${name}: chats`, () => {
    const open = useStores(factory);

    it('stores a chat with its members in order', async () => {
      const { stores } = await seed(await open());
      expect(await stores.chats.getChat('c-ab')).toEqual({
        id: 'c-ab',
        title: 'A & B',
        members: ['u-alice', 'u-bob'],
        createdBy: 'u-alice',
        createdAt: T0 + 10,
      });
      expect(await stores.chats.getChat('c-bc')).toMatchObject({ title: null, members: ['u-bob', 'u-carol'] });
      expect(await stores.chats.getChat('missing')).toBeUndefined();
    });

    it('lists the chats a user is a member of, newest first', async () => {
      const s = await seed(await open());
      expect((await s.stores.chats.listChatsForUser(s.bob)).map((c) => c.id)).toEqual(['c-bc', 'c-ab']);
      expect((await s.stores.chats.listChatsForUser(s.alice)).map((c) => c.id)).toEqual(['c-ab']);
      expect((await s.stores.chats.listChatsForUser(s.carol)).map((c) => c.members)).toEqual([['u-bob', 'u-carol']]);
      expect(await s.stores.chats.listChatsForUser('stranger')).toEqual([]);
    });

    it('refuses members that are not users, leaving nothing behind', async () => {
      const s = await seed(await open());
      const chat = { id: 'c-x', title: null, members: ['u-alice', 'u-ghost'], createdBy: 'u-alice', createdAt: T0 };
      expect(await codeOf(s.stores.chats.createChat(chat))).toBe('VALIDATION_FAILED');
      expect(await s.stores.chats.getChat('c-x')).toBeUndefined();
    });

    it('ignores duplicate member ids', async () => {
      const s = await seed(await open());
      await s.stores.chats.createChat({ id: 'c-d', title: 't', members: ['u-alice', 'u-bob', 'u-alice'], createdBy: 'u-alice', createdAt: T0 });
      expect((await s.stores.chats.getChat('c-d'))?.members).toEqual(['u-alice', 'u-bob']);
    });
  });
}
