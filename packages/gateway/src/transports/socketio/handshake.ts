/**
 * Handshake authentication: the client passes `auth: {token}`; a missing or
 * bad token fails the connection with a `connect_error` whose `data` is
 * `{code: 'UNAUTHENTICATED', message}` (Socket.IO's `err.data`).
 */
import type { TokenVerifier } from '../../core/auth.js';
import type { SignalingLogger, SignalingSocket } from './types.js';

export interface HandshakeError extends Error {
  data: { code: 'UNAUTHENTICATED' | 'SHUTTING_DOWN'; message: string };
}

export function handshakeError(code: HandshakeError['data']['code'], message: string): HandshakeError {
  return Object.assign(new Error(message), { data: { code, message } });
}

export function authenticateHandshake(
  tokens: TokenVerifier,
  logger: SignalingLogger,
  isClosing: () => boolean,
): (socket: SignalingSocket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    if (isClosing()) return next(handshakeError('SHUTTING_DOWN', 'Server is shutting down'));
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || token === '') {
      return next(handshakeError('UNAUTHENTICATED', 'Authentication required: connect with auth: {token}'));
    }
    tokens.verify(token).then(
      (user) => {
        socket.data.user = user;
        next();
      },
      (error: unknown) => {
        logger.info({ err: error, address: socket.handshake.address }, 'signaling handshake refused');
        next(handshakeError('UNAUTHENTICATED', 'Invalid or expired token'));
      },
    );
  };
}
