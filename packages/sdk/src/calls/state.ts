/**
 * The call state machine, sans I/O: `transition(state, event)` returns the
 * next state and never throws. An event that does not apply to the current
 * phase returns the same object, so callers can detect "ignored" by identity.
 *
 *   idle ─dial→ outgoing-ringing ─answered→ connecting ─media-connected→ connected
 *   idle ─ring→ incoming-ringing ─accept→   connecting
 *   connected ─media-interrupted→ reconnecting ─media-connected→ connected
 *   (any live phase) ─end→ ended ─reset→ idle
 */

export const CALL_PHASES = [
  'idle',
  'outgoing-ringing',
  'incoming-ringing',
  'connecting',
  'connected',
  'reconnecting',
  'ended',
] as const;
export type CallPhase = (typeof CALL_PHASES)[number];

/** `direct`: the 1:1 flow (offer in `call:initiate`); `room`: the mesh flow with room events. */
export type CallFlow = 'direct' | 'room';
/** What the call carries: camera and microphone, or microphone only. */
export type CallKind = 'video' | 'audio';
export type CallDirection = 'outgoing' | 'incoming';

/**
 * Why a call ended, as a stable code. UIs map these to messages; tests and
 * logs compare them.
 */
export const CALL_END_REASONS = [
  /** This user hung up (or cancelled a ringing outgoing call). */
  'hangup',
  /** The other side hung up / everybody else left. */
  'remote-hangup',
  /** The callee declined. */
  'rejected',
  /** This user declined an incoming call. */
  'declined',
  /** Nobody answered our call before the ring timeout (recorded as missed). */
  'no-answer',
  /** We did not answer an incoming call before the ring timeout. */
  'missed',
  /** The caller gave up before this user answered. */
  'cancelled',
  /** Another tab/device of this user answered. */
  'answered-elsewhere',
  /** Another tab/device of this user declined. */
  'rejected-elsewhere',
  'user-offline',
  'user-busy',
  'access-denied',
  /** Camera or microphone permission refused. */
  'media-denied',
  /** No camera or microphone present. */
  'media-missing',
  /** Camera or microphone present but unusable (in use by another program). */
  'media-unavailable',
  /** Media could not be (re)established: ICE failed and restarts did not help. */
  'connection-failed',
  /** The gateway went away for good (shutdown or no reconnection). */
  'server-shutdown',
  /** Any other refusal; the message says more. */
  'error',
] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];

export interface CallEnd {
  readonly reason: CallEndReason;
  /** Extra detail from the gateway or the browser, for logs and tooltips. */
  readonly detail: string | null;
}

export interface CallState {
  readonly phase: CallPhase;
  readonly chatId: string | null;
  /** Known once the gateway acknowledged `call:initiate` or rang us. */
  readonly callId: string | null;
  readonly flow: CallFlow | null;
  readonly kind: CallKind;
  readonly direction: CallDirection | null;
  /** The caller's user id for incoming calls; null for outgoing. */
  readonly callerId: string | null;
  /** Epoch ms when dialled or rung. */
  readonly startedAt: number | null;
  /** Epoch ms when media first connected (elapsed time counts from here). */
  readonly connectedAt: number | null;
  readonly endedAt: number | null;
  readonly end: CallEnd | null;
}

export type CallEvent =
  | { readonly type: 'dial'; readonly chatId: string; readonly flow: CallFlow; readonly kind: CallKind; readonly at: number }
  | {
      readonly type: 'ring';
      readonly chatId: string;
      readonly callId: string;
      readonly callerId: string;
      readonly flow: CallFlow;
      readonly kind: CallKind;
      readonly at: number;
    }
  | { readonly type: 'dial-acknowledged'; readonly callId: string }
  | { readonly type: 'answered' }
  | { readonly type: 'accept' }
  | { readonly type: 'media-connected'; readonly at: number }
  | { readonly type: 'media-interrupted' }
  | { readonly type: 'end'; readonly reason: CallEndReason; readonly detail?: string | null; readonly at: number }
  | { readonly type: 'reset' };

export const IDLE: CallState = {
  phase: 'idle',
  chatId: null,
  callId: null,
  flow: null,
  kind: 'video',
  direction: null,
  callerId: null,
  startedAt: null,
  connectedAt: null,
  endedAt: null,
  end: null,
};

/** Phases in which a call exists (ringing or in progress). */
export function isLive(phase: CallPhase): boolean {
  return phase !== 'idle' && phase !== 'ended';
}

export function transition(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case 'dial':
      if (isLive(state.phase)) return state;
      return {
        ...IDLE,
        phase: 'outgoing-ringing',
        chatId: event.chatId,
        flow: event.flow,
        kind: event.kind,
        direction: 'outgoing',
        startedAt: event.at,
      };
    case 'ring':
      if (isLive(state.phase)) return state;
      return {
        ...IDLE,
        phase: 'incoming-ringing',
        chatId: event.chatId,
        callId: event.callId,
        flow: event.flow,
        kind: event.kind,
        direction: 'incoming',
        callerId: event.callerId,
        startedAt: event.at,
      };
    case 'dial-acknowledged':
      if (!isLive(state.phase) || state.direction !== 'outgoing' || state.callId !== null) return state;
      return { ...state, callId: event.callId };
    case 'answered':
      return state.phase === 'outgoing-ringing' ? { ...state, phase: 'connecting' } : state;
    case 'accept':
      return state.phase === 'incoming-ringing' ? { ...state, phase: 'connecting' } : state;
    case 'media-connected':
      if (state.phase !== 'connecting' && state.phase !== 'reconnecting' && state.phase !== 'outgoing-ringing') {
        return state;
      }
      return { ...state, phase: 'connected', connectedAt: state.connectedAt ?? event.at };
    case 'media-interrupted':
      return state.phase === 'connected' ? { ...state, phase: 'reconnecting' } : state;
    case 'end':
      if (!isLive(state.phase)) return state;
      return { ...state, phase: 'ended', endedAt: event.at, end: { reason: event.reason, detail: event.detail ?? null } };
    case 'reset':
      return state.phase === 'ended' ? IDLE : state;
  }
}

/** Whole seconds the call has been connected at `now` (0 before media connected). */
export function elapsedSeconds(state: CallState, now: number): number {
  if (state.connectedAt === null) return 0;
  const until = state.endedAt ?? now;
  return Math.max(0, Math.floor((until - state.connectedAt) / 1000));
}
