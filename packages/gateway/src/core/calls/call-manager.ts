/**
 * The sans-I/O call manager: one method per input (a connected or lost socket,
 * a validated client event, a timer), each returning the actions to perform.
 * Clock and id generator are injected; nothing here touches sockets or timers.
 */
import type { ClientEventName, ClientToServerPayloads } from '@peerlink/protocol';
import type { Chat } from '../model.js';
import { ActionBuilder, CallRefusal, type Outcome, type SocketContext } from './actions.js';
import { CallCore, type HandlerResult } from './call-core.js';
import { answerDirect, endDirect, hangUpDirect, initiateDirect, rejectDirect, relayCandidate } from './direct-flow.js';
import { type CallOptions, resolveCallOptions } from './options.js';
import { calleeOf } from './registry.js';
import { declineRoom, initiateRoom, joinRoom, leaveRoom, relaySignal, toggleMedia } from './room-flow.js';

/** A validated client event. `call:initiate` carries the chat the driver loaded (undefined if none). */
export type CallInput =
  | { [K in Exclude<ClientEventName, 'call:initiate'>]: { readonly event: K; readonly payload: ClientToServerPayloads[K] } }[Exclude<
      ClientEventName,
      'call:initiate'
    >]
  | { readonly event: 'call:initiate'; readonly payload: ClientToServerPayloads['call:initiate']; readonly chat: Chat | undefined };

export interface CallManagerInit {
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** A fresh, unguessable call id (e.g. `crypto.randomUUID`). */
  readonly newId: () => string;
  readonly options?: Partial<CallOptions>;
}

export class CallManager {
  private readonly core: CallCore;

  constructor(init: CallManagerInit) {
    this.core = new CallCore({ now: init.now, newId: init.newId, options: resolveCallOptions(init.options) });
  }

  get options(): CallOptions {
    return this.core.options;
  }
  /** Users with at least one connected socket. */
  get connectedUsers(): number {
    return this.core.presence.users;
  }
  get liveCalls(): number {
    return this.core.registry.calls.size;
  }

  /**
   * An authenticated socket connected. `recovered`: Socket.IO restored the
   * session (same socket id, missed packets replayed).
   */
  userConnected(userId: string, socketId: string, recovered = false): Outcome {
    const out = new ActionBuilder();
    this.core.presence.add(userId, socketId);
    const call = this.core.registry.ofUser(userId);
    const participant = call?.participants.get(userId);
    if (participant && !participant.connected) {
      participant.socketId = socketId;
      participant.connected = true;
      out.cancel({ kind: 'grace', userId });
    }
    const ringing = this.core.registry.get(this.core.registry.ringing.get(userId) ?? '');
    if (ringing?.offer && !recovered) {
      const { chatId, id: callId, offer, initiatorId: callerId } = ringing;
      out.toSocket(socketId, 'call:offer', { chatId, callId, offer, callerId });
    }
    return out.ok();
  }

  socketDisconnected(socketId: string): Outcome {
    const out = new ActionBuilder();
    const userId = this.core.presence.remove(socketId);
    if (userId === undefined) return out.ok();
    const participant = this.core.registry.ofUser(userId)?.participants.get(userId);
    if (participant?.socketId === socketId && participant.connected) {
      participant.connected = false;
      out.schedule({ kind: 'grace', userId }, this.core.options.disconnectGraceMs);
    }
    return out.ok();
  }

  /** The grace period of a disconnected participant ran out: it leaves its call. */
  graceExpired(userId: string): Outcome {
    const out = new ActionBuilder();
    const call = this.core.registry.ofUser(userId);
    const participant = call?.participants.get(userId);
    if (!call || !participant || participant.connected) return out.ok();
    if (call.mode === 'direct') endDirect(this.core, call, userId, 'disconnected', out);
    else this.core.leaveRoom(call, userId, 'disconnected', out);
    return out.ok();
  }

  /** Nobody answered in time: the call ends `missed` and every member is told. */
  ringTimeout(callId: string): Outcome {
    const out = new ActionBuilder();
    const call = this.core.registry.get(callId);
    if (call && call.answeredAt === null) this.core.end(call, 'missed', 'timeout', out);
    return out.ok();
  }

  /** Ends every live call (`completed` if answered, else `failed`), for a graceful shutdown. */
  shutdown(): Outcome {
    const out = new ActionBuilder();
    for (const call of [...this.core.registry.calls.values()]) {
      this.core.end(call, call.answeredAt === null ? 'failed' : 'completed', 'server-shutdown', out);
    }
    return out.ok();
  }

