/**
 * Drive the NAT testbed from vitest: build/tear down the namespaces
 * (setup.sh/teardown.sh), run commands inside a namespace, start the built
 * gateway (`peerlink serve`) and a second STUN server (coturn) in `pl-gw`, and
 * bundle TypeScript entry points into one .mjs that runs in a namespace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../../..');

/** Client kinds of the testbed (see setup.sh). */
export const CLIENT_KINDS = ['open', 'eim', 'symmetric', 'double', 'webonly', 'lossy'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export type Side = 'a' | 'b';

/** The gateway host's addresses and fixed ports inside `pl-gw` (its own namespace: nothing else binds there). */
export const GATEWAY = { ns: 'pl-gw', ip: '203.0.113.10', altIp: '203.0.113.11', httpPort: 8000, turnPort: 3478, altStunPort: 3479 } as const;

export const clientNs = (kind: ClientKind, side: Side): string => `pl-${kind}-${side}`;
/** Public address of a client (open) or of its outermost router (setup.sh numbering). */
export function publicIp(kind: ClientKind, side: Side): string {
  return `203.0.113.${20 + CLIENT_KINDS.indexOf(kind) * 2 + (side === 'a' ? 1 : 2)}`;
}

/** Build the testbed (tears any previous one down first). Throws with the script's stderr on failure. */
export function setupTestbed(): void {
  const r = spawnSync(join(HERE, 'setup.sh'), { encoding: 'utf8', env: { ...process.env, PL_NAT_HTTP_PORT: String(GATEWAY.httpPort) } });
  if (r.status !== 0) throw new Error(`setup.sh failed (${r.status}): ${r.stderr}`);
}

export function teardownTestbed(): void {
  spawnSync(join(HERE, 'teardown.sh'), { encoding: 'utf8' });
}

/** Run a command in a namespace to completion; `timeoutMs` kills it (SIGKILL). */
export function nsRun(ns: string, argv: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Start a long-running process in a namespace; resolves once `ready` matches its output. */
export function nsStart(ns: string, argv: readonly string[], ready: RegExp, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv[0]} in ${ns} not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolvePromise(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv[0]} in ${ns} exited (${code}) before ready:\n${output}`));
    });
  });
}

export interface TestbedGateway {
  readonly url: string;
  readonly turnSecret: string;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * `peerlink serve` (the built binary, apps/cli/dist) in pl-gw with its
 * embedded STUN/TURN, relaying only to public testbed addresses, plus coturn
 * as a STUN-only second server on {@link GATEWAY.altStunPort} for the mapping test.
 */
export async function startGateway(cli: string = cliPath()): Promise<TestbedGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pl-nat-gw-'));
  const turnSecret = 'pl-nat-testbed-turn-secret-0123456789';
  const env = {
    ...process.env,
    PEERLINK_DATA_DIR: dataDir,
    PEERLINK_TURN_SECRET: turnSecret,
    PEERLINK_TURN_EXTERNAL_IP: GATEWAY.ip,
    PEERLINK_TURN_ALLOW_PEERS: '203.0.113.0/24',
    PEERLINK_LOG_LEVEL: 'warn',
    // Every hybrid cell registers its own account from pl-gw's address (default: 20 per minute and IP).
    PEERLINK_AUTH_RATE_MAX: '100000',
  };
  const argv = ['node', cli, 'serve', '--host', '0.0.0.0', '--port', String(GATEWAY.httpPort), '--turn-port', String(GATEWAY.turnPort)];
  const gateway = await nsStart(GATEWAY.ns, argv, /./, 15_000, { ...env, PEERLINK_LOG_LEVEL: 'info' });
  const coturn = await nsStart(
    GATEWAY.ns,
    ['turnserver', '--stun-only', '-n', '--no-cli', '--no-tls', '--no-dtls', '-L', GATEWAY.ip, '-p', String(GATEWAY.altStunPort), '--log-file', 'stdout', '--simple-log'],
    /listener opened|Total General servers|IO method/i,
    10_000,
  ).catch(async (err: unknown) => {
    await stopChild(gateway);
    throw err;
  });
  // Wait for the HTTP port: poll /healthz from inside the namespace.
  for (let i = 0; i < 100; i++) {
    const r = await nsRun(GATEWAY.ns, ['node', '-e', `fetch('http://${GATEWAY.ip}:${GATEWAY.httpPort}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`], 3000);
    if (r.code === 0) break;
    if (i === 99) throw new Error('gateway /healthz never answered');
    await new Promise((r2) => setTimeout(r2, 100));
  }
  return {
    url: `http://${GATEWAY.ip}:${GATEWAY.httpPort}`,
    turnSecret,
    async stop() {
      await Promise.all([stopChild(gateway), stopChild(coturn)]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The `peerlink` binary the testbed runs: the built one (`apps/cli/dist/main.js`,
 * which `npm test` / `npm run test:nat` build first), or `PL_NAT_CLI` (e.g. a
 * {@link bundleCli} bundle of the sources while iterating without a build).
 */
export function cliPath(): string {
  return process.env.PL_NAT_CLI ?? join(REPO, 'apps/cli/dist/main.js');
}

/**
 * Bundle the `peerlink` CLI from source (workspace packages inlined, npm
 * dependencies external) into `outDir`, which must lie under the repository
 * so the external imports resolve from its node_modules.
 */
export async function bundleCli(outDir: string): Promise<string> {
  const { build } = await import('rolldown');
  const file = join(outDir, 'peerlink-cli.mjs');
  await build({
    input: join(REPO, 'apps/cli/src/main.ts'),
    platform: 'node',
    resolve: { conditionNames: ['source', 'import', 'node', 'default'] },
    external: (id: string) => id.startsWith('node:') || (!id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@peerlink/') && !id.startsWith('\0')),
    output: { file, format: 'esm' },
    logLevel: 'silent',
  });
  return file;
}

/** Bundle a TypeScript entry (workspace packages from source) into one .mjs runnable with plain node in any namespace. */
export async function bundleEntry(entry: string, outDir: string): Promise<string> {
  const { build } = await import('rolldown');
  const file = join(outDir, `${entry.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
  await build({
    input: entry,
    platform: 'node',
    resolve: { conditionNames: ['source', 'import', 'node', 'default'] },
    external: [/^node:/, 'node-datachannel'],
    output: { file, format: 'esm' },
    logLevel: 'silent',
  });
  return file;
}
