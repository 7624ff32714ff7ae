/// <reference lib="dom" />
/**
 * `@peerlink/sdk/calls`: browser video/audio calls over the peerlink gateway.
 * Framework-free and browser-safe (no `node:*`): `ApiClient` for accounts,
 * chats, call history and ICE servers; `CallClient` for calls.
 */
export { ApiClient, ApiError } from './api.js';
export type { AuthResult, CallHistoryEntry, CallStatus, ChatMember, ChatSummary, ClientErrorCode, IceServerConfig, UserSummary } from './api.js';
export { CallClient } from './call-client.js';
export type { CallClientOptions, CallClientSnapshot, CallTarget, SignalingStatus } from './call-client.js';
export { MediaAccessError, toMediaAccessError, offersVideo, MEDIA_ERROR_CODES } from './media.js';
export type { MediaErrorCode, MediaSource } from './media.js';
export type { RemoteParticipant, MeshLink } from './mesh.js';
export type { PeerLinkState, PeerSignal } from './peer-session.js';
export { CALL_END_REASONS, CALL_PHASES, IDLE, elapsedSeconds, isLive, transition } from './state.js';
export type { CallDirection, CallEnd, CallEndReason, CallEvent, CallFlow, CallKind, CallPhase, CallState } from './state.js';
export { badgeOf, classifyQuality, combineBadges, pathOf, summarizeStats, DEFAULT_QUALITY_THRESHOLDS, UNKNOWN_BADGE } from './stats.js';
export type { CandidateType, ConnectionBadge, ConnectionQuality, MediaPath, MediaStatsSummary, QualityThresholds } from './stats.js';
export { ACK_TIMEOUT_MS } from './signaling.js';
