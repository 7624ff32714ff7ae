/**
 * The agent's tunnel: one WebSocket to the gateway's `/tunnel/agent`,
 * authenticated with the device credential and a proof of the device key,
 * then a peerlink session on which the gateway opens one stream per viewer.
 * Reconnects with capped exponential backoff and full jitter.
 */
import type { PeerIdentity, P2PConnection, PathInfo, SessionOptions } from '@peerlink/sdk';
import WebSocket from 'ws';
import { backoffDelay, type BackoffOptions } from '../core/backoff.js';
import { StateTracker } from '../core/state-tracker.js';
import { WakeableSleep } from '../core/wakeable-sleep.js';
import type { AgentTransport, TransportState, TransportStatus } from '../transport.js';
import {
  DEVICE_ID_HEADER,
  GATEWAY_PEER_ID,
  TUNNEL_AGENT_PATH,
  agentProofMessage,
  establishTunnelSession,
  gatewayToAgentSchema,
  parseHandshake,
  type ConnectionMode,
  type GatewayToAgentMessage,
  WebSocketLink,
} from '../wire/index.js';
import { FRAME_HEADER_LENGTH, MAX_FRAME_PAYLOAD } from '@peerlink/protocol';

export interface TunnelTransportInit {
  /** Gateway base URL (`http(s)://…`). */
  readonly gatewayUrl: string;
  readonly deviceId: string;
  readonly credential: string;
  readonly identity: PeerIdentity;
  readonly services: readonly string[];
  readonly mode: ConnectionMode;
  readonly backoff?: BackoffOptions;
  /** Give up on a connect attempt (upgrade + handshake) after this many ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  readonly session?: SessionOptions;
  /** Randomness for jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  readonly now?: () => number;
}

export function tunnelUrl(gatewayUrl: string, path: string): URL {
  const url = new URL(path, gatewayUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

export class TunnelTransport implements AgentTransport {
  readonly kind = 'tunnel' as const;
  readonly #init: TunnelTransportInit;
  readonly #status: StateTracker<TransportState>;
  #connects = 0;
  #attempt = 0;
  #connection: P2PConnection | undefined;
  #ws: WebSocket | undefined;
  #serverPorts: Record<string, number | null> = {};
  readonly #sleeper = new WakeableSleep();
  #loop: Promise<void> | undefined;

  constructor(init: TunnelTransportInit) {
    this.#init = init;
    this.#status = new StateTracker<TransportState>(init.now ?? Date.now, 'offline', 'not started', 'stopped');
  }

  start(onConnection: (connection: P2PConnection, path: PathInfo) => void): void {
    this.#loop ??= this.#run(onConnection);
  }

  reconnect(): void {
    this.#attempt = 0;
    if (this.#connection !== undefined) void this.#connection.close('reconnect requested');
    else this.#ws?.terminate();
    this.#sleeper.wake();
  }

  status(): TransportStatus {
    return { kind: 'tunnel', state: this.#status.state, reason: this.#status.reason, connects: this.#connects, since: this.#status.since, rttMs: this.#connection?.stats().rttMs, serverPorts: { ...this.#serverPorts } };
  }

  async stop(): Promise<void> {
    this.#status.stop('stopped');
    await this.#connection?.close('agent stopping');
    this.#ws?.terminate();
    this.#sleeper.wake();
    await this.#loop;
  }

  async #run(onConnection: (connection: P2PConnection, path: PathInfo) => void): Promise<void> {
    while (!this.#status.stopped) {
      this.#status.set('connecting', this.#attempt === 0 ? 'connecting' : `retry ${this.#attempt}`);
      try {
        const connection = await this.#connectOnce();
        this.#attempt = 0;
        this.#connects++;
        this.#connection = connection;
        this.#status.set('online', 'tunnel-mode');
        const closed = new Promise<string>((resolve) => connection.on('closed', ({ reason }) => resolve(reason)));
        onConnection(connection, connection.path);
        const reason = await closed;
        this.#connection = undefined;
        if (this.#status.stopped) break;
        this.#status.set('offline', `session closed: ${reason}`);
      } catch (err) {
        if (this.#status.stopped) break;
        this.#status.set('offline', err instanceof Error ? err.message : String(err));
      }
      await this.#sleeper.sleep(backoffDelay(this.#attempt++, (this.#init.random ?? Math.random)(), this.#init.backoff));
    }
  }

  async #connectOnce(): Promise<P2PConnection> {
    const init = this.#init;
    const ws = new WebSocket(tunnelUrl(init.gatewayUrl, TUNNEL_AGENT_PATH), {
      headers: { [DEVICE_ID_HEADER]: init.deviceId, authorization: `Device ${init.credential}` },
      maxPayload: FRAME_HEADER_LENGTH + MAX_FRAME_PAYLOAD,
      perMessageDeflate: false,
      handshakeTimeout: init.connectTimeoutMs ?? 10_000,
    });
    this.#ws = ws;
    ws.on('error', () => {});
    const link = new WebSocketLink(ws);
    const timeout = setTimeout(() => ws.terminate(), init.connectTimeoutMs ?? 10_000);
    try {
      const challenge = await nextMessage(ws);
      if (challenge.type !== 'challenge') throw new Error(challenge.type === 'refused' ? `refused: ${challenge.code} ${challenge.message}` : 'expected a challenge');
      const signature = init.identity.sign(agentProofMessage(init.deviceId, challenge.nonce));
      ws.send(JSON.stringify({ type: 'proof', publicKey: Buffer.from(init.identity.publicKey).toString('base64url'), signature: Buffer.from(signature).toString('base64url'), services: init.services, mode: init.mode }));
      const welcome = await nextMessage(ws);
      if (welcome.type !== 'welcome') throw new Error(welcome.type === 'refused' ? `refused: ${welcome.code} ${welcome.message}` : 'expected welcome');
      this.#serverPorts = Object.fromEntries(welcome.services.map((s) => [s.name, s.serverPort]));
      const { connection } = await establishTunnelSession(link, { peerId: GATEWAY_PEER_ID, isInitiator: false, path: { kind: 'tunnel', reason: 'tunnel-mode' }, ...(init.session ? { options: init.session } : {}) });
      return connection;
    } catch (err) {
      ws.terminate();
      throw err;
    } finally {
      clearTimeout(timeout);
    }
  }
}

/** The next handshake text message; rejects when the socket closes first or sends junk. */
function nextMessage(ws: WebSocket): Promise<GatewayToAgentMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
      cleanup();
      const msg = isBinary ? undefined : parseHandshake(rawText(data), gatewayToAgentSchema);
      if (msg === undefined) reject(new Error('malformed handshake message from the gateway'));
      else resolve(msg);
    };
    const onClose = (code: number, reason: Buffer): void => {
      cleanup();
      reject(new Error(`tunnel closed during handshake: ${code} ${reason.toString('utf8')}`));
    };
    const onUnexpected = (_req: unknown, res: { statusCode?: number }): void => {
      cleanup();
      ws.terminate();
      reject(new Error(`gateway refused the tunnel upgrade: HTTP ${res.statusCode ?? '?'}`));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      ws.off('message', onMessage);
      ws.off('close', onClose);
      ws.off('unexpected-response', onUnexpected);
      ws.off('error', onError);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('unexpected-response', onUnexpected);
    ws.on('error', onError);
  });
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
