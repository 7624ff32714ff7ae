/**
 * What the call core asks its driver to do. The core never performs I/O: every
 * input returns an {@link Outcome} whose actions the driver carries out in
 * order with an exhaustive switch.
 */
import type { AckReply, CallErrorCode, ServerEventName, ServerToClientPayloads } from '@peerlink/protocol';
import type { CallStats } from '../model.js';
import type { CallEnd, NewCall } from '../ports.js';

/** Who receives an emitted event. */
export type EmitTarget =
  | { readonly kind: 'socket'; readonly socketId: string }
  /** Every connected socket of each user, optionally minus one socket. */
  | { readonly kind: 'users'; readonly userIds: readonly string[]; readonly exceptSocketId?: string };

export type EmitAction = {
  [K in ServerEventName]: {
    readonly type: 'emit';
    readonly to: EmitTarget;
    readonly event: K;
    readonly payload: ServerToClientPayloads[K];
  };
}[ServerEventName];

/** One call-history write, mapped 1:1 onto a `CallStore` method. */
export type StoreOp =
  | { readonly op: 'createCall'; readonly call: NewCall }
  | { readonly op: 'markAnswered'; readonly at: number }
  | { readonly op: 'participantJoined'; readonly userId: string; readonly at: number }
  | { readonly op: 'participantLeft'; readonly userId: string; readonly at: number }
  | { readonly op: 'endCall'; readonly end: CallEnd }
  | { readonly op: 'addStats'; readonly stats: CallStats };

/** Writes of one call must be applied in order (the driver chains them per call). */
export interface StoreAction {
  readonly type: 'store';
  readonly callId: string;
  readonly write: StoreOp;
}

/** `ring`: fires `ringTimeout(callId)`; `grace`: fires `graceExpired(userId)`. */
export type TimerKey = { readonly kind: 'ring'; readonly callId: string } | { readonly kind: 'grace'; readonly userId: string };

export interface ScheduleAction {
  readonly type: 'schedule';
  readonly timer: TimerKey;
  readonly delayMs: number;
}
export interface CancelAction {
  readonly type: 'cancel';
  readonly timer: TimerKey;
}

export type CallAction = EmitAction | StoreAction | ScheduleAction | CancelAction;

/** A string key for a timer, unique per timer. */
export function timerId(timer: TimerKey): string {
  return timer.kind === 'ring' ? `ring:${timer.callId}` : `grace:${timer.userId}`;
}

export interface Outcome {
  readonly actions: readonly CallAction[];
  /** What the Socket.IO acknowledgement callback (if any) receives. */
  readonly reply: AckReply;
}

/** The socket an input came from. */
export interface SocketContext {
  readonly socketId: string;
  readonly userId: string;
}

/** Collects actions for one input. */
export class ActionBuilder {
  readonly actions: CallAction[] = [];

  emit<K extends ServerEventName>(to: EmitTarget, event: K, payload: ServerToClientPayloads[K]): void {
    this.actions.push({ type: 'emit', to, event, payload } as EmitAction);
  }
  toSocket<K extends ServerEventName>(socketId: string, event: K, payload: ServerToClientPayloads[K]): void {
    this.emit({ kind: 'socket', socketId }, event, payload);
  }
  toUsers<K extends ServerEventName>(
    userIds: readonly string[],
    event: K,
    payload: ServerToClientPayloads[K],
    exceptSocketId?: string,
  ): void {
    if (userIds.length === 0) return;
    const to: EmitTarget =
      exceptSocketId === undefined ? { kind: 'users', userIds } : { kind: 'users', userIds, exceptSocketId };
    this.emit(to, event, payload);
  }
  store(callId: string, write: StoreOp): void {
    this.actions.push({ type: 'store', callId, write });
  }
  schedule(timer: TimerKey, delayMs: number): void {
    this.actions.push({ type: 'schedule', timer, delayMs });
  }
  cancel(timer: TimerKey): void {
    this.actions.push({ type: 'cancel', timer });
  }
  ok(result: { callId?: string; participants?: readonly string[] } = {}): Outcome {
    return { actions: this.actions, reply: { ok: true, ...result } };
  }
}

/** A refused input: details for `call:error` and the ack reply. */
export class CallRefusal {
  constructor(
    readonly code: CallErrorCode,
    readonly message: string,
    readonly ids: { readonly chatId?: string; readonly callId?: string } = {},
  ) {}
}
