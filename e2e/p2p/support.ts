/**
 * A real gateway on loopback with the `/p2p` namespace, and WebRtcProviders
 * (node-datachannel) signaling through it.
 */
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { attachP2pSignaling, TokenService } from '@peerlink/gateway';
import { createEd25519Identity, type PeerIdentity } from '@peerlink/sdk';
import { P2pSignalingClient, type SignalInterceptor } from '../../packages/sdk/src/signaling/index.js';
import { WebRtcProvider, type RtcPeerConnectionConstructor, type WebRtcProviderOptions } from '../../packages/sdk/src/providers/webrtc/index.js';
import { register, startGateway, type Account, type RunningGateway } from '../gateway/support.js';

export const nodeRtc = RTCPeerConnection as unknown as RtcPeerConnectionConstructor;

export interface P2pGateway {
  readonly running: RunningGateway;
  readonly url: string;
  /** Socket.IO path serving `/p2p`. */
  readonly path: string;
  readonly account: Account;
  stop(): Promise<void>;
}

/** Does the gateway itself serve `/p2p` (composition in server.ts)? */
async function servesP2p(url: string, token: string): Promise<boolean> {
  const socket = io(`${url}/p2p`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
  } finally {
    socket.close();
  }
}

/**
 * Starts a gateway (startGateway). When its composition does not attach the
 * `/p2p` namespace yet, attaches it here on a second Socket.IO path of the
 * same HTTP server, with the gateway's own JWT secret.
 */
export async function startP2pGateway(): Promise<P2pGateway> {
  const running = await startGateway();
  const account = await register(running.url, `p2p${Math.random().toString(36).slice(2, 10)}`);
  let path = '/socket.io';
  let extra: Server | undefined;
  if (!(await servesP2p(running.url, account.token))) {
    path = '/p2p-e2e.io';
    extra = new Server(running.gateway.app.server, { path, serveClient: false, destroyUpgrade: false });
    attachP2pSignaling(extra, { tokens: new TokenService({ secret: running.gateway.secrets.jwtSecret }) });
  }
  return {
    running,
    url: running.url,
    path,
    account,
    async stop() {
      if (extra !== undefined) {
        extra.disconnectSockets(true);
        extra.engine.close();
      }
      await running.stop();
    },
  };
}

export interface PeerOptions {
  readonly identity?: PeerIdentity;
  readonly interceptor?: SignalInterceptor;
  readonly provider?: Partial<WebRtcProviderOptions>;
  readonly account?: Account;
}

export interface NodePeer {
  readonly provider: WebRtcProvider;
  readonly signaling: P2pSignalingClient;
  close(): Promise<void>;
}

export async function nodePeer(gw: P2pGateway, options: PeerOptions = {}): Promise<NodePeer> {
  const signaling = await P2pSignalingClient.connect({
    url: gw.url,
    path: gw.path,
    token: (options.account ?? gw.account).token,
    transports: ['websocket'],
    ...(options.interceptor ? { interceptor: options.interceptor } : {}),
  });
  const provider = new WebRtcProvider({
    identity: options.identity ?? createEd25519Identity(),
    signaling,
    rtc: nodeRtc,
    timeouts: { connectMs: 8_000 },
    ...options.provider,
  });
  return {
    provider,
    signaling,
    async close() {
      await provider.close();
      signaling.close();
    },
  };
}
