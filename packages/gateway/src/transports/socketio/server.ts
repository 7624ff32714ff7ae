/** Builds the Socket.IO server with the signaling defaults and attaches the call protocol. */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { resolveSignalingOptions } from './options.js';
import { createRecoveryAdapter } from './recovery-adapter.js';
import { attachSignaling, type SignalingDeps, type SignalingHandle } from './signaling.js';
import type { SignalingServer } from './types.js';

export interface SignalingServerHandle extends SignalingHandle {
  readonly io: SignalingServer;
}

/**
 * Creates the Socket.IO server on `httpServer` (path `/socket.io`):
 * `maxHttpBufferSize` = `maxMessageBytes`, connection state recovery for the
 * disconnect grace period (handshake re-verified on recovery) with a bounded
 * replay buffer ({@link createRecoveryAdapter}), no per-message deflate, CORS off unless
 * `corsOrigins` is set, no client bundle served. `close()` stops signaling and
 * closes Engine.IO connections; the HTTP server stays with its owner.
 */
export function createSignalingServer(httpServer: HttpServer, deps: SignalingDeps): SignalingServerHandle {
  const options = resolveSignalingOptions(deps.options);
  const io: SignalingServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: options.maxMessageBytes,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    ...(options.corsOrigins.length > 0 ? { cors: { origin: [...options.corsOrigins] } } : {}),
    // Explicit although it is Engine.IO's default: signaling messages are small, and compressing each costs CPU and
    // a zlib context per connection. (The benchmark's bare server runs with the same engine options.)
    perMessageDeflate: false,
    ...(options.disconnectGraceMs > 0
      ? {
          connectionStateRecovery: { maxDisconnectionDuration: options.disconnectGraceMs, skipMiddlewares: false },
          adapter: createRecoveryAdapter({ windowMs: options.disconnectGraceMs, maxPackets: options.recoveryBufferPackets }),
        }
      : {}),
  });
  const handle = attachSignaling(io, { ...deps, options });
  let closed: Promise<void> | undefined;
  return {
    io,
    options: handle.options,
    get connectedUsers() {
      return handle.connectedUsers;
    },
    get liveCalls() {
      return handle.liveCalls;
    },
    get storeFailures() {
      return handle.storeFailures;
    },
    close() {
      closed ??= handle.close().then(async () => {
        io.engine.close();
        await io.of('/').adapter.close();
      });
      return closed;
    },
  };
}
