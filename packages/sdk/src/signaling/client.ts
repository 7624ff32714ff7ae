/**
 * Client of the gateway's `/p2p` namespace (browser-safe: socket.io-client
 * only). Registers local identities by signing the gateway's challenge,
 * re-registers them after a reconnect, and routes incoming `p2p:signal`s to
 * the handler of the addressed local peer id.
 */
import { z } from 'zod';
import { io, type Socket } from 'socket.io-client';
import type { PeerId } from '@peerlink/protocol';
import { P2PError } from '../contract/errors.js';
import type { PeerIdentity } from '../identity/identity.js';
import { toBase64Url } from './base64url.js';
import {
  challengeSchema,
  incomingSignalSchema,
  P2P_NAMESPACE,
  registeredSchema,
  registrationMessage,
  signalingErrorSchema,
  type IncomingSignal,
  type SignalingErrorMessage,
  type SignalPayload,
} from './messages.js';

/** A signal on its way out (`from` is a local peer id). */
export interface OutgoingSignal {
  readonly to: PeerId;
  readonly from: PeerId;
  readonly payload: SignalPayload;
}

/**
 * Sees every signal this client sends or receives and may rewrite it or drop
 * it (return undefined). For tests that play a malicious gateway; `client`
 * offers `sendRaw`/`deliver` to inject messages past the interceptor.
 */
export interface SignalInterceptor {
  outgoing?(signal: OutgoingSignal, client: P2pSignalingClient): OutgoingSignal | undefined;
  incoming?(signal: IncomingSignal, client: P2pSignalingClient): IncomingSignal | undefined;
}

export interface P2pSignalingClientOptions {
  /** Gateway origin, e.g. `https://gw.example.org`. */
  readonly url: string;
  /** User JWT (the same one the call signaling uses). */
  readonly token: string;
  /** Socket.IO path on the gateway. Default `/socket.io`. */
  readonly path?: string;
  /** Engine.IO transports. Default `['websocket', 'polling']`. */
  readonly transports?: readonly ('websocket' | 'polling')[];
  /** How long connect and each registration may take, ms. Default 10 000. */
  readonly timeoutMs?: number;
  /** Test hook, see {@link SignalInterceptor}. */
  readonly interceptor?: SignalInterceptor;
}

type SignalHandler = (signal: IncomingSignal) => void;
type ErrorHandler = (error: SignalingErrorMessage) => void;

/** Answer to {@link P2pSignalingClient.authorize}. */
export type AuthorizeReply = { readonly ok: true } | { readonly ok: false; readonly code: string };

const authorizeReplySchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), code: z.string().max(64) }),
]);

export class P2pSignalingClient {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  readonly #interceptor: SignalInterceptor | undefined;
  readonly #identities = new Map<PeerId, PeerIdentity>();
  readonly #handlers = new Map<string, SignalHandler>();
  readonly #errorHandlers = new Set<ErrorHandler>();
  readonly #waiting = new Map<string, { resolve(): void; reject(error: P2PError): void }>();

