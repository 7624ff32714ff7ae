import type { Kysely, Selectable } from 'kysely';
import type { Chat } from '../core/model.js';
import type { ChatStore } from '../core/ports.js';
import { GatewayError } from '../errors.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import { checkInteger, groupBy, readInteger } from './rows.js';
import type { ChatsTable, Database } from './schema.js';

export class SqlChatStore implements ChatStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Members keep the given order. Unknown member ids → `VALIDATION_FAILED`; a reused id → `BAD_REQUEST`. */
  async createChat(chat: Chat): Promise<void> {
    const members = [...new Set(chat.members)];
    try {
      await this.#db.transaction().execute(async (tx) => {
        await tx
          .insertInto('chats')
          .values({ id: chat.id, title: chat.title, created_by: chat.createdBy, created_at: checkInteger(chat.createdAt, 'createdAt') })
          .execute();
        if (members.length > 0) {
          await tx
            .insertInto('chat_members')
            .values(members.map((userId, position) => ({ chat_id: chat.id, user_id: userId, position })))
            .execute();
        }
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new GatewayError('VALIDATION_FAILED', 'chat refers to an unknown user', { cause: err });
      if (isUniqueViolation(err)) throw new GatewayError('BAD_REQUEST', `chat ${chat.id} already exists`, { cause: err });
      throw err;
    }
  }

  async getChat(id: string): Promise<Chat | undefined> {
    const row = await this.#db.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const members = await this.#membersOf([id]);
    return toChat(row, members.get(id) ?? []);
  }

  /** Newest chat first. */
  async listChatsForUser(userId: string): Promise<Chat[]> {
    const rows = await this.#db
      .selectFrom('chats')
      .innerJoin('chat_members', 'chat_members.chat_id', 'chats.id')
      .selectAll('chats')
      .where('chat_members.user_id', '=', userId)
      .orderBy('chats.created_at', 'desc')
      .orderBy('chats.id', 'desc')
      .execute();
    const members = await this.#membersOf(rows.map((r) => r.id));
    return rows.map((row) => toChat(row, members.get(row.id) ?? []));
  }

  async #membersOf(chatIds: readonly string[]): Promise<Map<string, string[]>> {
    if (chatIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('chat_members')
      .select(['chat_id', 'user_id'])
      .where('chat_id', 'in', chatIds)
      .orderBy('chat_id')
      .orderBy('position')
      .execute();
    const grouped = groupBy(rows, (r) => r.chat_id);
    return new Map([...grouped].map(([chatId, group]) => [chatId, group.map((r) => r.user_id)]));
  }
}

function toChat(row: Selectable<ChatsTable>, members: string[]): Chat {
  return {
    id: row.id,
    title: row.title,
    members,
    createdBy: row.created_by,
    createdAt: readInteger(row.created_at, 'chats.created_at'),
  };
}