  handle(ctx: SocketContext, input: CallInput): Outcome {
    const out = new ActionBuilder();
    const result = this.dispatch(ctx, input, out);
    if (!(result instanceof CallRefusal)) return out.ok(result);
    // A refusal is decided before any state changes, so `out` holds nothing yet.
    const refused = new ActionBuilder();
    const error = { code: result.code, message: result.message };
    refused.toSocket(ctx.socketId, 'call:error', { ...error, event: input.event, ...result.ids });
    return { actions: refused.actions, reply: { ok: false, error } };
  }

  private dispatch(ctx: SocketContext, input: CallInput, out: ActionBuilder): HandlerResult {
    const core = this.core;
    switch (input.event) {
      case 'call:initiate': {
        const { chat, payload } = input;
        if (!chat?.members.includes(ctx.userId)) return new CallRefusal('ACCESS_DENIED', 'Access denied', { chatId: payload.chatId });
        if (core.registry.byUser.has(ctx.userId)) return new CallRefusal('CALL_STATE', 'Already in a call', { chatId: chat.id });
        return payload.offer ? initiateDirect(core, ctx, chat, payload.offer, out) : initiateRoom(core, ctx, chat, out);
      }
      case 'call:answer':
        return answerDirect(core, ctx, input.payload, out);
      case 'call:ice-candidate':
        return relayCandidate(core, ctx, input.payload, out);
      case 'call:reject':
      case 'call:end': {
        const call = core.callInChat(ctx, input.payload.chatId, input.payload.callId);
        if (call instanceof CallRefusal) return call;
        if (call.mode === 'room') {
          const leaving = input.event === 'call:end' && call.participants.has(ctx.userId);
          return leaving ? leaveRoom(core, ctx, call, out) : declineRoom(core, ctx, call, out);
        }
        return input.event === 'call:reject' ? rejectDirect(core, ctx, call, out) : hangUpDirect(core, ctx, call, out);
      }
      case 'call:join':
        return joinRoom(core, ctx, input.payload, out);
      case 'call:signal':
        return relaySignal(core, ctx, input.payload, out);
      case 'call:toggle-audio':
        return toggleMedia(core, ctx, input.payload, 'audio', out);
      case 'call:toggle-video':
        return toggleMedia(core, ctx, input.payload, 'video', out);
      case 'call:leave': {
        const call = core.callById(ctx, input.payload.callId);
        if (call instanceof CallRefusal) return call;
        if (call.mode === 'room') return leaveRoom(core, ctx, call, out);
        if (!call.participants.has(ctx.userId) && ctx.userId === calleeOf(call)) return rejectDirect(core, ctx, call, out);
        return hangUpDirect(core, ctx, call, out);
      }
      case 'call:stats':
        return this.stats(ctx, input.payload, out);
    }
  }

  private stats(ctx: SocketContext, payload: ClientToServerPayloads['call:stats'], out: ActionBuilder): HandlerResult {
    const call = this.core.registry.liveOrRecent(payload.callId);
    const ids = { callId: payload.callId };
    if (!call) return new CallRefusal('CALL_NOT_FOUND', 'Call not found', ids);
    if (!call.memberIds.includes(ctx.userId)) return new CallRefusal('ACCESS_DENIED', 'Access denied', ids);
    if (!call.everJoined.has(ctx.userId)) return new CallRefusal('CALL_STATE', 'Not a participant of this call', ids);
    const reports = call.statsReports.get(ctx.userId) ?? 0;
    if (reports >= this.core.options.maxStatsReportsPerUser) {
      return new CallRefusal('RATE_LIMITED', 'Too many stats reports for this call', ids);
    }
    call.statsReports.set(ctx.userId, reports + 1);
    out.store(call.id, {
      op: 'addStats',
      stats: {
        userId: ctx.userId,
        reportedAt: this.core.deps.now(),
        localCandidateType: payload.localCandidateType ?? null,
        remoteCandidateType: payload.remoteCandidateType ?? null,
        rttMs: payload.rttMs ?? null,
        packetsLost: payload.packetsLost ?? null,
        bytesSent: payload.bytesSent ?? null,
        bytesReceived: payload.bytesReceived ?? null,
      },
    });
    return { callId: call.id };
  }
}
