/** State and the shared steps of both call flows (lookup, leaving, ending). */
import type { CallEndReason, SessionDescription, TerminalCallStatus } from '@peerlink/protocol';
import type { Chat } from '../model.js';
import { type ActionBuilder, CallRefusal, type SocketContext } from './actions.js';
import type { CallOptions } from './options.js';
import { CallRegistry, type LiveCall, type Participant, Presence } from './registry.js';

export interface CallCoreDeps {
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** A fresh, unguessable call id. */
  readonly newId: () => string;
  readonly options: CallOptions;
}

/** A handler's result: a refusal, or what the ack reply carries. */
export type HandlerResult = CallRefusal | { readonly callId?: string; readonly participants?: readonly string[] };

export const accessDenied = (ids: { chatId?: string; callId?: string } = {}): CallRefusal =>
  new CallRefusal('ACCESS_DENIED', 'Access denied', ids);

export class CallCore {
  readonly registry: CallRegistry;
  readonly presence = new Presence();

  constructor(readonly deps: CallCoreDeps) {
    this.registry = new CallRegistry(deps.options.recentCallsLimit);
  }

  get options(): CallOptions {
    return this.deps.options;
  }

  /** The live call of a chat for a chat-addressed event, after the membership check. */
  callInChat(ctx: SocketContext, chatId: string, callId?: string): LiveCall | CallRefusal {
    const call = this.registry.inChat(chatId, callId);
    if (!call) return new CallRefusal('CALL_NOT_FOUND', 'No call in this chat', { chatId });
    if (!call.memberIds.includes(ctx.userId)) return accessDenied({ chatId });
    return call;
  }

  /** A live call by id, after the membership check. */
  callById(ctx: SocketContext, callId: string): LiveCall | CallRefusal {
    const call = this.registry.get(callId);
    if (!call) return new CallRefusal('CALL_NOT_FOUND', 'Call not found', { callId });
    if (!call.memberIds.includes(ctx.userId)) return accessDenied({ callId });
    return call;
  }

  /** The sender as a joined participant signaling from its call socket. */
  senderIn(ctx: SocketContext, call: LiveCall): Participant | CallRefusal {
    const participant = call.participants.get(ctx.userId);
    if (!participant) return new CallRefusal('CALL_STATE', 'Not in this call', { callId: call.id });
    if (participant.socketId !== ctx.socketId) {
      return new CallRefusal('CALL_STATE', 'This call is on another device', { callId: call.id });
    }
    return participant;
  }

  join(call: LiveCall, userId: string, socketId: string, out: ActionBuilder): void {
    const at = this.deps.now();
    call.participants.set(userId, { userId, socketId, connected: true });
    call.everJoined.add(userId);
    call.declined.delete(userId);
    this.registry.byUser.set(userId, call.id);
    if (this.registry.ringing.get(userId) === call.id) this.registry.ringing.delete(userId);
    out.store(call.id, { op: 'participantJoined', userId, at });
    if (call.answeredAt === null && call.participants.size >= 2) {
      call.answeredAt = at;
      out.store(call.id, { op: 'markAnswered', at });
      out.cancel({ kind: 'ring', callId: call.id });
    }
  }

  /** A room participant leaves; the call ends with its last participant. */
  leaveRoom(call: LiveCall, userId: string, reason: CallEndReason, out: ActionBuilder): void {
    const participant = call.participants.get(userId);
    if (!participant) return;
    if (!participant.connected) out.cancel({ kind: 'grace', userId });
    call.participants.delete(userId);
    this.registry.byUser.delete(userId);
    out.store(call.id, { op: 'participantLeft', userId, at: this.deps.now() });
    const others = [...call.participants.keys()];
    out.toUsers(others, 'call:participant-left', { chatId: call.chatId, callId: call.id, userId, reason });
    if (others.length === 0) this.end(call, call.answeredAt === null ? 'cancelled' : 'completed', reason, out);
  }

  /** Ends a call: participants leave, history is closed, every member is told. */
  end(call: LiveCall, status: TerminalCallStatus, reason: CallEndReason, out: ActionBuilder): void {
    const at = this.deps.now();
    for (const participant of call.participants.values()) {
      if (!participant.connected) out.cancel({ kind: 'grace', userId: participant.userId });
      out.store(call.id, { op: 'participantLeft', userId: participant.userId, at });
    }
    if (call.answeredAt === null) out.cancel({ kind: 'ring', callId: call.id });
    const durationSeconds = call.answeredAt === null ? 0 : Math.max(0, Math.round((at - call.answeredAt) / 1000));
    out.store(call.id, { op: 'endCall', end: { status, reason, endedAt: at, durationSeconds } });
    this.registry.remove(call);
    out.toUsers(call.memberIds, 'call:ended', { chatId: call.chatId, callId: call.id, status, reason, durationSeconds });
  }

  /** Starts a call with its initiator joined; history row first. */
  create(ctx: SocketContext, chat: Chat, offer: SessionDescription | null, out: ActionBuilder): LiveCall {
    const { id: chatId, members: memberIds } = chat;
    const mode = offer === null ? 'room' : 'direct';
    const call: LiveCall = {
      id: this.deps.newId(),
      chatId,
      mode,
      initiatorId: ctx.userId,
      memberIds,
      createdAt: this.deps.now(),
      offer,
      answeredAt: null,
      participants: new Map([[ctx.userId, { userId: ctx.userId, socketId: ctx.socketId, connected: true }]]),
      everJoined: new Set([ctx.userId]),
      declined: new Set(),
      statsReports: new Map(),
    };
    this.registry.add(call);
    this.registry.byUser.set(ctx.userId, call.id);
    out.store(call.id, {
      op: 'createCall',
      call: { id: call.id, chatId, mode, initiatorId: ctx.userId, createdAt: call.createdAt, participantIds: memberIds },
    });
    out.schedule({ kind: 'ring', callId: call.id }, this.options.ringTimeoutMs);
    return call;
  }
}
