/**
 * `peerlink turn`: the STUN/TURN server alone (no gateway), for operators who
 * run it on its own host. Flags win over env; the shared secret comes from the
 * environment only (never a flag: argv is visible to every local user).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Command } from 'commander';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import type { TurnServerOptions } from '@peerlink/turn-server';

interface TurnFlags {
  turnPort?: string;
  listen?: string;
  turnRelayPorts?: string;
  altPort?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsPort?: string;
  metricsPort?: string;
  legacyChannelNumbers?: boolean;
}

const port = z.coerce.number().int().min(0).max(65_535);
const csv = z.string().transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean));
const range = z
  .string()
  .regex(/^\d+-\d+$/, 'must be MIN-MAX, e.g. 49152-65535')
  .transform((text) => {
    const [min, max] = text.split('-').map(Number);
    return { min: min ?? 0, max: max ?? 0 };
  });

/** Settings of `peerlink turn`: flag, else env, else default (the server's own). */
const settingsSchema = z.object({
  secret: z.string({ error: 'PEERLINK_TURN_SECRET is required (the TURN REST shared secret, at least 16 characters)' }).min(16, 'PEERLINK_TURN_SECRET must be at least 16 characters'),
  port: port.default(3478),
  listenAddress: z.string().min(1).default('0.0.0.0'),
  realm: z.string().min(1).optional(),
  relayPorts: range.optional(),
  allowPeers: csv.optional(),
  externalIp: z.string().min(1).optional(),
  alternatePort: port.optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  tlsPort: port.optional(),
  metricsPort: port.optional(),
  legacyChannelNumbers: z.boolean().default(false),
});

type Settings = z.output<typeof settingsSchema>;

function loadSettings(flags: TurnFlags, env: NodeJS.ProcessEnv): Settings {
  const parsed = settingsSchema.safeParse({
    secret: env.PEERLINK_TURN_SECRET,
    port: flags.turnPort ?? env.PEERLINK_TURN_PORT,
    listenAddress: flags.listen ?? env.PEERLINK_TURN_LISTEN,
    realm: env.PEERLINK_TURN_REALM,
    relayPorts: flags.turnRelayPorts ?? env.PEERLINK_TURN_RELAY_PORTS,
    allowPeers: env.PEERLINK_TURN_ALLOW_PEERS,
    externalIp: env.PEERLINK_TURN_EXTERNAL_IP,
    alternatePort: flags.altPort ?? env.PEERLINK_TURN_ALT_PORT,
    tlsCert: flags.tlsCert ?? env.PEERLINK_TURN_TLS_CERT,
    tlsKey: flags.tlsKey ?? env.PEERLINK_TURN_TLS_KEY,
    tlsPort: flags.tlsPort ?? env.PEERLINK_TURN_TLS_PORT,
    metricsPort: flags.metricsPort ?? env.PEERLINK_METRICS_PORT,
    legacyChannelNumbers: flags.legacyChannelNumbers ?? false,
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  const s = parsed.data;
  if ((s.tlsCert === undefined) !== (s.tlsKey === undefined)) throw new Error('TLS needs both --tls-cert and --tls-key (PEERLINK_TURN_TLS_CERT / PEERLINK_TURN_TLS_KEY)');
  return s;
}

function toOptions(s: Settings, registry: Registry): TurnServerOptions {
  return {
    secret: s.secret,
    port: s.port,
    listenAddress: s.listenAddress,
    registry,
    legacyChannelNumbers: s.legacyChannelNumbers,
    ...(s.realm !== undefined ? { realm: s.realm } : {}),
    ...(s.relayPorts !== undefined ? { relayPorts: s.relayPorts } : {}),
    ...(s.allowPeers !== undefined ? { allowPeers: s.allowPeers } : {}),
    ...(s.externalIp !== undefined ? { externalIp: s.externalIp } : {}),
    ...(s.alternatePort !== undefined ? { alternatePort: s.alternatePort } : {}),
    ...(s.tlsCert !== undefined && s.tlsKey !== undefined
      ? { tls: { cert: readFileSync(s.tlsCert), key: readFileSync(s.tlsKey), ...(s.tlsPort !== undefined ? { port: s.tlsPort } : {}) } }
      : {}),
  };
}

/** Prometheus text on GET /metrics, 404 elsewhere. */
function serveMetrics(registry: Registry, host: string, metricsPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(metricsPort, host, () => resolve(server));
  });
}

const log = (line: string): void => void process.stdout.write(`${line}\n`);

export function registerTurn(program: Command): void {
  program
    .command('turn')
    .description('run the STUN/TURN server alone (secret from PEERLINK_TURN_SECRET)')
    .option('--turn-port <port>', 'STUN/TURN UDP+TCP port (env PEERLINK_TURN_PORT, default 3478; 0 = any)')
    .option('--listen <address>', 'address to bind (env PEERLINK_TURN_LISTEN, default 0.0.0.0)')
    .option('--turn-relay-ports <min-max>', 'relay port range (env PEERLINK_TURN_RELAY_PORTS, default 49152-65535)')
    .option('--alt-port <port>', 'Binding-only alternate port for NAT mapping checks (env PEERLINK_TURN_ALT_PORT)')
    .option('--tls-cert <file>', 'PEM certificate: enables TURN over TLS (env PEERLINK_TURN_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key (env PEERLINK_TURN_TLS_KEY)')
    .option('--tls-port <port>', 'TLS port (env PEERLINK_TURN_TLS_PORT, default 5349)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://LISTEN:PORT/metrics (env PEERLINK_METRICS_PORT)')
    .option('--legacy-channel-numbers', 'accept RFC 5766 channel numbers 0x5000-0x7FFE (RFC 8656 forbids them)')
    .addHelpText('after', '\nEnv: PEERLINK_TURN_SECRET (required), PEERLINK_TURN_REALM, PEERLINK_TURN_ALLOW_PEERS (CIDRs), PEERLINK_TURN_EXTERNAL_IP')
    .action(async (flags: TurnFlags) => {
      const settings = loadSettings(flags, process.env);
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      const { createTurnServer } = await import('@peerlink/turn-server'); // loaded only by this command (see serve.ts)
      const turn = await createTurnServer(toOptions(settings, registry));
      const metrics = settings.metricsPort === undefined ? undefined : await serveMetrics(registry, settings.listenAddress, settings.metricsPort);
      const at = (a: { address: string; port: number } | undefined): string => (a === undefined ? 'off' : `${a.address}:${a.port}`);
      const metricsAddress = metrics?.address();
      log(`peerlink turn: udp ${at(turn.udpAddress)} tcp ${at(turn.tcpAddress)} tls ${at(turn.tlsAddress)} alt ${at(turn.alternateAddress)} relay ${turn.relayIp}` +
        (typeof metricsAddress === 'object' && metricsAddress !== null ? ` metrics ${metricsAddress.address}:${metricsAddress.port}` : ''));
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) process.exit(1);
        stopping = true;
        log(`peerlink turn: ${signal}, closing`);
        metrics?.close();
        turn.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
