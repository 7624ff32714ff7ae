/**
 * Domain model of the gateway: users, chats and calls. Shared by the call core,
 * the database layer and the transports. Timestamps are epoch milliseconds.
 */

export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: number;
}

export interface Chat {
  readonly id: string;
  readonly title: string | null;
  /** User ids of the members, creator included. */
  readonly members: readonly string[];
  readonly createdBy: string;
  readonly createdAt: number;
}

export const CALL_STATUSES = ['ringing', 'active', 'completed', 'missed', 'rejected', 'cancelled', 'failed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** `direct`: the 1:1 flow (offer carried by call:initiate); `room`: the multi-party flow. */
export type CallMode = 'direct' | 'room';

export interface CallParticipant {
  readonly userId: string;
  /** When the user joined the media session; null if never joined. */
  readonly joinedAt: number | null;
  readonly leftAt: number | null;
}

/** Connection statistics a client reports with `call:stats`. */
export interface CallStats {
  readonly userId: string;
  readonly reportedAt: number;
  readonly localCandidateType: string | null;
  readonly remoteCandidateType: string | null;
  readonly rttMs: number | null;
  readonly packetsLost: number | null;
  readonly bytesSent: number | null;
  readonly bytesReceived: number | null;
}

export interface CallRecord {
  readonly id: string;
  readonly chatId: string;
  readonly mode: CallMode;
  readonly status: CallStatus;
  /** Why the call ended (e.g. `hangup`, `timeout`, `rejected`, `gateway-restart`); null while live. */
  readonly reason: string | null;
  readonly initiatorId: string;
  readonly createdAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly durationSeconds: number | null;
  readonly participants: readonly CallParticipant[];
  readonly stats: readonly CallStats[];
}
