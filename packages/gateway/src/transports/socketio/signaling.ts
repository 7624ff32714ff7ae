/**
 * The Socket.IO driver of the call core: authenticates sockets, parses every
 * event with the protocol schemas, rate-limits each socket, feeds the
 * `CallManager` and carries out its actions (emits, timers, history writes).
 */
import { randomUUID } from 'node:crypto';
import {
  type AckReply,
  type CallErrorCode,
  type ClientEventName,
  type ClientToServerPayloads,
  createClientEventSchemas,
  isClientEventName,
  parseClientEvent,
} from '@peerlink/protocol';
import type { TokenVerifier } from '../../core/auth.js';
import {
  type CallAction,
  type CallInput,
  CallManager,
  type EmitAction,
  type Outcome,
  type SocketContext,
} from '../../core/calls/index.js';
import type { Stores } from '../../core/ports.js';
import type { ErrorCode } from '../../errors.js';
import { authenticateHandshake } from './handshake.js';
import { callOptionsOf, type SignalingOptions, type SignalingOptionsInput, resolveSignalingOptions } from './options.js';
import { MessageGate } from './rate-limit.js';
import { Inbox } from './inbox.js';
import { StoreWriter } from './store-writer.js';
import { TimerTable } from './timers.js';
import { type SignalingLogger, type SignalingServer, type SignalingSocket, silentLogger, userRoom } from './types.js';

// Every code a client can receive is a gateway error code.
const _codesAreGatewayCodes = (code: CallErrorCode): ErrorCode => code;
void _codesAreGatewayCodes;

export interface SignalingDeps {
  readonly stores: Stores;
  readonly tokens: TokenVerifier;
  readonly options?: SignalingOptionsInput;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Call id generator. Default `crypto.randomUUID`. */
  readonly newId?: () => string;
  readonly logger?: SignalingLogger;
}

export interface SignalingHandle {
  /**
   * Graceful stop: refuses new sockets and events, tells clients
   * (`server:shutdown`), ends live calls, waits for history writes, then
   * disconnects every socket. Idempotent. Does not close the HTTP server.
   */
  close(): Promise<void>;
  /** Users with at least one connected socket. */
  readonly connectedUsers: number;
  readonly liveCalls: number;
  /** History writes that failed since start (each was logged). */
  readonly storeFailures: number;
  readonly options: SignalingOptions;
}

/** How long `close()` waits for queued messages (e.g. `call:ended`) to reach clients before cutting them off. */
export const SHUTDOWN_FLUSH_MS = 2_000;

/** Disconnects every socket and waits (bounded) until their connections closed, so buffered packets are flushed. */
async function disconnectAll(io: SignalingServer, flushMs: number): Promise<void> {
  const sockets = [...io.of('/').sockets.values()];
  const closed = Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.conn.once('close', () => resolve()))));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, flushMs)));
  for (const socket of sockets) socket.disconnect(true);
  await Promise.race([closed, limit]);
  clearTimeout(timer);
}

/** Per-socket state, created once at connection (no closures per event). */
interface Session {
  readonly socket: SignalingSocket;
  readonly ctx: SocketContext;
  readonly gate: MessageGate;
  readonly inbox: Inbox<Session, ClientEventName, unknown, unknown>;
}

interface AnyEmitter {
  emit(event: string, ...args: unknown[]): boolean;
}

