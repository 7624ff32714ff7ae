import type { Kysely, Selectable } from 'kysely';
import { CALL_STATUSES, type CallParticipant, type CallRecord, type CallStats, type CallStatus, type CallMode } from '../core/model.js';
import { GatewayError } from '../errors.js';
import { groupBy, readInteger, readNullableInteger } from './rows.js';
import type { CallParticipantsTable, CallStatsTable, CallsTable, Database } from './schema.js';

/** Default and maximum page size of `listCallsForUser`. */
export const CALL_LIST_DEFAULT_LIMIT = 50;
export const CALL_LIST_MAX_LIMIT = 200;

/** Read side of the call history: whole `CallRecord`s with participants and stats. */
export class CallReader {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async getCall(callId: string): Promise<CallRecord | undefined> {
    const row = await this.#db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
    return row && (await this.#assemble([row]))[0];
  }

  /**
   * Calls of chats the user is currently a member of, newest first (ties by id).
   * `limit` defaults to 50 and is clamped to 1..200.
   */
  async listCallsForUser(userId: string, options: { chatId?: string; limit?: number } = {}): Promise<CallRecord[]> {
    const limit = Math.min(CALL_LIST_MAX_LIMIT, Math.max(1, Math.floor(options.limit ?? CALL_LIST_DEFAULT_LIMIT)));
    let query = this.#db
      .selectFrom('calls')
      .innerJoin('chat_members', 'chat_members.chat_id', 'calls.chat_id')
      .selectAll('calls')
      .where('chat_members.user_id', '=', userId);
    if (options.chatId !== undefined) query = query.where('calls.chat_id', '=', options.chatId);
    const rows = await query.orderBy('calls.created_at', 'desc').orderBy('calls.id', 'desc').limit(limit).execute();
    return this.#assemble(rows);
  }

  async #assemble(rows: readonly Selectable<CallsTable>[]): Promise<CallRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [participants, stats] = await Promise.all([
      this.#db.selectFrom('call_participants').selectAll().where('call_id', 'in', ids).orderBy('call_id').orderBy('position').execute(),
      this.#db.selectFrom('call_stats').selectAll().where('call_id', 'in', ids).orderBy('call_id').orderBy('reported_at').orderBy('user_id').execute(),
    ]);
    const participantsByCall = groupBy(participants, (p) => p.call_id);
    const statsByCall = groupBy(stats, (s) => s.call_id);
    return rows.map((row) => ({
      id: row.id,
      chatId: row.chat_id,
      mode: readMode(row.mode),
      status: readStatus(row.status),
      reason: row.reason,
      initiatorId: row.initiator_id,
      createdAt: readInteger(row.created_at, 'calls.created_at'),
      answeredAt: readNullableInteger(row.answered_at, 'calls.answered_at'),
      endedAt: readNullableInteger(row.ended_at, 'calls.ended_at'),
      durationSeconds: row.duration_seconds,
      participants: (participantsByCall.get(row.id) ?? []).map(toParticipant),
      stats: (statsByCall.get(row.id) ?? []).map(toStats),
    }));
  }
}

function toParticipant(row: Selectable<CallParticipantsTable>): CallParticipant {
  return {
    userId: row.user_id,
    joinedAt: readNullableInteger(row.joined_at, 'call_participants.joined_at'),
    leftAt: readNullableInteger(row.left_at, 'call_participants.left_at'),
  };
}

function toStats(row: Selectable<CallStatsTable>): CallStats {
  return {
    userId: row.user_id,
    reportedAt: readInteger(row.reported_at, 'call_stats.reported_at'),
    localCandidateType: row.local_candidate_type,
    remoteCandidateType: row.remote_candidate_type,
    rttMs: row.rtt_ms,
    packetsLost: readNullableInteger(row.packets_lost, 'call_stats.packets_lost'),
    bytesSent: readNullableInteger(row.bytes_sent, 'call_stats.bytes_sent'),
    bytesReceived: readNullableInteger(row.bytes_received, 'call_stats.bytes_received'),
  };
}

function readStatus(value: string): CallStatus {
  const status = CALL_STATUSES.find((s) => s === value);
  if (status === undefined) throw new GatewayError('INTERNAL', `calls.status holds unknown value ${value}`);
  return status;
}

function readMode(value: string): CallMode {
  if (value === 'direct' || value === 'room') return value;
  throw new GatewayError('INTERNAL', `calls.mode holds unknown value ${value}`);
}
