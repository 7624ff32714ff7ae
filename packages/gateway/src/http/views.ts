/**
 * JSON representations of domain objects. Timestamps are ISO 8601 strings in
 * UTC (`2025-01-01T12:00:00.000Z`), `null` when not (yet) set; durations are
 * whole seconds.
 */
import type { CallRecord, CallStatus, User } from '../core/model.js';

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export interface UserView {
  id: string;
  username: string;
  createdAt: string;
}

export function userView(user: User): UserView {
  return { id: user.id, username: user.username, createdAt: iso(user.createdAt) };
}

export interface MemberView {
  id: string;
  username: string;
}

export interface ChatView {
  id: string;
  title: string | null;
  members: MemberView[];
  createdBy: string;
  createdAt: string;
}

export interface CallView {
  id: string;
  chatId: string;
  mode: CallRecord['mode'];
  status: CallStatus;
  reason: string | null;
  initiatorId: string;
  participants: { userId: string; joinedAt: string | null; leftAt: string | null }[];
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  stats: {
    userId: string;
    reportedAt: string;
    localCandidateType: string | null;
    remoteCandidateType: string | null;
    rttMs: number | null;
    packetsLost: number | null;
    bytesSent: number | null;
    bytesReceived: number | null;
  }[];
}

export function callView(call: CallRecord): CallView {
  return {
    id: call.id,
    chatId: call.chatId,
    mode: call.mode,
    status: call.status,
    reason: call.reason,
    initiatorId: call.initiatorId,
    participants: call.participants.map((p) => ({ userId: p.userId, joinedAt: iso(p.joinedAt), leftAt: iso(p.leftAt) })),
    createdAt: iso(call.createdAt),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    durationSeconds: call.durationSeconds,
    stats: call.stats.map((s) => ({ ...s, reportedAt: iso(s.reportedAt) })),
  };
}