export function attachSignaling(io: SignalingServer, deps: SignalingDeps): SignalingHandle {
  const options = resolveSignalingOptions(deps.options);
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const manager = new CallManager({ now, newId: deps.newId ?? randomUUID, options: callOptionsOf(options) });
  const schemas = createClientEventSchemas({ maxSdpBytes: options.maxSdpBytes });
  const timers = new TimerTable();
  let closing: Promise<void> | undefined;

  function sendError(socketId: string, code: CallErrorCode, message: string, extra: { event?: string } = {}): void {
    io.to(socketId).emit('call:error', { code, message, ...extra });
  }

  const writer = new StoreWriter(deps.stores.calls, (error, action, origin) => {
    logger.error({ err: error, callId: action.callId, op: action.write.op }, 'call history write failed');
    if (origin !== undefined) sendError(origin, 'INTERNAL', 'Call history could not be saved');
  });

  const sockets = io.of('/').sockets;

  function emit(action: EmitAction): void {
    const to = action.to;
    let target: AnyEmitter;
    // A connected socket is emitted to directly (no broadcast operator). A socket that is gone is addressed as its
    // room, so that connection state recovery can still hand the packet over when the client comes back.
    if (to.kind === 'socket') target = sockets.get(to.socketId) ?? io.to(to.socketId);
    else {
      const rooms = io.to(to.userIds.map(userRoom));
      target = to.exceptSocketId === undefined ? rooms : rooms.except(to.exceptSocketId);
    }
    target.emit(action.event, action.payload);
  }

  function perform(outcome: Outcome, originSocketId?: string): void {
    for (const action of outcome.actions) performOne(action, originSocketId);
  }

  function performOne(action: CallAction, originSocketId: string | undefined): void {
    switch (action.type) {
      case 'emit':
        return emit(action);
      case 'store':
        return writer.write(action, originSocketId);
      case 'schedule':
        return timers.schedule(action.timer, action.delayMs, (key) =>
          perform(key.kind === 'ring' ? manager.ringTimeout(key.callId) : manager.graceExpired(key.userId)),
        );
      case 'cancel':
        return timers.cancel(action.timer);
    }
  }

  function reply(ack: unknown, value: AckReply): void {
    if (typeof ack === 'function') (ack as (reply: AckReply) => void)(value);
  }

  /** Parses and handles one admitted event; only `call:initiate` (it loads the chat) is asynchronous. */
  function handleEvent(session: Session, event: ClientEventName, payload: unknown, ack: unknown): void | Promise<void> {
    const { socket } = session;
    if (!socket.connected) return; // held behind call:initiate while the socket went away
    const parsed = parseClientEvent(schemas, event, payload);
    if (!parsed.ok) {
      sendError(socket.id, parsed.code, parsed.message, { event });
      return reply(ack, { ok: false, error: { code: parsed.code, message: parsed.message } });
    }
    if (event === 'call:initiate') return initiate(session, parsed.value as ClientToServerPayloads['call:initiate'], ack);
    const outcome = manager.handle(session.ctx, { event, payload: parsed.value } as CallInput);
    perform(outcome, socket.id);
    reply(ack, outcome.reply);
  }

  async function initiate(session: Session, payload: ClientToServerPayloads['call:initiate'], ack: unknown): Promise<void> {
    const chat = await deps.stores.chats.getChat(payload.chatId);
    if (!session.socket.connected) return;
    const outcome = manager.handle(session.ctx, { event: 'call:initiate', payload, chat });
    perform(outcome, session.socket.id);
    reply(ack, outcome.reply);
  }

  /** Every client event arrives here first (`onAny`, synchronously, in order): shutdown, rate limit, event name. */
  function receive(session: Session, rawEvent: unknown, args: unknown[]): void {
    const { socket } = session;
    const event = typeof rawEvent === 'string' ? rawEvent : String(rawEvent);
    const ack = args[args.length - 1];
    if (closing) return reply(ack, refuse(socket, 'SHUTTING_DOWN', 'Server is shutting down', event));
    const verdict = session.gate.admit(now());
    if (verdict === 'disconnect') {
      sendError(socket.id, 'RATE_LIMITED', 'Too many messages; disconnecting', { event });
      logger.warn({ userId: session.ctx.userId, socketId: socket.id }, 'signaling socket disconnected for flooding');
      socket.disconnect(true);
      return;
    }
    if (verdict !== 'pass') {
      if (verdict === 'refuse-first') reply(ack, refuse(socket, 'RATE_LIMITED', 'Too many messages', event));
      return;
    }
    if (!isClientEventName(event)) return reply(ack, refuse(socket, 'BAD_REQUEST', `Unknown event ${event.slice(0, 64)}`));
    session.inbox.push(session, event, args[0], ack);
  }

  function onEventError(error: unknown, session: Session, event: ClientEventName, _payload: unknown, ack: unknown): void {
    logger.error({ err: error, event, userId: session.ctx.userId }, 'signaling event failed');
    reply(ack, refuse(session.socket, 'INTERNAL', 'Internal error', event));
  }

  function onConnection(socket: SignalingSocket): void {
    const { userId } = socket.data.user;
    void socket.join(userRoom(userId));
    perform(manager.userConnected(userId, socket.id, socket.recovered));
    const session: Session = {
      socket,
      ctx: { socketId: socket.id, userId },
      gate: new MessageGate(options.rateLimit, now()),
      inbox: new Inbox(handleEvent, onEventError),
    };
    socket.onAny((event: unknown, ...args: unknown[]) => receive(session, event, args));
    socket.on('disconnect', () => perform(manager.socketDisconnected(socket.id)));
  }

  function refuse(socket: SignalingSocket, code: CallErrorCode, message: string, event?: string): AckReply {
    sendError(socket.id, code, message, event === undefined ? {} : { event: event.slice(0, 64) });
    return { ok: false, error: { code, message } };
  }

  io.use(authenticateHandshake(deps.tokens, logger, () => closing !== undefined));
  io.on('connection', onConnection);

  return {
    options,
    get connectedUsers() {
      return manager.connectedUsers;
    },
    get liveCalls() {
      return manager.liveCalls;
    },
    get storeFailures() {
      return writer.failures;
    },
    close() {
      closing ??= (async () => {
        io.emit('server:shutdown', { reason: 'shutdown', message: 'Server is shutting down' });
        perform(manager.shutdown());
        timers.clear();
        await writer.drain();
        await disconnectAll(io, SHUTDOWN_FLUSH_MS);
        io.off('connection', onConnection);
      })();
      return closing;
    },
  };
}
