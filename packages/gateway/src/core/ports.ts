/**
 * Ports: what the call core and the HTTP layer need from storage. The database
 * layer (`src/db`) implements them for SQLite and PostgreSQL.
 */
import type { CallMode, CallRecord, CallStats, CallStatus, Chat, User } from './model.js';

export interface UserWithSecret extends User {
  /** Encoded password hash (format owned by `src/auth/passwords.ts`). */
  readonly passwordHash: string;
}

export interface UserStore {
  /** Throws `GatewayError('USERNAME_TAKEN')` when the username exists. */
  createUser(user: UserWithSecret): Promise<void>;
  findUserByUsername(username: string): Promise<UserWithSecret | undefined>;
  findUserById(id: string): Promise<User | undefined>;
  /** Resolves usernames to users; unknown names are absent from the result. */
  findUsersByUsernames(usernames: readonly string[]): Promise<User[]>;
}

export interface ChatStore {
  createChat(chat: Chat): Promise<void>;
  getChat(id: string): Promise<Chat | undefined>;
  listChatsForUser(userId: string): Promise<Chat[]>;
}

export interface NewCall {
  readonly id: string;
  readonly chatId: string;
  readonly mode: CallMode;
  readonly initiatorId: string;
  readonly createdAt: number;
  /** Every chat member at the time of the call; the initiator joins at createdAt. */
  readonly participantIds: readonly string[];
}

export interface CallEnd {
  readonly status: Extract<CallStatus, 'completed' | 'missed' | 'rejected' | 'cancelled' | 'failed'>;
  readonly reason: string;
  readonly endedAt: number;
  readonly durationSeconds: number;
}

export interface CallStore {
  createCall(call: NewCall): Promise<void>;
  /** ringing → active. */
  markAnswered(callId: string, at: number): Promise<void>;
  participantJoined(callId: string, userId: string, at: number): Promise<void>;
  participantLeft(callId: string, userId: string, at: number): Promise<void>;
  endCall(callId: string, end: CallEnd): Promise<void>;
  addStats(callId: string, stats: CallStats): Promise<void>;
  getCall(callId: string): Promise<CallRecord | undefined>;
  /** Calls of chats the user is a member of, newest first. */
  listCallsForUser(userId: string, options?: { chatId?: string; limit?: number }): Promise<CallRecord[]>;
  /**
   * Recovery after a crash: every call still `ringing` or `active` is ended as
   * `failed` with `reason`, its open participants left at `at`. Returns how many.
   */
  failUnfinishedCalls(at: number, reason: string): Promise<number>;
}

export interface Stores {
  readonly users: UserStore;
  readonly chats: ChatStore;
  readonly calls: CallStore;
  /** Closes the connection pool / database file cleanly. */
  close(): Promise<void>;
}
