// `npm run bench:turn`: our TURN server against coturn (Debian turnserver 4.6.1)
// with the same load generator (bench/turn-load/load.js), alternating targets
// over rounds in one invocation. Prints a JSON report on stdout and a Markdown
// table for docs/BENCHMARKS.md on stderr.
//
// Env: BENCH_TURN_ROUNDS (2), BENCH_TURN_CLIENTS (4), BENCH_TURN_WINDOWS (1,8,32,128),
// BENCH_TURN_DURATION_MS (3000), BENCH_TURN_PROFILE=DIR (our server runs with --cpu-prof),
// BENCH_TURN_ONLY=peerlink|coturn (one server, no comparison; for profiling).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMicros, rssKiB, startCoturn, startPeerlink } from './servers.js';
import { summarise, table } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_TURN_ROUNDS ?? 2);
const CLIENTS = process.env.BENCH_TURN_CLIENTS ?? '4';
const WINDOWS = process.env.BENCH_TURN_WINDOWS ?? '1,8,32,128';
const DURATION_MS = process.env.BENCH_TURN_DURATION_MS ?? '3000';
const PAYLOADS = [120, 1000];
/** Profiling aid: measure only this server (`peerlink` or `coturn`); no summary is printed. */
const ONLY = process.env.BENCH_TURN_ONLY;
const SECRET = randomBytes(16).toString('hex');
const REALM = 'bench.peerlink';
const log = (s) => process.stderr.write(`${s}\n`);

function runLoad(port) {
  return new Promise((resolve, reject) => {
    const args = [join(here, '../turn-load/load.js'), '--server', `127.0.0.1:${port}`, '--secret', SECRET, '--clients', CLIENTS,
      '--payloads', PAYLOADS.join(','), '--windows', WINDOWS, '--duration-ms', DURATION_MS];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load.js exited with ${code}`))));
  });
}

/** One measured run: fresh server, load, CPU time of the server process over the run. */
async function measure(name) {
  const ports = name === 'peerlink' ? { minPort: 41_000, maxPort: 41_999 } : { minPort: 42_000, maxPort: 42_999 };
  const profileDir = process.env.BENCH_TURN_PROFILE;
  const server = name === 'peerlink'
    ? await startPeerlink({ secret: SECRET, realm: REALM, ...ports, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] })
    : await startCoturn({ secret: SECRET, realm: REALM, ...ports });
  try {
    const cpuBefore = cpuMicros(server.pid);
    const report = await runLoad(server.port);
    const cpuUs = cpuMicros(server.pid) - cpuBefore;
    return { name, report, cpuUs, rssKiB: rssKiB(server.pid) };
  } finally {
    await server.stop();
  }
}

async function main() {
  const coturnVersion = execFileSync('turnserver', ['--version'], { encoding: 'utf8' }).trim().split('\n').at(-1);
  const uptimeBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();
  log(`bench:turn — ${ROUNDS} rounds, clients ${CLIENTS}, windows ${WINDOWS}, ${DURATION_MS} ms/step; ${uptimeBefore}`);
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['peerlink', 'coturn'] : ['coturn', 'peerlink'];
    for (const name of order.filter((n) => !ONLY || n === ONLY)) {
      log(`round ${round + 1}: ${name}`);
      runs.push(await measure(name));
    }
  }
  if (ONLY) {
    process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`);
    return;
  }
  const summary = summarise(runs, PAYLOADS);
  const meta = { date: new Date().toISOString(), node: process.version, coturn: coturnVersion, loadavg: loadavg().map((l) => Number(l.toFixed(2))), uptimeBefore, rounds: ROUNDS, clients: Number(CLIENTS), windows: WINDOWS, durationMsPerStep: Number(DURATION_MS) };
  process.stdout.write(`${JSON.stringify({ meta, summary, runs }, null, 2)}\n`);
  log(table(meta, summary));
}

main().catch((err) => {
  log(`bench:turn: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
