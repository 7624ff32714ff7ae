/**
 * Payload types of every signaling event, named by direction. The zod schemas
 * for client → server payloads live in `schemas.ts`; server → client payloads
 * are produced by the gateway and typed here only.
 */
import type { CandidateType } from './candidate.js';
import type { CallErrorCode } from './errors.js';
import type { SessionDescription } from './sdp.js';

/** `RTCIceCandidateInit`; an empty `candidate` is the end-of-candidates marker. */
export interface IceCandidateInit {
  readonly candidate: string;
  readonly sdpMid?: string | null | undefined;
  readonly sdpMLineIndex?: number | null | undefined;
  readonly usernameFragment?: string | null | undefined;
}

/** A candidate, or `null` for end-of-candidates (what `onicecandidate` yields last). */
export type CandidateSignal = IceCandidateInit | null;

export type CallMode = 'direct' | 'room';
export type MediaKind = 'audio' | 'video';
export type TerminalCallStatus = 'completed' | 'missed' | 'rejected' | 'cancelled' | 'failed';
/** Why a call or a participation ended. */
export type CallEndReason = 'hangup' | 'rejected' | 'timeout' | 'disconnected' | 'left' | 'server-shutdown';

// ---------------------------------------------------------------- client → server

/** With `offer`: the 1:1 flow (two-member chat). Without: the room flow. */
export interface CallInitiatePayload {
  readonly chatId: string;
  readonly offer?: SessionDescription | undefined;
}
/** `callId` is optional everywhere a chat has at most one live call. */
export interface CallAnswerPayload {
  readonly chatId: string;
  readonly callId?: string | undefined;
  readonly answer: SessionDescription;
}
export interface CallIceCandidatePayload {
  readonly chatId: string;
  readonly callId?: string | undefined;
  readonly candidate: CandidateSignal;
}
export interface CallChatRefPayload {
  readonly chatId: string;
  readonly callId?: string | undefined;
}
export interface CallRefPayload {
  readonly callId: string;
}
export type CallSignalPayload =
  | { readonly callId: string; readonly to: string; readonly type: 'offer'; readonly signal: SessionDescription }
  | { readonly callId: string; readonly to: string; readonly type: 'answer'; readonly signal: SessionDescription }
  | { readonly callId: string; readonly to: string; readonly type: 'ice-candidate'; readonly signal: CandidateSignal };
export interface CallTogglePayload {
  readonly callId: string;
  readonly enabled: boolean;
}
/** Connection statistics (from `RTCPeerConnection.getStats()`); absent values are null. */
export interface CallStatsPayload {
  readonly callId: string;
  readonly localCandidateType?: CandidateType | null | undefined;
  readonly remoteCandidateType?: CandidateType | null | undefined;
  readonly rttMs?: number | null | undefined;
  readonly packetsLost?: number | null | undefined;
  readonly bytesSent?: number | null | undefined;
  readonly bytesReceived?: number | null | undefined;
}

/** Payload of each client → server event, by event name. */
export interface ClientToServerPayloads {
  'call:initiate': CallInitiatePayload;
  'call:answer': CallAnswerPayload;
  'call:ice-candidate': CallIceCandidatePayload;
  'call:reject': CallChatRefPayload;
  'call:end': CallChatRefPayload;
  'call:join': CallRefPayload;
  'call:signal': CallSignalPayload;
  'call:toggle-audio': CallTogglePayload;
  'call:toggle-video': CallTogglePayload;
  'call:leave': CallRefPayload;
  'call:stats': CallStatsPayload;
}
export type ClientEventName = keyof ClientToServerPayloads;

/** Acknowledgement reply of every client event (Socket.IO ack callback, optional). */
export type AckReply =
  | { readonly ok: true; readonly callId?: string; readonly participants?: readonly string[] }
  | { readonly ok: false; readonly error: { readonly code: CallErrorCode; readonly message: string } };

// ---------------------------------------------------------------- server → client

export interface CallErrorPayload {
  readonly code: CallErrorCode;
  readonly message: string;
  /** The client event that failed, when there is one. */
  readonly event?: string;
  readonly chatId?: string;
  readonly callId?: string;
}

/** Payload of each server → client event, by event name. */
export interface ServerToClientPayloads {
  'call:initiated': { chatId: string; callId: string; callerId: string; mode: CallMode };
  'call:offer': { chatId: string; callId: string; offer: SessionDescription; callerId: string };
  'call:answer': { chatId: string; callId: string; answer: SessionDescription };
  'call:ice-candidate': { chatId: string; callId: string; candidate: CandidateSignal; from: string };
  'call:reject': { chatId: string; callId: string; userId: string };
  'call:rejected': { chatId: string; callId: string; userId: string };
  'call:end': { chatId: string; callId: string; userId: string; reason: CallEndReason };
  'call:answered-elsewhere': { chatId: string; callId: string };
  'call:rejected-elsewhere': { chatId: string; callId: string };
  'call:participant-joined': { chatId: string; callId: string; userId: string };
  'call:participant-left': { chatId: string; callId: string; userId: string; reason: CallEndReason };
  'call:signal':
    | { callId: string; from: string; type: 'offer' | 'answer'; signal: SessionDescription }
    | { callId: string; from: string; type: 'ice-candidate'; signal: CandidateSignal };
  'call:media-toggled': { callId: string; userId: string; kind: MediaKind; enabled: boolean };
  'call:ended': {
    chatId: string;
    callId: string;
    status: TerminalCallStatus;
    reason: CallEndReason;
    durationSeconds: number;
  };
  'call:error': CallErrorPayload;
  'server:shutdown': { reason: 'shutdown'; message: string };
}
export type ServerEventName = keyof ServerToClientPayloads;

type Listener<P> = (payload: P) => void;

/** For `socket.io`'s typed `Server<…, ServerToClientEvents>` and `socket.io-client`'s `Socket<ServerToClientEvents, …>`. */
export type ServerToClientEvents = { [K in ServerEventName]: Listener<ServerToClientPayloads[K]> };

/** For `socket.io-client`'s `Socket<…, ClientToServerEvents>`; every event takes an optional ack. */
export type ClientToServerEvents = {
  [K in ClientEventName]: (payload: ClientToServerPayloads[K], ack?: (reply: AckReply) => void) => void;
};
