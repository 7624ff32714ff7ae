/**
 * The tunnel endpoints and the agent handshake.
 *
 * `GET /tunnel/agent` (WebSocket upgrade) with headers
 * `x-peerlink-device: <deviceId>` and `authorization: Device <credential>`.
 * After the upgrade, text messages prove the device key before any session
 * frame:
 *
 *   gateway → agent  {type:"challenge", nonce}            (32 random bytes, base64url)
 *   agent → gateway  {type:"proof", publicKey, signature, services, mode}
 *   gateway → agent  {type:"welcome", deviceId, peerId, services[{name, serverPort}]}
 *                 or {type:"refused", code, message} and close 4403
 *
 * The signature is Ed25519 over {@link agentProofMessage}. The first proof
 * binds the device to that key; later connections must use the same key.
 * Then both sides run a peerlink session (binary frames, one frame per
 * WebSocket message) in which the gateway opens one stream per viewer.
 *
 * `GET /tunnel/client?device=<deviceId>` with `authorization: Bearer <JWT>`:
 * binary session frames right away; the client opens one stream per
 * forwarded TCP connection and starts each with a stream request header.
 */
import { z } from 'zod';
import { serviceNameSchema } from './stream-header.js';

export const TUNNEL_AGENT_PATH = '/tunnel/agent';
export const TUNNEL_CLIENT_PATH = '/tunnel/client';
/** Header naming the device on `/tunnel/agent`. */
export const DEVICE_ID_HEADER = 'x-peerlink-device';
/** Largest handshake text message in bytes. */
export const MAX_HANDSHAKE_MESSAGE_BYTES = 4096;
/** Close codes (4000-4999 are application codes in RFC 6455 §7.4.2). */
export const TUNNEL_CLOSE_CODES = {
  /** Credential, key proof or grant refused. */
  REFUSED: 4403,
  /** Another connection of the same device replaced this one. */
  REPLACED: 4409,
  /** Handshake timed out or broke the protocol. */
  PROTOCOL: 4400,
  /** The gateway is shutting down. */
  GOING_AWAY: 1001,
} as const;

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'device ids are 1..64 of [A-Za-z0-9._-], starting with a letter or digit');

export const CONNECTION_MODES = ['tunnel', 'p2p', 'hybrid'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(1024);

export const gatewayToAgentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('challenge'), nonce: base64url }),
  z.strictObject({
    type: z.literal('welcome'),
    deviceId: deviceIdSchema,
    peerId: z.string().max(256),
    services: z.array(z.strictObject({ name: serviceNameSchema, serverPort: z.number().int().min(1).max(65535).nullable() })).max(64),
  }),
  z.strictObject({ type: z.literal('refused'), code: z.string().max(64), message: z.string().max(512) }),
]);
export type GatewayToAgentMessage = z.infer<typeof gatewayToAgentSchema>;

export const agentToGatewaySchema = z.strictObject({
  type: z.literal('proof'),
  /** Raw 32-byte Ed25519 public key, base64url. */
  publicKey: base64url,
  /** Ed25519 signature over {@link agentProofMessage}, base64url. */
  signature: base64url,
  /** Names of the services the agent exposes (at most 64). */
  services: z.array(serviceNameSchema).max(64),
  mode: z.enum(CONNECTION_MODES),
});
export type AgentToGatewayMessage = z.infer<typeof agentToGatewaySchema>;

/** The bytes an agent signs: domain-separated, bound to the device and the gateway's nonce. */
export function agentProofMessage(deviceId: string, nonce: string): Uint8Array {
  return new TextEncoder().encode(`peerlink-tunnel-agent-v1\n${deviceId}\n${nonce}`);
}

/** Parses one handshake text message with `schema`; `undefined` when it is not valid. */
export function parseHandshake<T>(text: string, schema: z.ZodType<T>): T | undefined {
  if (text.length > MAX_HANDSHAKE_MESSAGE_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
