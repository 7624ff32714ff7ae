/**
 * The `/p2p` namespace: peers prove they hold the Ed25519 key behind a peer
 * id (gateway challenge, signed by the peer), then exchange `p2p:signal`
 * messages (SDP, ICE candidates, identity nonces) routed by peer id — only
 * between principals that `mayReach` each other. With `devices`, device
 * agents sign in with their device credential (principal `device:<id>`), must
 * register the key their device is bound to, and users reach the devices they
 * own or are granted (see `principals.ts`).
 */
import { createPublicKey, randomBytes as nodeRandomBytes, verify, type KeyObject } from 'node:crypto';
import { parsePeerId, type PeerId } from '@peerlink/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { AuthenticatedUser, TokenVerifier } from '../core/auth.js';
import { TokenBucket } from '../transports/socketio/rate-limit.js';
import {
  MAX_SIGNAL_PAYLOAD_BYTES,
  P2P_NAMESPACE,
  proveSchema,
  registerSchema,
  registrationMessage,
  signalSchema,
  type P2pErrorMessage,
} from './messages.js';
import { resolveP2pOptions, type P2pSignalingOptions } from './options.js';
import { authenticateDevice, deviceOf, deviceReachPolicy, parseDeviceAuth, type P2pDeviceDirectory } from './principals.js';
import { PeerRegistry } from './registry.js';

/** The subset of a pino logger used here. */
export interface P2pLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface P2pSignalingDeps {
  readonly tokens: TokenVerifier;
  /**
   * Who may signal whom, asked at every `p2p:signal` (principal ids: user ids
   * or `device:<id>`). Default: the same principal, plus — with `devices` —
   * a user and a device it owns or is granted.
   */
  readonly mayReach?: (fromUserId: string, toUserId: string) => boolean | Promise<boolean>;
  /** The device registry: enables device sign-in (`auth: {deviceId, credential}`) and the device reach policy. */
  readonly devices?: P2pDeviceDirectory;
  readonly options?: P2pSignalingOptions;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Randomness for challenge nonces. Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
  readonly logger?: P2pLogger;
}

export interface P2pSignalingHandle {
  /** Peer ids currently registered. */
  readonly registeredPeers: number;
  /** Disconnects every `/p2p` socket and stops accepting new ones. Idempotent. */
  close(): Promise<void>;
}

/** Anything with Socket.IO's `of()`: a `Server` of any event typing. */
export interface NamespaceHost {
  of(name: string): unknown;
}

interface P2pSocketData {
  user: AuthenticatedUser;
  bucket: TokenBucket;
  /** Outstanding challenges: peer id → nonce and expiry. */
  challenges: Map<string, { nonce: string; expiresAt: number }>;
  /** Async steps (prove, signal) run in arrival order through this chain. */
  queue: Promise<void>;
}
type P2pSocket = Socket<Record<string, (payload: unknown, ack?: unknown) => void>, Record<string, (payload: unknown) => void>, Record<never, never>, P2pSocketData>;
type P2pNamespace = Namespace<Record<string, (payload: unknown, ack?: unknown) => void>, Record<string, (payload: unknown) => void>, Record<never, never>, P2pSocketData>;

