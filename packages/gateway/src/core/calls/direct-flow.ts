/**
 * The 1:1 flow: `call:initiate` with an offer rings every socket of the other
 * member of a two-member chat; the first socket to answer wins.
 */
import type {
  CallAnswerPayload,
  CallChatRefPayload,
  CallEndReason,
  CallIceCandidatePayload,
  SessionDescription,
} from '@peerlink/protocol';
import type { Chat } from '../model.js';
import { type ActionBuilder, CallRefusal, type SocketContext } from './actions.js';
import { type CallCore, type HandlerResult } from './call-core.js';
import type { LiveCall } from './registry.js';

export function initiateDirect(
  core: CallCore,
  ctx: SocketContext,
  chat: Chat,
  offer: SessionDescription,
  out: ActionBuilder,
): HandlerResult {
  const ids = { chatId: chat.id };
  const callee = chat.members.find((id) => id !== ctx.userId);
  if (chat.members.length !== 2 || callee === undefined) {
    return new CallRefusal('BAD_REQUEST', 'A call with an offer needs a two-member chat; start a room call without an offer', ids);
  }
  if (!core.presence.isOnline(callee)) return new CallRefusal('USER_OFFLINE', 'User offline', ids);
  const { registry } = core;
  if (registry.byChat.has(chat.id) || registry.byUser.has(callee) || registry.ringing.has(callee)) {
    return new CallRefusal('USER_BUSY', 'User busy', ids);
  }
  const call = core.create(ctx, chat, offer, out);
  registry.ringing.set(callee, call.id);
  out.toUsers([callee], 'call:offer', { chatId: chat.id, callId: call.id, offer, callerId: ctx.userId });
  out.toUsers([ctx.userId], 'call:initiated', { chatId: chat.id, callId: call.id, callerId: ctx.userId, mode: 'direct' });
  return { callId: call.id };
}

function directCall(core: CallCore, ctx: SocketContext, payload: CallChatRefPayload): LiveCall | CallRefusal {
  const call = core.callInChat(ctx, payload.chatId, payload.callId);
  if (call instanceof CallRefusal) return call;
  if (call.mode !== 'direct') {
    return new CallRefusal('CALL_STATE', 'This is a room call; use call:join, call:signal and call:leave', {
      chatId: call.chatId,
      callId: call.id,
    });
  }
  return call;
}

export function answerDirect(core: CallCore, ctx: SocketContext, payload: CallAnswerPayload, out: ActionBuilder): HandlerResult {
  const call = directCall(core, ctx, payload);
  if (call instanceof CallRefusal) return call;
  const ids = { chatId: call.chatId, callId: call.id };
  if (ctx.userId === call.initiatorId) return new CallRefusal('CALL_STATE', 'The caller cannot answer', ids);
  if (call.answeredAt !== null) return new CallRefusal('CALL_STATE', 'Call already answered', ids);
  if (core.registry.byUser.has(ctx.userId)) return new CallRefusal('CALL_STATE', 'Already in a call', ids);
  const caller = call.participants.get(call.initiatorId);
  core.join(call, ctx.userId, ctx.socketId, out);
  if (caller) out.toSocket(caller.socketId, 'call:answer', { ...ids, answer: payload.answer });
  out.toUsers([ctx.userId], 'call:answered-elsewhere', ids, ctx.socketId);
  return { callId: call.id };
}

export function relayCandidate(
  core: CallCore,
  ctx: SocketContext,
  payload: CallIceCandidatePayload,
  out: ActionBuilder,
): HandlerResult {
  const call = directCall(core, ctx, payload);
  if (call instanceof CallRefusal) return call;
  const sender = core.senderIn(ctx, call);
  if (sender instanceof CallRefusal) return sender;
  const message = { chatId: call.chatId, callId: call.id, candidate: payload.candidate, from: ctx.userId };
  notifyOtherSide(call, ctx.userId, out, (to) => out.emit(to, 'call:ice-candidate', message));
  return { callId: call.id };
}

/** Sends to the other party: its call socket once joined, else every socket of the ringing callee. */
function notifyOtherSide(
  call: LiveCall,
  userId: string,
  out: ActionBuilder,
  send: (to: { kind: 'socket'; socketId: string } | { kind: 'users'; userIds: string[] }) => void,
): void {
  const otherId = call.memberIds.find((id) => id !== userId);
  if (otherId === undefined) return;
  const other = call.participants.get(otherId);
  send(other ? { kind: 'socket', socketId: other.socketId } : { kind: 'users', userIds: [otherId] });
}

/** `call:reject` from the ringing callee (`call` already resolved by chat). */
export function rejectDirect(core: CallCore, ctx: SocketContext, call: LiveCall, out: ActionBuilder): HandlerResult {
  const ids = { chatId: call.chatId, callId: call.id };
  if (call.participants.has(ctx.userId)) return new CallRefusal('CALL_STATE', 'Already in the call; use call:end', ids);
  const caller = call.participants.get(call.initiatorId);
  if (caller) {
    out.toSocket(caller.socketId, 'call:reject', { ...ids, userId: ctx.userId });
    out.toSocket(caller.socketId, 'call:rejected', { ...ids, userId: ctx.userId });
  }
  core.end(call, 'rejected', 'rejected', out);
  return { callId: call.id };
}

/** `call:end` (or `call:leave`) from a participant; from the ringing callee it is a rejection. */
export function hangUpDirect(core: CallCore, ctx: SocketContext, call: LiveCall, out: ActionBuilder): HandlerResult {
  // Both members are in the call's member list; only the ringing callee is not yet a participant.
  if (!call.participants.has(ctx.userId)) return rejectDirect(core, ctx, call, out);
  const sender = core.senderIn(ctx, call);
  if (sender instanceof CallRefusal) return sender;
  endDirect(core, call, ctx.userId, 'hangup', out);
  return { callId: call.id };
}

/** Ends a direct call on behalf of `userId`: the other side gets `call:end`, everyone `call:ended`. */
export function endDirect(core: CallCore, call: LiveCall, userId: string, reason: CallEndReason, out: ActionBuilder): void {
  const message = { chatId: call.chatId, callId: call.id, userId, reason };
  notifyOtherSide(call, userId, out, (to) => out.emit(to, 'call:end', message));
  core.end(call, call.answeredAt === null ? 'cancelled' : 'completed', reason, out);
}
