import { type Kysely, sql } from 'kysely';
import type { CallStats } from '../core/model.js';
import type { CallEnd, CallStore, NewCall } from '../core/ports.js';
import { GatewayError } from '../errors.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import { checkInteger, checkNullableInteger, readInteger, readNullableInteger } from './rows.js';
import type { Database } from './schema.js';
import { CallReader } from './call-reader.js';

/** Statuses of a call that has not ended yet. */
const LIVE_STATUSES = ['ringing', 'active'] as const;

/**
 * Call history. Writes are the call core's state transitions; the store
 * refuses transitions that contradict what it holds (`CALL_NOT_FOUND`,
 * `CALL_STATE`) instead of silently rewriting history. Reads live in
 * `CallReader`.
 */
export class SqlCallStore extends CallReader implements CallStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    super(db);
    this.#db = db;
  }

  /** Participants keep the given order; duplicates are ignored; the initiator is added if missing. */
  async createCall(call: NewCall): Promise<void> {
    const createdAt = checkInteger(call.createdAt, 'createdAt');
    const participantIds = [...new Set([call.initiatorId, ...call.participantIds])];
    try {
      await this.#db.transaction().execute(async (tx) => {
        await tx
          .insertInto('calls')
          .values({
            id: call.id,
            chat_id: call.chatId,
            mode: call.mode,
            status: 'ringing',
            reason: null,
            initiator_id: call.initiatorId,
            created_at: createdAt,
            answered_at: null,
            ended_at: null,
            duration_seconds: null,
          })
          .execute();
        await tx
          .insertInto('call_participants')
          .values(
            participantIds.map((userId, position) => ({
              call_id: call.id,
              user_id: userId,
              position,
              joined_at: userId === call.initiatorId ? createdAt : null,
              left_at: null,
            })),
          )
          .execute();
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new GatewayError('VALIDATION_FAILED', 'call refers to an unknown chat or user', { cause: err });
      if (isUniqueViolation(err)) throw new GatewayError('CALL_STATE', `call ${call.id} already exists`, { cause: err });
      throw err;
    }
  }

  /** ringing → active. `CALL_STATE` if the call is not ringing. */
  async markAnswered(callId: string, at: number): Promise<void> {
    const result = await this.#db
      .updateTable('calls')
      .set({ status: 'active', answered_at: checkInteger(at, 'at') })
      .where('id', '=', callId)
      .where('status', '=', 'ringing')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) await this.#explainNoUpdate(callId, 'answer');
  }

  /**
   * Records that a user joined the media session. A user who was not listed
   * (e.g. added to the chat later) is appended. Re-joining after leaving
   * clears `leftAt` and keeps the first `joinedAt`.
   */
  async participantJoined(callId: string, userId: string, at: number): Promise<void> {
    checkInteger(at, 'at');
    try {
      await this.#db.transaction().execute(async (tx) => {
        const next = await tx
          .selectFrom('call_participants')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('call_id', '=', callId)
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('call_participants')
          .values({ call_id: callId, user_id: userId, position: readInteger(next.n, 'count'), joined_at: at, left_at: null })
          .onConflict((oc) =>
            oc.columns(['call_id', 'user_id']).doUpdateSet({
              joined_at: sql<number>`coalesce(call_participants.joined_at, excluded.joined_at)`,
              left_at: null,
            }),
          )
          .execute();
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new GatewayError('CALL_NOT_FOUND', `no call ${callId} (or no user ${userId})`, { cause: err });
      throw err;
    }
  }

  /** Sets `leftAt` if the user is in the session; a no-op otherwise (leaving twice is harmless). */
  async participantLeft(callId: string, userId: string, at: number): Promise<void> {
    await this.#db
      .updateTable('call_participants')
      .set({ left_at: checkInteger(at, 'at') })
      .where('call_id', '=', callId)
      .where('user_id', '=', userId)
      .where('joined_at', 'is not', null)
      .where('left_at', 'is', null)
      .execute();
  }

  /** Ends a ringing/active call; participants still in the session leave at `endedAt`. */
  async endCall(callId: string, end: CallEnd): Promise<void> {
    const endedAt = checkInteger(end.endedAt, 'endedAt');
    const durationSeconds = checkInteger(end.durationSeconds, 'durationSeconds');
    const ended = await this.#db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('calls')
        .set({ status: end.status, reason: end.reason, ended_at: endedAt, duration_seconds: durationSeconds })
        .where('id', '=', callId)
        .where('status', 'in', LIVE_STATUSES)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await tx
        .updateTable('call_participants')
        .set({ left_at: endedAt })
        .where('call_id', '=', callId)
        .where('joined_at', 'is not', null)
        .where('left_at', 'is', null)
        .execute();
      return true;
    });
    if (!ended) await this.#explainNoUpdate(callId, 'end');
  }

  /** Stores the user's latest report for the call, replacing an earlier one. */
  async addStats(callId: string, stats: CallStats): Promise<void> {
    const row = {
      reported_at: checkInteger(stats.reportedAt, 'reportedAt'),
      local_candidate_type: stats.localCandidateType,
      remote_candidate_type: stats.remoteCandidateType,
      rtt_ms: stats.rttMs,
      packets_lost: checkNullableInteger(stats.packetsLost, 'packetsLost'),
      bytes_sent: checkNullableInteger(stats.bytesSent, 'bytesSent'),
      bytes_received: checkNullableInteger(stats.bytesReceived, 'bytesReceived'),
    };
    try {
      await this.#db
        .insertInto('call_stats')
        .values({ call_id: callId, user_id: stats.userId, ...row })
        .onConflict((oc) => oc.columns(['call_id', 'user_id']).doUpdateSet(row))
        .execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new GatewayError('CALL_NOT_FOUND', `no call ${callId} (or no user ${stats.userId})`, { cause: err });
      throw err;
    }
  }

  /**
   * Crash recovery: every ringing/active call becomes `failed` with `reason`
   * and `endedAt = at`. The duration of an answered call counts up to the last
   * sign of life the database saw (a join, a leave or a stats report), not up
   * to `at`: the gateway may have been down for a long time.
   */
  async failUnfinishedCalls(at: number, reason: string): Promise<number> {
    checkInteger(at, 'at');
    return this.#db.transaction().execute(async (tx) => {
      const live = await tx.selectFrom('calls').select(['id', 'answered_at']).where('status', 'in', LIVE_STATUSES).execute();
      for (const call of live) {
        const answeredAt = readNullableInteger(call.answered_at, 'calls.answered_at');
        const lastSeen = answeredAt === null ? null : await lastSignOfLife(tx, call.id, answeredAt);
        const durationSeconds = answeredAt === null || lastSeen === null ? 0 : Math.max(0, Math.floor((lastSeen - answeredAt) / 1000));
        await tx
          .updateTable('calls')
          .set({ status: 'failed', reason, ended_at: at, duration_seconds: durationSeconds })
          .where('id', '=', call.id)
          .execute();
        await tx
          .updateTable('call_participants')
          .set({ left_at: at })
          .where('call_id', '=', call.id)
          .where('joined_at', 'is not', null)
          .where('left_at', 'is', null)
          .execute();
      }
      return live.length;
    });
  }

  async #explainNoUpdate(callId: string, action: string): Promise<never> {
    const call = await this.getCall(callId);
    if (!call) throw new GatewayError('CALL_NOT_FOUND', `no call ${callId}`);
    throw new GatewayError('CALL_STATE', `cannot ${action} call ${callId}: it is ${call.status}`);
  }
}

async function lastSignOfLife(db: Kysely<Database>, callId: string, answeredAt: number): Promise<number> {
  const participants = await db
    .selectFrom('call_participants')
    .select((eb) => [eb.fn.max('joined_at').as('joined'), eb.fn.max('left_at').as('left')])
    .where('call_id', '=', callId)
    .executeTakeFirst();
  const stats = await db
    .selectFrom('call_stats')
    .select((eb) => eb.fn.max('reported_at').as('reported'))
    .where('call_id', '=', callId)
    .executeTakeFirst();
  const candidates = [participants?.joined, participants?.left, stats?.reported]
    .map((v) => (v === undefined ? null : readNullableInteger(v, 'max(timestamp)')))
    .filter((v): v is number => v !== null);
  return Math.max(answeredAt, ...candidates);
}
