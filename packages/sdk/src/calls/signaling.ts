/**
 * The Socket.IO signaling connection, typed with the protocol's event maps,
 * and a promise-returning emit that resolves with the gateway's
 * acknowledgement (or a timeout error) instead of throwing.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { CALL_ERROR_CODES } from '@peerlink/protocol';
import type {
  AckReply,
  ClientEventName,
  ClientToServerEvents,
  ClientToServerPayloads,
  ServerToClientEvents,
} from '@peerlink/protocol';

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SignalingOptions {
  /** Gateway origin; `''`/undefined connects to the page's own origin. */
  readonly baseUrl: string;
  /** JWT from login; sent in the handshake as `auth: {token}`. */
  readonly token: string;
}

/** Opens (lazily: call `connect()`) a Socket.IO connection that reconnects by itself. */
export function createSignalingSocket(options: SignalingOptions): SignalingSocket {
  const socket: SignalingSocket = io(options.baseUrl === '' ? undefined : options.baseUrl, {
    auth: { token: options.token },
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 250,
    reconnectionDelayMax: 3000,
  });
  return socket;
}

const ackSchema = z.union([
  z.object({ ok: z.literal(true), callId: z.string().optional(), participants: z.array(z.string()).optional() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(CALL_ERROR_CODES), message: z.string() }) }),
]);

/**
 * Socket.IO's typed `emit` cannot take a generic event name; the public
 * functions here keep the event/payload pairing typed instead.
 */
interface UntypedEmitter {
  emit(event: string, ...args: unknown[]): unknown;
}

/** Maximum time to wait for an acknowledgement, in ms. */
export const ACK_TIMEOUT_MS = 10_000;

/** Emits `event` and resolves with the acknowledgement; a timeout resolves as `{ok: false, code: 'INTERNAL'}`. */
export function request<E extends ClientEventName>(
  socket: SignalingSocket,
  event: E,
  payload: ClientToServerPayloads[E],
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<AckReply> {
  return new Promise((resolve) => {
    const timed = socket.timeout(timeoutMs) as unknown as UntypedEmitter;
    timed.emit(event, payload, (error: Error | null, reply: unknown) => {
      if (error !== null) {
        resolve({ ok: false, error: { code: 'INTERNAL', message: `no acknowledgement for ${event}` } });
        return;
      }
      const parsed = ackSchema.safeParse(reply);
      resolve(
        parsed.success
          ? (parsed.data as AckReply)
          : { ok: false, error: { code: 'INTERNAL', message: `malformed acknowledgement for ${event}` } },
      );
    });
  });
}

/** Emits without waiting for an acknowledgement (Socket.IO buffers it while disconnected). */
export function send<E extends ClientEventName>(socket: SignalingSocket, event: E, payload: ClientToServerPayloads[E]): void {
  (socket as unknown as UntypedEmitter).emit(event, payload);
}
