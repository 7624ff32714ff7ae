/**
 * Kysely table types for the gateway database. The same schema exists in
 * SQLite and PostgreSQL (see `migrations.ts`).
 *
 * Timestamps are epoch milliseconds in `bigint` columns. SQLite hands them
 * back as numbers, node-postgres as strings (int8 exceeds 2^53 in general),
 * so selects are typed `number | string` and every read goes through
 * `readMillis` in `rows.ts`.
 */
import type { ColumnType } from 'kysely';

/** Epoch ms: written as a number, read as a number (SQLite) or string (PostgreSQL). */
export type Millis = ColumnType<number | string, number, number>;
export type NullableMillis = NullableBigint;
/** A nullable `bigint` column (counters such as bytes sent); read like `Millis`. */
export type NullableBigint = ColumnType<number | string | null, number | null, number | null>;
/** An `integer` column; SQLite and PostgreSQL both return numbers for int4. */
export type Int = ColumnType<number, number, number>;

export interface UsersTable {
  id: string;
  username: string;
  /** `lower(username)`, unique: usernames are case-insensitively unique. */
  username_key: string;
  password_hash: string;
  created_at: Millis;
}

export interface ChatsTable {
  id: string;
  title: string | null;
  created_by: string;
  created_at: Millis;
}

export interface ChatMembersTable {
  chat_id: string;
  user_id: string;
  /** Order in which members were listed at creation (creator first). */
  position: Int;
}

export interface CallsTable {
  id: string;
  chat_id: string;
  mode: string;
  status: string;
  reason: string | null;
  initiator_id: string;
  created_at: Millis;
  answered_at: NullableMillis;
  ended_at: NullableMillis;
  duration_seconds: ColumnType<number | null, number | null, number | null>;
}

export interface CallParticipantsTable {
  call_id: string;
  user_id: string;
  position: Int;
  joined_at: NullableMillis;
  left_at: NullableMillis;
}

/** The latest stats report per participant (a new report replaces the previous one). */
export interface CallStatsTable {
  call_id: string;
  user_id: string;
  reported_at: Millis;
  local_candidate_type: string | null;
  remote_candidate_type: string | null;
  /** `double precision`: round-trip times are fractional. */
  rtt_ms: number | null;
  packets_lost: NullableBigint;
  bytes_sent: NullableBigint;
  bytes_received: NullableBigint;
}

/** Migration `0002_devices`: devices registered by an owner (see `devices/`). */
export interface DevicesTable {
  id: string;
  owner_id: string;
  name: string | null;
  credential_hash: string;
  public_key: string | null;
  peer_id: string | null;
  mode: string | null;
  status: ColumnType<string, string | undefined, string>;
  last_seen: NullableMillis;
  created_at: Millis;
}

export interface DeviceGrantsTable {
  device_id: string;
  user_id: string;
  granted_at: Millis;
}

/** One row per exposed service; `server_port` from the configured range, or null when the range is exhausted. */
export interface DeviceServicesTable {
  device_id: string;
  name: string;
  server_port: number | null;
}

export interface Database {
  users: UsersTable;
  chats: ChatsTable;
  chat_members: ChatMembersTable;
  calls: CallsTable;
  call_participants: CallParticipantsTable;
  call_stats: CallStatsTable;
  devices: DevicesTable;
  device_grants: DeviceGrantsTable;
  device_services: DeviceServicesTable;
}
