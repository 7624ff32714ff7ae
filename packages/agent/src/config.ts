/**
 * `agent.json`: the camera-agent source design's fields as written, plus
 * what it lacks (services, gateway URL, device credential, key file, local
 * API address). Parsed with zod; errors name the field and the problem.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { CONNECTION_MODES, deviceIdSchema, serviceNameSchema } from './wire/index.js';

/** `host:port` with a numeric port; hosts are names or IP literals (IPv6 in brackets). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const hostPortIn = (min: number): z.ZodString =>
  z.string().refine((v) => {
    const m = HOST_PORT.exec(v);
    return m !== null && Number(m[2]) >= min && Number(m[2]) <= 65_535;
  }, `must be "host:port" with port ${min}..65535, e.g. "127.0.0.1:554"`);
const hostPort = hostPortIn(1);
const httpUrl = z.url({ protocol: /^https?$/ });

export const agentConfigSchema = z.strictObject({
  agent: z.strictObject({
    /** Device id registered in the gateway (`peerlink device add <id>`). */
    agent_id: deviceIdSchema,
    /** `tunnel` (through the gateway), `p2p` (direct via ICE) or `hybrid` (p2p, falling back to the tunnel). */
    connection_mode: z.enum(CONNECTION_MODES).default('tunnel'),
  }),
  p2p: z
    .strictObject({
      enabled: z.boolean().default(false),
      stun_servers: z.array(z.string().regex(/^stuns?:/, 'must be a stun: or stuns: URL')).max(16).default([]),
      turn_servers: z.array(z.strictObject({ url: z.string().regex(/^turns?:/, 'must be a turn: or turns: URL'), username: z.string().max(256), password: z.string().max(256) })).max(16).default([]),
      registry_url: httpUrl.optional(),
      /** Seconds to wait for ICE before falling back (hybrid). */
      ice_timeout: z.number().positive().max(300).default(10),
    })
    .prefault({}),
  /** The gateway's base URL (`http(s)://host:port`); the tunnel is `ws(s)://…/tunnel/agent`. */
  tunnel_server_url: httpUrl,
  fallback_to_tunnel: z.boolean().default(true),
  /** The only targets this agent ever dials, by service name. */
  services: z
    .array(z.strictObject({ name: serviceNameSchema, target: hostPort }))
    .min(1, 'list at least one service, e.g. [{"name":"rtsp","target":"127.0.0.1:554"}]')
    .max(64)
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'service names must be unique'),
  /** The one-time credential printed by `peerlink device add`. */
  device_credential: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be the credential printed by "peerlink device add"'),
  /** Ed25519 key file (created with mode 0600 if missing), relative to the config file. */
  key_file: z.string().min(1).default('agent.key'),
  /** Local monitoring API address (port 0: the OS picks one). */
  local_api: hostPortIn(0).default('127.0.0.1:8080'),
});

export type AgentConfig = z.output<typeof agentConfigSchema>;

export class AgentConfigError extends Error {
  readonly code = 'AGENT_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

/** Validates parsed JSON; throws {@link AgentConfigError} listing `field: problem` pairs. */
export function parseAgentConfig(json: unknown, source = 'agent config'): AgentConfig {
  const parsed = agentConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new AgentConfigError(`${source} is invalid: ${problems.join('; ')}`);
}

/** Reads and validates a config file; `key_file` is resolved relative to it. */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AgentConfigError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AgentConfigError(`${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const config = parseAgentConfig(json, path);
  return { ...config, key_file: resolve(dirname(path), config.key_file) };
}

/** Splits `host:port` (validated by the schema). */
export function splitHostPort(value: string): { host: string; port: number } {
  const m = HOST_PORT.exec(value);
  if (m === null) throw new RangeError(`not host:port: ${value}`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}
