// `npm run bench:signaling`: the gateway's Socket.IO relay against a bare
// Socket.IO forwarder, both measured in this run, each in its own process.
// Prints a JSON report and a Markdown table for docs/BENCHMARKS.md.
import { execFileSync, fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { measureIdleRss, measureLatency, measureThroughput } from './measure.js';
import { gatewayTarget, seqOf, signalMessage } from './gateway-target.js';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// BENCH_PIN=1: the load generator (this process) on CPU 1, each server on CPU 0
// (taskset), so the measured tail is the server's, not CPU contention between them.
const PIN = process.env.BENCH_PIN === '1';
const pin = (pid, cpu) => execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
if (PIN) pin(process.pid, 1);
// BENCH_RT=1: this process and every process it starts (servers, echo peer)
// run under SCHED_FIFO priority 10, so that whatever else the machine runs
// cannot delay them: the measured tail is then the relay's own, as on a host
// that runs nothing else. Needs root (CAP_SYS_NICE); recorded in the report.
const RT = process.env.BENCH_RT === '1';
if (RT) execFileSync('chrt', ['-a', '-f', '-p', '10', String(process.pid)], { stdio: 'ignore' });

async function startServer(script, env = {}) {
  const child = fork(join(here, script), [], {
    execArgv: ['--expose-gc', '--max-old-space-size=4096', ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  if (PIN) pin(child.pid, 0);
  // The first stdout line carrying `port` is the server's info; other lines
  // (e.g. a log line written before it) are passed through to stderr.
  const info = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed.port === 'number') resolve(parsed);
      else process.stderr.write(`${script}: ${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const ask = (msg, key) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m && key in m) {
          child.off('message', on);
          resolve(m[key]);
        }
      };
      child.on('message', on);
      child.send(msg);
    });
  return {
    info,
    url: `http://127.0.0.1:${info.port}`,
    rss: () => ask('rss', 'rss'),
    cpu: () => ask('cpu', 'cpu'),
    gc: () => ask('gc', 'gc'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

const BARE_CALL_ID = '00000000-0000-4000-8000-000000000000';

/** The latency measurement's echo end (`echo-peer.js`), a process of its own. */
async function spawnEcho(url, token) {
  const child = fork(join(here, 'echo-peer.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_ECHO_URL: url, ...(token ? { BENCH_ECHO_TOKEN: token } : {}) },
  });
  if (PIN) pin(child.pid, 1);
  const next = (key) =>
    new Promise((resolve, reject) => {
      const on = (m) => {
        if (m && key in m) {
          child.off('message', on);
          child.off('exit', onExit);
          resolve(m[key]);
        }
      };
      const onExit = (code) => reject(new Error(`echo peer exited with ${code}`));
      child.on('message', on);
      child.once('exit', onExit);
    });
  const id = await next('id');
  return {
    id,
    async join(callId) {
      const joined = next('joined');
      child.send({ join: callId });
      await joined;
    },
    async stop() {
      child.disconnect();
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

function bareTarget(url) {
  const ids = new Map();
  return {
    name: 'bare socket.io',
    async connect(i) {
      const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise((resolve, reject) => {
        s.once('connect', resolve);
        s.once('connect_error', reject);
      });
      ids.set(i, s.id);
      return s;
    },
    async pair() {},
    echoAuth: () => undefined,
    route: (_i, echoSocketId) => echoSocketId,
    call: async () => BARE_CALL_ID,
    send(from, toIndex, payload) {
      from.emit('call:signal', signalMessage(BARE_CALL_ID, ids.get(toIndex), payload.seq));
    },
    onRelay(socket, cb) {
      socket.on('call:signal', (m) => cb(seqOf(m)));
    },
  };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const targets = {
  bare: { script: 'bare-server.js', env: {}, make: (server) => bareTarget(server.url) },
  gateway: {
    script: 'gateway-server.js',
    env: { BENCH_USERS: String(CONNECTIONS + 200) },
    make: (server) => gatewayTarget(server.url, server.info),
  },
};
const load = () => loadavg().map((n) => +n.toFixed(2));
const loadAtStart = load();

// Throughput and latency alternate between the two targets ROUNDS times (the
// best round of each counts), so a noisy neighbour penalises both alike. Each
// round is a fresh server process: throughput first, then latency.
const results = { bare: { rounds: [] }, gateway: { rounds: [] } };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, t] of Object.entries(targets)) {
    const server = await startServer(t.script, { ...t.env, BENCH_USERS: '300' });
    const target = t.make(server);
    const throughput = await measureThroughput(target, { seconds: SECONDS, server });
    const latency = await measureLatency(target, { rate: 1000, seconds: SECONDS, spawnEcho: (token) => spawnEcho(server.url, token) });
    results[name].rounds.push({ ...throughput, ...latency, load: load() });
    console.error(
      `round ${round + 1}: ${name} ${throughput.relaysPerSecond} relays/s, ${throughput.cpuMicrosPerRelay} µs CPU/relay ` +
        `(server CPU share ${throughput.serverCpuShare}), p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms, max ${latency.maxMs.toFixed(2)} ms`,
    );
    await server.stop();
  }
}
const best = (rounds, key, pick) => pick(...rounds.map((r) => r[key]));
for (const [name, t] of Object.entries(targets)) {
  const server = await startServer(t.script, t.env);
  const { rounds } = results[name];
  results[name].throughput = {
    relaysPerSecond: best(rounds, 'relaysPerSecond', Math.max),
    cpuMicrosPerRelay: best(rounds, 'cpuMicrosPerRelay', Math.min),
    pairs: 8,
    window: 64,
  };
  results[name].latency = {
    p50Ms: best(rounds, 'p50Ms', Math.min),
    p99Ms: best(rounds, 'p99Ms', Math.min),
    worstP99Ms: best(rounds, 'p99Ms', Math.max),
    lost: best(rounds, 'lost', Math.max),
  };
  results[name].idle = await measureIdleRss(t.make(server), server, { count: CONNECTIONS });
  console.error(`${name}: ${results[name].idle.bytesPerConnection} B/idle connection`);
  await server.stop();
}
const g = results.gateway;
const b = results.bare;
const ratio = (x, y) => +(x / y).toFixed(2);
const ratios = {
  throughput: ratio(g.throughput.relaysPerSecond, b.throughput.relaysPerSecond),
  cpuPerRelay: ratio(g.throughput.cpuMicrosPerRelay, b.throughput.cpuMicrosPerRelay),
  rssPerConnection: ratio(g.idle.bytesPerConnection, b.idle.bytesPerConnection),
  p99: ratio(g.latency.p99Ms, b.latency.p99Ms),
};
const machine = { cpus: cpus().length, node: process.version, loadAtStart, loadAtEnd: load(), scheduling: RT ? 'SCHED_FIFO 10 (BENCH_RT=1)' : 'default' };
console.log(JSON.stringify({ date: new Date().toISOString(), machine, results, ratios }, null, 2));
const f = (n) => (Number.isFinite(n) ? n.toFixed(2) : String(n));
console.log(`
| metric | bare socket.io | peerlink gateway | ratio |
|---|---|---|---|
| relays/s at saturation (8 echo pairs, window 64, best of ${ROUNDS}) | ${b.throughput.relaysPerSecond} | ${g.throughput.relaysPerSecond} | ${ratios.throughput}× |
| server CPU per relayed message (µs, best of ${ROUNDS}) | ${f(b.throughput.cpuMicrosPerRelay)} | ${f(g.throughput.cpuMicrosPerRelay)} | ${ratios.cpuPerRelay}× |
| round trip p50 at 1,000 msg/s (ms, best of ${ROUNDS}) | ${f(b.latency.p50Ms)} | ${f(g.latency.p50Ms)} | |
| round trip p99 at 1,000 msg/s (ms, best of ${ROUNDS}) | ${f(b.latency.p99Ms)} | ${f(g.latency.p99Ms)} | ${ratios.p99}× |
| round trip p99 at 1,000 msg/s (ms, worst of ${ROUNDS}) | ${f(b.latency.worstP99Ms)} | ${f(g.latency.worstP99Ms)} | |
| lost at 1,000 msg/s (worst round) | ${b.latency.lost} | ${g.latency.lost} | |
| RSS per idle connection at ${CONNECTIONS} (bytes) | ${b.idle.bytesPerConnection} | ${g.idle.bytesPerConnection} | ${ratios.rssPerConnection}× |

${machine.cpus} CPUs, Node ${machine.node}, scheduling ${machine.scheduling}, load average ${loadAtStart.join(' / ')} at start, ${machine.loadAtEnd.join(' / ')} at end.
`);
process.exit(0);