  private constructor(socket: Socket, timeoutMs: number, interceptor: SignalInterceptor | undefined) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#interceptor = interceptor;
    socket.on('p2p:challenge', (raw: unknown) => this.#onChallenge(raw));
    socket.on('p2p:registered', (raw: unknown) => {
      const parsed = registeredSchema.safeParse(raw);
      if (parsed.success) this.#settle(parsed.data.peerId);
    });
    socket.on('p2p:signal', (raw: unknown) => {
      const parsed = incomingSignalSchema.safeParse(raw);
      if (parsed.success) this.#receive(parsed.data, true);
    });
    socket.on('p2p:error', (raw: unknown) => this.#onError(raw));
    // After a reconnect the gateway has forgotten us: prove every identity again.
    socket.io.on('reconnect', () => {
      for (const identity of this.#identities.values()) socket.emit('p2p:register', { peerId: identity.peerId });
    });
  }

  /** Connects and authenticates; rejects with NETWORK_ERROR (unreachable) or AUTHENTICATION_FAILED (bad token). */
  static async connect(options: P2pSignalingClientOptions): Promise<P2pSignalingClient> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const socket = io(new URL(P2P_NAMESPACE, options.url).href, {
      path: options.path ?? '/socket.io',
      auth: { token: options.token },
      transports: [...(options.transports ?? ['websocket', 'polling'])],
      forceNew: true,
      timeout: timeoutMs,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
        socket.close();
        const code = error.data?.code === 'UNAUTHENTICATED' ? 'AUTHENTICATION_FAILED' : 'NETWORK_ERROR';
        reject(new P2PError(code, `signaling: ${error.message}`, { reason: error.data?.code ?? 'connect-error', cause: error }));
      });
    });
    return new P2pSignalingClient(socket, timeoutMs, options.interceptor);
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Proves possession of `identity`'s key to the gateway; afterwards signals to its peer id reach this client. */
  register(identity: PeerIdentity): Promise<void> {
    this.#identities.set(identity.peerId, identity);
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(identity.peerId);
        reject(new P2PError('TIMEOUT', 'signaling registration timed out', { reason: 'register-timeout' }));
      }, this.#timeoutMs);
      this.#waiting.set(identity.peerId, {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
    this.#socket.emit('p2p:register', { peerId: identity.peerId });
    return done;
  }

  /** Stops receiving signals for `peerId`. */
  unregister(peerId: PeerId): void {
    this.#identities.delete(peerId);
    this.#handlers.delete(peerId);
    this.#socket.emit('p2p:unregister', { peerId });
  }

  /** Routes incoming signals addressed to `peerId`. One handler per peer id. */
  onSignal(peerId: PeerId, handler: SignalHandler): () => void {
    this.#handlers.set(peerId, handler);
    return () => {
      if (this.#handlers.get(peerId) === handler) this.#handlers.delete(peerId);
    };
  }

  /** `p2p:error` messages about routing (PEER_NOT_FOUND, ACCESS_DENIED, RATE_LIMITED…). */
  onError(handler: ErrorHandler): () => void {
    this.#errorHandlers.add(handler);
    return () => void this.#errorHandlers.delete(handler);
  }

  send(signal: OutgoingSignal): void {
    const out = this.#interceptor?.outgoing === undefined ? signal : this.#interceptor.outgoing(signal, this);
    if (out !== undefined) this.sendRaw(out);
  }

  /** Sends without passing the interceptor. */
  sendRaw(signal: OutgoingSignal): void {
    this.#socket.emit('p2p:signal', signal);
  }

  /**
   * Asks the gateway whether the user who owns `peerId` may reach this
   * principal right now (a device checks every stream open against the
   * current grants). Rejects when the gateway does not answer in time.
   */
  async authorize(peerId: string, timeoutMs = 5_000): Promise<AuthorizeReply> {
    const reply: unknown = await this.#socket.timeout(timeoutMs).emitWithAck('p2p:authorize', { peerId });
    const parsed = authorizeReplySchema.safeParse(reply);
    return parsed.success ? parsed.data : { ok: false, code: 'INVALID_MESSAGE' };
  }

  /** Hands a signal to the local handlers as if the gateway sent it (skips the interceptor). */
  deliver(signal: IncomingSignal): void {
    this.#receive(signal, false);
  }

  close(): void {
    for (const waiter of this.#waiting.values()) waiter.reject(new P2PError('CLOSED', 'signaling closed', { reason: 'signaling-closed' }));
    this.#waiting.clear();
    this.#socket.close();
  }

  #receive(signal: IncomingSignal, intercept: boolean): void {
    const seen = intercept && this.#interceptor?.incoming !== undefined ? this.#interceptor.incoming(signal, this) : signal;
    if (seen !== undefined) this.#handlers.get(seen.to)?.(seen);
  }

  #onChallenge(raw: unknown): void {
    const parsed = challengeSchema.safeParse(raw);
    const identity = parsed.success ? this.#identities.get(parsed.data.peerId as PeerId) : undefined;
    if (!parsed.success || identity === undefined) return;
    const signature = identity.sign(registrationMessage(parsed.data.nonce, identity.peerId));
    this.#socket.emit('p2p:prove', { peerId: identity.peerId, signature: toBase64Url(signature) });
  }

  #onError(raw: unknown): void {
    const parsed = signalingErrorSchema.safeParse(raw);
    if (!parsed.success) return;
    const error = parsed.data;
    if (error.peerId !== undefined && this.#waiting.has(error.peerId)) {
      const code = error.code === 'CHALLENGE_FAILED' ? 'AUTHENTICATION_FAILED' : 'NETWORK_ERROR';
      this.#waiting.get(error.peerId)?.reject(new P2PError(code, `registration refused: ${error.message}`, { reason: error.code }));
      this.#waiting.delete(error.peerId);
      return;
    }
    for (const handler of this.#errorHandlers) handler(error);
  }

  #settle(peerId: string): void {
    this.#waiting.get(peerId)?.resolve();
    this.#waiting.delete(peerId);
  }
}