const sameUser = (from: string, to: string): boolean => from === to;
const quietLogger: P2pLogger = { info() {}, warn() {} };
/** DER SubjectPublicKeyInfo header of a raw Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function attachP2pSignaling(io: NamespaceHost, deps: P2pSignalingDeps): P2pSignalingHandle {
  const nsp = io.of(P2P_NAMESPACE) as P2pNamespace;
  const options = resolveP2pOptions(deps.options);
  const now = deps.now ?? Date.now;
  const random = deps.randomBytes ?? ((n: number) => nodeRandomBytes(n));
  const devices = deps.devices;
  const mayReach = deps.mayReach ?? (devices === undefined ? sameUser : deviceReachPolicy(devices));
  const log = deps.logger ?? quietLogger;
  const registry = new PeerRegistry(options.maxPeerIdsPerSocket);
  let closing = false;

  nsp.use((socket, next) => {
    if (closing) return next(Object.assign(new Error('Server is shutting down'), { data: { code: 'SHUTTING_DOWN' } }));
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    const device = devices === undefined ? undefined : parseDeviceAuth(auth);
    if (device === undefined && (typeof token !== 'string' || token === '')) {
      return next(Object.assign(new Error('Authentication required: connect with auth: {token} or {deviceId, credential}'), { data: { code: 'UNAUTHENTICATED' } }));
    }
    const principal = devices !== undefined && device !== undefined ? authenticateDevice(devices, device) : deps.tokens.verify(token as string);
    principal.then(
      (user) => {
        if (user === undefined) return next(Object.assign(new Error('Unknown device or wrong credential'), { data: { code: 'UNAUTHENTICATED' } }));
        socket.data.user = user;
        socket.data.bucket = new TokenBucket(options.rate.perSecond, options.rate.burst, now());
        socket.data.challenges = new Map();
        socket.data.queue = Promise.resolve();
        next();
      },
      () => next(Object.assign(new Error('Invalid or expired token'), { data: { code: 'UNAUTHENTICATED' } })),
    );
  });

  nsp.on('connection', (socket: P2pSocket) => {
    const fail = (error: P2pErrorMessage): void => void socket.emit('p2p:error', error);
    /** Runs `step` after every earlier async step of this socket (keeps signal order across awaits). */
    const inOrder = (step: () => Promise<void>): void => {
      socket.data.queue = socket.data.queue.then(step).catch((err: unknown) => {
        log.warn({ err, socketId: socket.id }, 'p2p step failed');
        fail({ code: 'INTERNAL', message: 'internal error' });
      });
    };
    const admitted = (): boolean => {
      if (socket.data.bucket.take(now())) return true;
      fail({ code: 'RATE_LIMITED', message: `more than ${options.rate.perSecond} messages per second` });
      return false;
    };

    socket.on('p2p:register', (raw: unknown) => {
      if (!admitted()) return;
      const parsed = registerSchema.safeParse(raw);
      const peer = parsed.success ? parsePeerId(parsed.data.peerId) : undefined;
      if (peer === undefined || !peer.ok) return fail({ code: 'INVALID_MESSAGE', message: 'p2p:register needs {peerId}' });
      const { challenges } = socket.data;
      if (!challenges.has(peer.peerId) && challenges.size >= options.maxPendingChallenges) {
        return fail({ code: 'TOO_MANY_PEER_IDS', message: 'too many registrations in progress', peerId: peer.peerId });
      }
      const nonce = Buffer.from(random(options.nonceBytes)).toString('base64url');
      challenges.set(peer.peerId, { nonce, expiresAt: now() + options.challengeTtlMs });
      socket.emit('p2p:challenge', { peerId: peer.peerId, nonce });
    });

    socket.on('p2p:prove', (raw: unknown) => {
      if (!admitted()) return;
      const parsed = proveSchema.safeParse(raw);
      const peer = parsed.success ? parsePeerId(parsed.data.peerId) : undefined;
      if (!parsed.success || peer === undefined || !peer.ok) return fail({ code: 'INVALID_MESSAGE', message: 'p2p:prove needs {peerId, signature}' });
      const challenge = socket.data.challenges.get(peer.peerId);
      socket.data.challenges.delete(peer.peerId);
      const key = publicKeyObject(peer.publicKey);
      const signature = Buffer.from(parsed.data.signature, 'base64url');
      const valid =
        challenge !== undefined &&
        challenge.expiresAt >= now() &&
        key !== undefined &&
        verify(null, registrationMessage(challenge.nonce, peer.peerId), key, signature);
      if (!valid) return fail({ code: 'CHALLENGE_FAILED', message: 'no valid signature over a live challenge', peerId: peer.peerId });
      inOrder(async () => {
        // A device may only register the key its registry entry is bound to (bound on first proof).
        const deviceId = deviceOf(socket.data.user.userId);
        if (devices !== undefined && deviceId !== undefined && !(await devices.bindKey(deviceId, Buffer.from(peer.publicKey).toString('base64url'), peer.peerId))) {
          return fail({ code: 'CHALLENGE_FAILED', message: 'device is bound to another key', peerId: peer.peerId });
        }
        claimPeer(peer.peerId);
      });
    });

    const claimPeer = (peerId: PeerId): void => {
      const peer = { peerId };
      const claim = registry.claim(peer.peerId, { socketId: socket.id, userId: socket.data.user.userId });
      if (!claim.ok) return fail({ code: claim.code, message: `cannot register ${peer.peerId}`, peerId: peer.peerId });
      log.info({ peerId: peer.peerId, userId: socket.data.user.userId }, 'p2p peer registered');
      socket.emit('p2p:registered', { peerId: peer.peerId });
    };

    socket.on('p2p:unregister', (raw: unknown) => {
      if (!admitted()) return;
      const parsed = registerSchema.safeParse(raw);
      if (parsed.success) registry.release(socket.id, parsed.data.peerId);
    });

    socket.on('p2p:signal', (raw: unknown) => {
      if (!admitted()) return;
      const parsed = signalSchema.safeParse(raw);
      if (!parsed.success) return fail({ code: 'INVALID_MESSAGE', message: `p2p:signal: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      const { to, from, payload } = parsed.data;
      const route = { to, sid: payload.sid };
      if (JSON.stringify(payload).length > MAX_SIGNAL_PAYLOAD_BYTES) {
        return fail({ code: 'PAYLOAD_TOO_LARGE', message: `payload above ${MAX_SIGNAL_PAYLOAD_BYTES} bytes`, ...route });
      }
      if (!registry.holds(socket.id, from)) return fail({ code: 'NOT_REGISTERED', message: `this socket did not register ${from}`, ...route });
      inOrder(async () => {
        const target = registry.lookup(to);
        if (target === undefined) return fail({ code: 'PEER_NOT_FOUND', message: `no peer ${to} is registered`, ...route });
        if (!(await mayReach(socket.data.user.userId, target.userId))) return fail({ code: 'ACCESS_DENIED', message: `not allowed to reach ${to}`, ...route });
        nsp.to(target.socketId).emit('p2p:signal', { from, to, payload });
      });
    });

    // A device asks, at every stream open, whether the user behind a peer id
    // may still reach it (grants can be revoked while a connection is up).
    socket.on('p2p:authorize', (raw: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: { ok: boolean; code?: string }) => void) : undefined;
      if (reply === undefined) return;
      if (!admitted()) return reply({ ok: false, code: 'RATE_LIMITED' });
      const parsed = registerSchema.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, code: 'INVALID_MESSAGE' });
      inOrder(async () => {
        const owner = registry.ownerUser(parsed.data.peerId);
        if (owner === undefined) return reply({ ok: false, code: 'PEER_NOT_FOUND' });
        reply((await mayReach(owner, socket.data.user.userId)) ? { ok: true } : { ok: false, code: 'ACCESS_DENIED' });
      });
    });

    socket.on('disconnect', () => {
      const released = registry.releaseSocket(socket.id);
      if (released.length > 0) log.info({ peerIds: released }, 'p2p peers unregistered (socket closed)');
    });
  });

  return {
    get registeredPeers() {
      return registry.size;
    },
    async close() {
      closing = true;
      nsp.disconnectSockets(true);
    },
  };
}

function publicKeyObject(raw: Uint8Array): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}
