/**
 * The room flow: `call:initiate` without an offer announces a call to every
 * chat member; members join by call id and signal each other pairwise
 * (`call:signal`), so a mesh of peer connections forms.
 */
import type {
  CallRefPayload,
  CallSignalPayload,
  CallTogglePayload,
  MediaKind,
} from '@peerlink/protocol';
import type { Chat } from '../model.js';
import { type ActionBuilder, CallRefusal, type SocketContext } from './actions.js';
import type { CallCore, HandlerResult } from './call-core.js';
import type { LiveCall } from './registry.js';

export function initiateRoom(core: CallCore, ctx: SocketContext, chat: Chat, out: ActionBuilder): HandlerResult {
  const existing = core.registry.inChat(chat.id);
  if (existing) {
    return new CallRefusal('CALL_STATE', 'A call is already in progress in this chat', {
      chatId: chat.id,
      callId: existing.id,
    });
  }
  const call = core.create(ctx, chat, null, out);
  out.toUsers(chat.members, 'call:initiated', { chatId: chat.id, callId: call.id, callerId: ctx.userId, mode: 'room' });
  return { callId: call.id, participants: [] };
}

function roomCall(core: CallCore, ctx: SocketContext, callId: string): LiveCall | CallRefusal {
  const call = core.callById(ctx, callId);
  if (call instanceof CallRefusal) return call;
  if (call.mode !== 'room') {
    return new CallRefusal('CALL_STATE', 'This is a 1:1 call; use call:answer, call:ice-candidate and call:end', {
      chatId: call.chatId,
      callId: call.id,
    });
  }
  return call;
}

export function joinRoom(core: CallCore, ctx: SocketContext, payload: CallRefPayload, out: ActionBuilder): HandlerResult {
  const call = roomCall(core, ctx, payload.callId);
  if (call instanceof CallRefusal) return call;
  const ids = { chatId: call.chatId, callId: call.id };
  const current = call.participants.get(ctx.userId);
  if (current?.socketId === ctx.socketId) return { callId: call.id, participants: othersThan(call, ctx.userId) };
  if (current) return new CallRefusal('CALL_STATE', 'This call is on another device', ids);
  if (core.registry.byUser.has(ctx.userId)) return new CallRefusal('CALL_STATE', 'Already in a call', ids);
  if (call.participants.size >= core.options.maxParticipantsPerCall) {
    return new CallRefusal('CALL_FULL', 'Call is full', ids);
  }
  const others = othersThan(call, ctx.userId);
  core.join(call, ctx.userId, ctx.socketId, out);
  out.toUsers(others, 'call:participant-joined', { ...ids, userId: ctx.userId });
  out.toUsers([ctx.userId], 'call:answered-elsewhere', ids, ctx.socketId);
  return { callId: call.id, participants: others };
}

function othersThan(call: LiveCall, userId: string): string[] {
  return [...call.participants.keys()].filter((id) => id !== userId);
}

export function relaySignal(core: CallCore, ctx: SocketContext, payload: CallSignalPayload, out: ActionBuilder): HandlerResult {
  const call = core.callById(ctx, payload.callId);
  if (call instanceof CallRefusal) return call;
  const sender = core.senderIn(ctx, call);
  if (sender instanceof CallRefusal) return sender;
  const recipient = call.participants.get(payload.to);
  if (!recipient || payload.to === ctx.userId) {
    return new CallRefusal('CALL_STATE', 'Recipient is not in the call', { chatId: call.chatId, callId: call.id });
  }
  // One literal per branch (no spread): this runs for every relayed candidate.
  if (payload.type === 'ice-candidate') {
    out.toSocket(recipient.socketId, 'call:signal', { callId: call.id, from: ctx.userId, type: payload.type, signal: payload.signal });
  } else {
    out.toSocket(recipient.socketId, 'call:signal', { callId: call.id, from: ctx.userId, type: payload.type, signal: payload.signal });
  }
  return { callId: call.id };
}

export function toggleMedia(
  core: CallCore,
  ctx: SocketContext,
  payload: CallTogglePayload,
  kind: MediaKind,
  out: ActionBuilder,
): HandlerResult {
  const call = core.callById(ctx, payload.callId);
  if (call instanceof CallRefusal) return call;
  const sender = core.senderIn(ctx, call);
  if (sender instanceof CallRefusal) return sender;
  const message = { callId: call.id, userId: ctx.userId, kind, enabled: payload.enabled };
  out.toUsers(othersThan(call, ctx.userId), 'call:media-toggled', message);
  return { callId: call.id };
}

export function leaveRoom(core: CallCore, ctx: SocketContext, call: LiveCall, out: ActionBuilder): HandlerResult {
  const sender = core.senderIn(ctx, call);
  if (sender instanceof CallRefusal) return sender;
  core.leaveRoom(call, ctx.userId, 'left', out);
  return { callId: call.id };
}

/** A member declines a room call; when every other member declined before anyone joined, it ends `rejected`. */
export function declineRoom(core: CallCore, ctx: SocketContext, call: LiveCall, out: ActionBuilder): HandlerResult {
  const ids = { chatId: call.chatId, callId: call.id };
  if (call.participants.has(ctx.userId)) return new CallRefusal('CALL_STATE', 'Already in the call; use call:leave', ids);
  call.declined.add(ctx.userId);
  const participants = [...call.participants.keys()];
  out.toUsers(participants, 'call:reject', { ...ids, userId: ctx.userId });
  out.toUsers(participants, 'call:rejected', { ...ids, userId: ctx.userId });
  out.toUsers([ctx.userId], 'call:rejected-elsewhere', ids, ctx.socketId);
  const everyoneDeclined = call.memberIds.every((id) => id === call.initiatorId || call.declined.has(id));
  if (call.answeredAt === null && everyoneDeclined) core.end(call, 'rejected', 'rejected', out);
  return { callId: call.id };
}
