/** Types shared by the Socket.IO signaling files. */
import type {
  ClientEventName,
  ServerToClientEvents,
} from '@peerlink/protocol';
import type { Server, Socket } from 'socket.io';
import type { AuthenticatedUser } from '../../core/auth.js';

/**
 * Client events as the server receives them: untrusted until parsed with the
 * protocol's zod schemas, hence `unknown` (clients use the protocol's
 * `ClientToServerEvents`).
 */
export type UntrustedClientEvents = { [K in ClientEventName]: (payload: unknown, ack?: unknown) => void };

export interface SignalingSocketData {
  /** Set by the handshake middleware. */
  user: AuthenticatedUser;
}

export type SignalingServer = Server<UntrustedClientEvents, ServerToClientEvents, Record<never, never>, SignalingSocketData>;
export type SignalingSocket = Socket<UntrustedClientEvents, ServerToClientEvents, Record<never, never>, SignalingSocketData>;

/** The subset of a pino logger used here. */
export interface SignalingLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: SignalingLogger = { info() {}, warn() {}, error() {} };

/** The Socket.IO room holding every socket of one user. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}
