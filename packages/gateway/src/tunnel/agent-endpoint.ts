/**
 * `/tunnel/agent`: authenticates a device's agent (credential at the
 * upgrade, then an Ed25519 proof over a fresh challenge), publishes its
 * services on server ports and keeps its session in the hub until it ends.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { peerIdFromPublicKey } from '@peerlink/protocol';
import { verifyPeerSignature } from '@peerlink/sdk';
import {
  DEVICE_ID_HEADER,
  TUNNEL_CLOSE_CODES,
  agentProofMessage,
  agentToGatewaySchema,
  deviceIdSchema,
  establishTunnelSession,
  parseHandshake,
  type AgentToGatewayMessage,
  type GatewayToAgentMessage,
} from '@peerlink/agent/wire';
import type WebSocket from 'ws';
import { verifyDeviceCredential } from '../devices/credentials.js';
import type { AgentEntry } from './agent-hub.js';
import type { TunnelContext } from './context.js';

const DEVICE_AUTH = /^Device ([A-Za-z0-9_-]{16,128})$/;

/** Checks the upgrade request; returns the device id or an HTTP status + reason. */
export async function authenticateAgentUpgrade(ctx: TunnelContext, req: IncomingMessage): Promise<{ ok: true; deviceId: string } | { ok: false; status: number; reason: string }> {
  if (ctx.hub.size >= ctx.options.maxAgents) return { ok: false, status: 503, reason: 'too many agents' };
  const idHeader = req.headers[DEVICE_ID_HEADER];
  const id = deviceIdSchema.safeParse(idHeader);
  const auth = DEVICE_AUTH.exec(req.headers.authorization ?? '');
  if (!id.success || auth?.[1] === undefined) return { ok: false, status: 401, reason: `need ${DEVICE_ID_HEADER} and Authorization: Device <credential>` };
  const secret = await ctx.devices.findSecret(id.data);
  if (secret === undefined || !verifyDeviceCredential(auth[1], secret.credentialHash)) return { ok: false, status: 401, reason: 'unknown device or wrong credential' };
  return { ok: true, deviceId: id.data };
}

/** Runs the handshake and the session of one authenticated agent WebSocket. */
export function serveAgent(ctx: TunnelContext, ws: WebSocket, deviceId: string): void {
  const nonce = randomBytes(32).toString('base64url');
  const send = (msg: GatewayToAgentMessage): void => ws.send(JSON.stringify(msg));
  const refuse = (code: string, message: string): void => {
    ctx.log.warn({ deviceId, code }, `agent refused: ${message}`);
    send({ type: 'refused', code, message });
    ws.close(TUNNEL_CLOSE_CODES.REFUSED, code);
  };
  const timer = setTimeout(() => {
    send({ type: 'refused', code: 'HANDSHAKE_TIMEOUT', message: 'no key proof in time' });
    ws.close(TUNNEL_CLOSE_CODES.PROTOCOL, 'handshake timeout');
  }, ctx.options.handshakeTimeoutMs);
  ws.once('close', () => clearTimeout(timer));
  ws.once('message', (data, isBinary) => {
    clearTimeout(timer);
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
    const proof = isBinary ? undefined : parseHandshake(text, agentToGatewaySchema);
    if (proof === undefined) return refuse('BAD_PROOF', 'expected a proof message');
    void acceptProof(ctx, ws, deviceId, nonce, proof, send, refuse).catch((err: unknown) => {
      ctx.log.error({ deviceId, err }, 'agent handshake failed');
      ws.close(TUNNEL_CLOSE_CODES.PROTOCOL, 'internal error');
    });
  });
  send({ type: 'challenge', nonce });
}

async function acceptProof(
  ctx: TunnelContext,
  ws: WebSocket,
  deviceId: string,
  nonce: string,
  proof: AgentToGatewayMessage,
  send: (msg: GatewayToAgentMessage) => void,
  refuse: (code: string, message: string) => void,
): Promise<void> {
  const publicKey = Buffer.from(proof.publicKey, 'base64url');
  if (publicKey.length !== 32) return refuse('BAD_PROOF', 'public key must be 32 bytes');
  const peerId = peerIdFromPublicKey(publicKey);
  if (!verifyPeerSignature(peerId, agentProofMessage(deviceId, nonce), Buffer.from(proof.signature, 'base64url'))) return refuse('BAD_PROOF', 'signature does not verify');
  if (!(await ctx.devices.bindKey(deviceId, proof.publicKey, peerId))) return refuse('KEY_MISMATCH', 'device is bound to another key');
  const services = await ctx.devices.syncServices(deviceId, proof.services);
  const offered = new Set(proof.services);
  const exposed = new Map(services.filter((s) => offered.has(s.name)).map((s) => [s.name, s.serverPort] as const));
  if (ws.readyState !== ws.OPEN) return;
  send({ type: 'welcome', deviceId, peerId, services: [...exposed].map(([name, serverPort]) => ({ name, serverPort })) });
  const { connection } = await establishTunnelSession(ws, {
    peerId,
    isInitiator: true,
    path: { kind: 'tunnel', reason: 'gateway-tunnel' },
    options: ctx.options.session,
  });
  const entry: AgentEntry = { deviceId, connection, services: exposed, connectedAt: ctx.now(), openStreams: 0 };
  const previous = ctx.hub.add(entry);
  if (previous !== undefined) void previous.connection.close('replaced by a new agent connection');
  ctx.log.info({ deviceId, peerId, services: [...exposed.keys()], mode: proof.mode }, 'agent online');
  ctx.presence(deviceId, () => ctx.devices.setPresence(deviceId, { status: 'online', mode: proof.mode, lastSeen: ctx.now() }));
  connection.on('closed', ({ reason }) => {
    if (!ctx.hub.remove(entry)) return;
    ctx.log.info({ deviceId, reason }, 'agent offline');
    void ctx.ports.close(deviceId);
    ctx.presence(deviceId, () => ctx.devices.setPresence(deviceId, { status: 'offline', lastSeen: ctx.now() }));
  });
  await ctx.ports.open(deviceId, exposed);
  // The session may have ended while the ports were binding.
  if (ctx.hub.get(deviceId) === undefined) await ctx.ports.close(deviceId);
  // Agents never open streams toward the gateway: refuse any that arrive.
  void (async () => {
    for (;;) {
      const stream = await connection.acceptStream().catch(() => undefined);
      if (stream === undefined) return;
      stream.reset();
    }
  })();
}
