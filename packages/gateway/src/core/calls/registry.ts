/** In-memory state of live calls and of who is connected. */
import type { SessionDescription } from '@peerlink/protocol';
import type { CallMode } from '../model.js';

export interface Participant {
  readonly userId: string;
  /** The socket carrying this participant's signaling (rebound after a reconnect). */
  socketId: string;
  /** False while the socket is gone and the grace period runs. */
  connected: boolean;
}

export interface LiveCall {
  readonly id: string;
  readonly chatId: string;
  readonly mode: CallMode;
  readonly initiatorId: string;
  /** Chat members when the call started: who may see, join and signal. */
  readonly memberIds: readonly string[];
  readonly createdAt: number;
  /** The caller's offer of a direct call (re-sent to callee sockets that connect while it rings). */
  readonly offer: SessionDescription | null;
  /** When a second participant joined (room) or the callee answered (direct). */
  answeredAt: number | null;
  /** Joined and not yet left. */
  readonly participants: Map<string, Participant>;
  /** Everyone who ever joined (may report stats). */
  readonly everJoined: Set<string>;
  /** Members who declined a room call. */
  readonly declined: Set<string>;
  /** `call:stats` reports stored so far, per user. */
  readonly statsReports: Map<string, number>;
}

/** What is kept of an ended call: enough to accept late `call:stats`. */
export type EndedCall = Pick<LiveCall, 'id' | 'chatId' | 'memberIds' | 'everJoined' | 'statsReports'>;

/** The callee of a direct call (the member other than the initiator). */
export function calleeOf(call: LiveCall): string | undefined {
  return call.memberIds.find((id) => id !== call.initiatorId);
}

export class CallRegistry {
  readonly calls = new Map<string, LiveCall>();
  readonly byChat = new Map<string, string>();
  /** userId → the live call the user has joined (at most one). */
  readonly byUser = new Map<string, string>();
  /** userId → the direct call ringing for the user as callee. */
  readonly ringing = new Map<string, string>();
  private readonly recent = new Map<string, EndedCall>();

  constructor(private readonly recentLimit: number) {}

  add(call: LiveCall): void {
    this.calls.set(call.id, call);
    this.byChat.set(call.chatId, call.id);
  }

  get(callId: string): LiveCall | undefined {
    return this.calls.get(callId);
  }

  /** The live call of a chat; with `callId`, only if it matches. */
  inChat(chatId: string, callId?: string): LiveCall | undefined {
    const id = this.byChat.get(chatId);
    if (id === undefined || (callId !== undefined && callId !== id)) return undefined;
    return this.calls.get(id);
  }

  ofUser(userId: string): LiveCall | undefined {
    const id = this.byUser.get(userId);
    return id === undefined ? undefined : this.calls.get(id);
  }

  /** A live call, or a recently ended one. */
  liveOrRecent(callId: string): EndedCall | undefined {
    return this.calls.get(callId) ?? this.recent.get(callId);
  }

  /** Removes a call from the live indexes and remembers it as recent. */
  remove(call: LiveCall): void {
    this.calls.delete(call.id);
    if (this.byChat.get(call.chatId) === call.id) this.byChat.delete(call.chatId);
    for (const userId of call.participants.keys()) this.byUser.delete(userId);
    for (const userId of call.memberIds) if (this.ringing.get(userId) === call.id) this.ringing.delete(userId);
    this.recent.set(call.id, call);
    if (this.recent.size > this.recentLimit) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

/** Connected sockets per user. */
export class Presence {
  private readonly byUser = new Map<string, Set<string>>();
  private readonly owner = new Map<string, string>();

  add(userId: string, socketId: string): void {
    let sockets = this.byUser.get(userId);
    if (!sockets) this.byUser.set(userId, (sockets = new Set()));
    sockets.add(socketId);
    this.owner.set(socketId, userId);
  }

  /** Removes a socket; returns its user, or undefined if unknown. */
  remove(socketId: string): string | undefined {
    const userId = this.owner.get(socketId);
    if (userId === undefined) return undefined;
    this.owner.delete(socketId);
    const sockets = this.byUser.get(userId);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.byUser.delete(userId);
    return userId;
  }

  isOnline(userId: string): boolean {
    return this.byUser.has(userId);
  }

  get users(): number {
    return this.byUser.size;
  }
}
