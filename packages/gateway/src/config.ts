/**
 * Gateway configuration: one validated object built from defaults, environment
 * variables and command-line flags (flags win over env, env over defaults).
 * Every option is documented where it is declared; `loadGatewayConfig` is the
 * only place that reads `process.env`.
 */
import { z } from 'zod';
import { GatewayError } from './errors.js';
import { DEFAULT_TUNNEL_PORTS } from './tunnel/options.js';

export interface GatewayConfig {
  /** TCP port of the HTTP API, Socket.IO and the web app. Env `PEERLINK_PORT`, flag `--port`. Default 8000. */
  readonly port: number;
  /** Address to bind. Env `PEERLINK_HOST`, flag `--host`. Default `0.0.0.0` (all IPv4 interfaces). */
  readonly host: string;
  /** Directory for the SQLite file and generated secrets. Env `PEERLINK_DATA_DIR`, flag `--data-dir`. Default `./data`. */
  readonly dataDir: string;
  /** `postgres://…` switches from the embedded SQLite file to PostgreSQL. Env `DATABASE_URL`. */
  readonly databaseUrl: string | undefined;
  /** HS256 key for session tokens. Env `PEERLINK_JWT_SECRET`; generated once and kept in `<dataDir>/secrets.json` when absent. */
  readonly jwtSecret: string | undefined;
  /** Shared secret of the TURN REST scheme (coturn `use-auth-secret`). Env `PEERLINK_TURN_SECRET`; generated and persisted like the JWT secret. */
  readonly turnSecret: string | undefined;
  /** STUN/TURN URLs handed out by `/api/ice-servers`. Env `PEERLINK_TURN_URLS` (comma separated). Default: the embedded TURN server. */
  readonly turnUrls: readonly string[] | undefined;
  /** Seconds a TURN credential from `/api/ice-servers` stays valid. Env `PEERLINK_TURN_TTL`. Default 86400. */
  readonly turnCredentialTtlSeconds: number;
  /** Embedded STUN/TURN server. */
  readonly turn: TurnConfig;
  /** How long an unanswered call rings before it is recorded as missed. Env `PEERLINK_RING_TIMEOUT_MS`. Default 30000. */
  readonly ringTimeoutMs: number;
  /** How long a participant whose last socket dropped stays in a call. Env `PEERLINK_DISCONNECT_GRACE_MS`. Default 10000. */
  readonly disconnectGraceMs: number;
  /** Directory with the built web app, served at `/`. Default: `apps/web/dist` when it exists. */
  readonly webRoot: string | undefined;
  /** Signaling messages per second one socket may send (token bucket refill). Env `PEERLINK_SIGNALING_RATE`. Default 50. */
  readonly signalingRatePerSecond: number;
  /** Signaling messages one socket may send in a burst. Env `PEERLINK_SIGNALING_BURST`. Default 100. */
  readonly signalingBurst: number;
  /** Login/register attempts allowed per client IP and window. Env `PEERLINK_AUTH_RATE_MAX`. Default 20. */
  readonly authRateMax: number;
  /** Window of that limit, ms. Env `PEERLINK_AUTH_RATE_WINDOW_MS`. Default 60000. */
  readonly authRateWindowMs: number;
  /** Most signaling packets kept for replay to reconnecting sockets (connection state recovery). Env `PEERLINK_RECOVERY_BUFFER_PACKETS`. Default 20000. */
  readonly recoveryBufferPackets: number;
  /** Server ports for device services reached through the tunnel. Env `PEERLINK_TUNNEL_PORTS` (`min-max`). Default 20000-20999, below Linux's ephemeral range. */
  readonly tunnelPorts: { readonly min: number; readonly max: number };
  /** pino log level. Env `PEERLINK_LOG_LEVEL`. Default `info`. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface TurnConfig {
  /** Run the embedded STUN/TURN server. Flag `--no-turn` disables it. Default true. */
  readonly enabled: boolean;
  /** UDP and TCP port. Env `PEERLINK_TURN_PORT`, flag `--turn-port`. Default 3478. */
  readonly port: number;
  /** Realm of the long-term credentials. Env `PEERLINK_TURN_REALM`. Default `peerlink`. */
  readonly realm: string;
  /** Relay port range. Env `PEERLINK_TURN_RELAY_PORTS`, flag `--turn-relay-ports` (`min-max`). Default 49152-65535. */
  readonly relayPorts: { readonly min: number; readonly max: number };
  /** Address advertised in relayed candidates. Env `PEERLINK_TURN_EXTERNAL_IP`. Default: the bound address. */
  readonly externalIp: string | undefined;
  /** CIDRs that open otherwise denied peer ranges (e.g. `127.0.0.1/32`). Env `PEERLINK_TURN_ALLOW_PEERS` (comma separated). */
  readonly allowPeers: readonly string[];
  /** Port of the Binding-only alternate STUN listener (RFC 5780 style, e.g. TURN port + 1). Env `PEERLINK_TURN_ALT_PORT`. Default: none. */
  readonly alternatePort: number | undefined;
}

const port = z.coerce.number().int().min(0).max(65535);
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0));
const portRange = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}$/, 'expected MIN-MAX, e.g. 49152-65535')
  .transform((s) => {
    const [min, max] = s.split('-').map(Number) as [number, number];
    return { min, max };
  })
  .refine((r) => r.min >= 1 && r.max <= 65535 && r.min <= r.max, 'expected 1 <= MIN <= MAX <= 65535');

