import type { Kysely, Selectable } from 'kysely';
import type { User } from '../core/model.js';
import type { UserStore, UserWithSecret } from '../core/ports.js';
import { GatewayError } from '../errors.js';
import { isUniqueViolation } from './constraint-errors.js';
import { checkInteger, readInteger } from './rows.js';
import type { Database, UsersTable } from './schema.js';

/** Usernames are unique case-insensitively; this is the stored comparison key. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

function toUser(row: Pick<Selectable<UsersTable>, 'id' | 'username' | 'created_at'>): User {
  return { id: row.id, username: row.username, createdAt: readInteger(row.created_at, 'users.created_at') };
}

export class SqlUserStore implements UserStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createUser(user: UserWithSecret): Promise<void> {
    try {
      await this.#db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          username_key: usernameKey(user.username),
          password_hash: user.passwordHash,
          created_at: checkInteger(user.createdAt, 'createdAt'),
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new GatewayError('USERNAME_TAKEN', `username "${user.username}" is already taken`, { cause: err });
      }
      throw err;
    }
  }

  async findUserByUsername(username: string): Promise<UserWithSecret | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .select(['id', 'username', 'created_at', 'password_hash'])
      .where('username_key', '=', usernameKey(username))
      .executeTakeFirst();
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async findUserById(id: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').select(['id', 'username', 'created_at']).where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async findUsersByUsernames(usernames: readonly string[]): Promise<User[]> {
    if (usernames.length === 0) return [];
    const keys = [...new Set(usernames.map(usernameKey))];
    const rows = await this.#db
      .selectFrom('users')
      .select(['id', 'username', 'created_at'])
      .where('username_key', 'in', keys)
      .orderBy('username_key')
      .execute();
    return rows.map(toUser);
  }
}
