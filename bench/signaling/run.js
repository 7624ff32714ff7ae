// `npm run bench:signaling`: the gateway's Socket.IO relay against a bare
// Socket.IO forwarder, both measured in this run, each in its own process.
// Prints a JSON report and a Markdown table for docs/BENCHMARKS.md.
import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { measureIdleRss, measureLatency, measureThroughput } from './measure.js';
import { gatewayTarget } from './gateway-target.js';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function startServer(script, env = {}) {
  const child = fork(join(here, script), [], {
    execArgv: ['--expose-gc', '--max-old-space-size=4096'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const info = JSON.parse(line);
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
    gc: () => ask('gc', 'gc'),
    async stop() {
      child.kill('SIGTERM');
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
    send(from, toIndex, payload) {
      from.emit('relay', { to: ids.get(toIndex), payload });
    },
    onRelay(socket, cb) {
      socket.on('relay', (m) => cb(m.payload));
    },
  };
}

async function measureAll(target, server) {
  const latency = await measureLatency(target, { rate: 1000, seconds: SECONDS });
  const throughput = await measureThroughput(target, { seconds: SECONDS });
  const idle = await measureIdleRss(target, server, { count: CONNECTIONS });
  return { latency, throughput, idle };
}

const results = {};
{
  const server = await startServer('bare-server.js');
  results.bare = await measureAll(bareTarget(server.url), server);
  await server.stop();
}
{
  const server = await startServer('gateway-server.js', { BENCH_USERS: String(CONNECTIONS + 200) });
  results.gateway = await measureAll(gatewayTarget(server.url, server.info), server);
  await server.stop();
}
const g = results.gateway;
const b = results.bare;
const ratios = {
  throughput: +(g.throughput.relaysPerSecond / b.throughput.relaysPerSecond).toFixed(2),
  rssPerConnection: +(g.idle.bytesPerConnection / b.idle.bytesPerConnection).toFixed(2),
  p99: +(g.latency.p99Ms / b.latency.p99Ms).toFixed(2),
};
console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, results, ratios }, null, 2));
const f = (n) => (Number.isFinite(n) ? n.toFixed(2) : String(n));
console.log(`
| metric | bare socket.io | peerlink gateway | ratio |
|---|---|---|---|
| relays/s at saturation (8 echo pairs, window 64) | ${b.throughput.relaysPerSecond} | ${g.throughput.relaysPerSecond} | ${ratios.throughput}× |
| round trip p50 at 1,000 msg/s (ms) | ${f(b.latency.p50Ms)} | ${f(g.latency.p50Ms)} | |
| round trip p99 at 1,000 msg/s (ms) | ${f(b.latency.p99Ms)} | ${f(g.latency.p99Ms)} | ${ratios.p99}× |
| lost at 1,000 msg/s | ${b.latency.lost} | ${g.latency.lost} | |
| RSS per idle connection at ${CONNECTIONS} (bytes) | ${b.idle.bytesPerConnection} | ${g.idle.bytesPerConnection} | ${ratios.rssPerConnection}× |
`);
process.exit(0);