/** Raw inputs: flags from the CLI (already named), env from `process.env`. */
export interface ConfigSources {
  readonly flags?: Partial<Record<string, string | number | boolean | undefined>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const schema = z.object({
  port: port.default(8000),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z.string().regex(/^(postgres|postgresql):\/\//, 'must start with postgres:// or postgresql://').optional(),
  jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  turnSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  turnUrls: csv.optional(),
  turnCredentialTtlSeconds: z.coerce.number().int().min(60).max(7 * 86400).default(86400),
  turnEnabled: z.boolean().default(true),
  turnPort: port.default(3478),
  turnRealm: z.string().min(1).max(763).default('peerlink'),
  turnRelayPorts: portRange.default({ min: 49152, max: 65535 }),
  turnExternalIp: z.string().min(1).optional(),
  turnAllowPeers: csv.default([]),
  turnAltPort: port.optional(),
  ringTimeoutMs: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  disconnectGraceMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
  signalingRatePerSecond: z.coerce.number().int().min(1).default(50),
  signalingBurst: z.coerce.number().int().min(1).default(100),
  authRateMax: z.coerce.number().int().min(1).default(20),
  authRateWindowMs: z.coerce.number().int().min(1000).default(60_000),
  recoveryBufferPackets: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  tunnelPorts: portRange.default({ ...DEFAULT_TUNNEL_PORTS }),
  webRoot: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const ENV_NAMES: Record<keyof z.input<typeof schema>, string | undefined> = {
  port: 'PEERLINK_PORT',
  host: 'PEERLINK_HOST',
  dataDir: 'PEERLINK_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  jwtSecret: 'PEERLINK_JWT_SECRET',
  turnSecret: 'PEERLINK_TURN_SECRET',
  turnUrls: 'PEERLINK_TURN_URLS',
  turnCredentialTtlSeconds: 'PEERLINK_TURN_TTL',
  turnEnabled: undefined,
  turnPort: 'PEERLINK_TURN_PORT',
  turnRealm: 'PEERLINK_TURN_REALM',
  turnRelayPorts: 'PEERLINK_TURN_RELAY_PORTS',
  turnExternalIp: 'PEERLINK_TURN_EXTERNAL_IP',
  turnAllowPeers: 'PEERLINK_TURN_ALLOW_PEERS',
  turnAltPort: 'PEERLINK_TURN_ALT_PORT',
  ringTimeoutMs: 'PEERLINK_RING_TIMEOUT_MS',
  disconnectGraceMs: 'PEERLINK_DISCONNECT_GRACE_MS',
  signalingRatePerSecond: 'PEERLINK_SIGNALING_RATE',
  signalingBurst: 'PEERLINK_SIGNALING_BURST',
  authRateMax: 'PEERLINK_AUTH_RATE_MAX',
  authRateWindowMs: 'PEERLINK_AUTH_RATE_WINDOW_MS',
  recoveryBufferPackets: 'PEERLINK_RECOVERY_BUFFER_PACKETS',
  tunnelPorts: 'PEERLINK_TUNNEL_PORTS',
  webRoot: 'PEERLINK_WEB_ROOT',
  logLevel: 'PEERLINK_LOG_LEVEL',
};

/**
 * Builds the configuration. Throws `GatewayError('BAD_REQUEST')` naming every
 * bad setting (as its env variable or flag) and the problem.
 */
export function loadGatewayConfig(sources: ConfigSources = {}): GatewayConfig {
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_NAMES) as (keyof typeof ENV_NAMES)[]) {
    const envName = ENV_NAMES[key];
    const fromEnv = envName === undefined ? undefined : env[envName];
    const fromFlag = flags[key];
    const value = fromFlag ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined) raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const envName = ENV_NAMES[key as keyof typeof ENV_NAMES];
      return `${key}${envName ? ` (${envName})` : ''}: ${issue.message}`;
    });
    throw new GatewayError('BAD_REQUEST', `invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.port,
    host: c.host,
    dataDir: c.dataDir,
    databaseUrl: c.databaseUrl,
    jwtSecret: c.jwtSecret,
    turnSecret: c.turnSecret,
    turnUrls: c.turnUrls,
    turnCredentialTtlSeconds: c.turnCredentialTtlSeconds,
    turn: {
      enabled: c.turnEnabled,
      port: c.turnPort,
      realm: c.turnRealm,
      relayPorts: c.turnRelayPorts,
      externalIp: c.turnExternalIp,
      allowPeers: c.turnAllowPeers,
      alternatePort: c.turnAltPort,
    },
    ringTimeoutMs: c.ringTimeoutMs,
    disconnectGraceMs: c.disconnectGraceMs,
    signalingRatePerSecond: c.signalingRatePerSecond,
    signalingBurst: c.signalingBurst,
    authRateMax: c.authRateMax,
    authRateWindowMs: c.authRateWindowMs,
    recoveryBufferPackets: c.recoveryBufferPackets,
    tunnelPorts: c.tunnelPorts,
    webRoot: c.webRoot,
    logLevel: c.logLevel,
  };
}
