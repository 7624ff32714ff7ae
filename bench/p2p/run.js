// `npm run bench:p2p`: WebRtcProvider (our session, identity proof and the
// gateway's /p2p signaling) against bare node-datachannel (native API, one
// data channel), Node↔Node on loopback, in the same run. Every peer runs in
// its own process (ours: ours-peer.js ×2, bare: bare-peer.js ×2), so no side
// shares an event loop with the other; this process runs the gateway and
// relays the bare pair's signals. Modes alternate round by round (the order
// flips each round) so load hits both alike.
//   BENCH_P2P_MIB     MiB per transfer (default 256)
//   BENCH_P2P_SETUPS  connection setups per mode and round (default 20)
//   BENCH_P2P_ROUNDS  rounds (default 3)
//   BENCH_P2P_MODES   comma list: bare,ours (default both). Variants of ours to compare in one run:
//                     `ours:<bytes>` with that session stream window (e.g. ours:4194304), `ours:<bytes>/<bytes>`
//                     window and window-update step (e.g. ours:2097152/1048576), `ours:heap` with
//                     the agent's V8 heap tuning (tuneHeapForStreaming), `ours:whatwg`
//                     reading/writing through the WHATWG streams instead of the callback API
//   BENCH_NODE_ARGS   extra node flags for the peers (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof)
// Prints a JSON report, then a Markdown table (median over rounds).
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway, loadGatewayConfig } from '@peerlink/gateway';
import { cpuMs } from '../tunnel/cpu.js';
import { threadCpuMs, threadDelta } from './threads.js';

const MIB = Number(process.env.BENCH_P2P_MIB ?? 256);
const SETUPS = Number(process.env.BENCH_P2P_SETUPS ?? 20);
const ROUNDS = Number(process.env.BENCH_P2P_ROUNDS ?? 3);
const MODES = (process.env.BENCH_P2P_MODES ?? 'bare,ours').split(',');
const TOTAL = MIB * 1024 * 1024;
const here = fileURLToPath(new URL('.', import.meta.url));
const load = () => loadavg().map((n) => +n.toFixed(2));
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs) => (xs.length % 2 === 1 ? quantile(xs, 0.5) : (quantile(xs, 0.5) + quantile(xs, 0.49)) / 2);
const round1 = (x) => Math.round(x * 10) / 10;

/** A peer process; `ask` sends a command and resolves with its reply; `events` yields the rest. */
function peer(script, name, env = {}) {
  const source = process.env.BENCH_P2P_SOURCE === '1';
  const execArgv = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = source
    ? fork(join(here, 'from-source.js'), [join('bench/p2p', script)], { execArgv, env: { ...process.env, ...env } })
    : fork(join(here, script), [], { execArgv, env: { ...process.env, ...env } });
  const pending = new Map();
  const waiters = new Map();
  let next = 0;
  let onSignal = () => {};
  const up = new Promise((resolve) => waiters.set('up', resolve));
  child.on('message', (m) => {
    if (m.type === 'reply') {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    } else if (m.type === 'signal') onSignal(m.payload);
    else {
      waiters.get(m.type)?.(m);
      waiters.delete(m.type);
    }
  });
  child.on('exit', (code, signal) => {
    if (code !== 0) console.error(`${name} exited with ${code ?? signal}`);
  });
  return {
    name, pid: child.pid, up,
    ask: (cmd, body = {}) => new Promise((resolve) => (pending.set(++next, resolve), child.send({ cmd, id: next, ...body }))),
    event: (type) => new Promise((resolve) => waiters.set(type, resolve)),
    tell: (m) => child.send(m),
    relayTo: (other) => (onSignal = (payload) => other.tell({ cmd: 'signal', payload })),
    quit: () => new Promise((resolve) => (child.once('exit', resolve), child.send({ cmd: 'quit' }))),
  };
}

async function startGateway() {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerlink-bench-p2p-'));
  const config = loadGatewayConfig({ env: {}, flags: { port: 0, host: '127.0.0.1', dataDir, turnEnabled: false, logLevel: 'warn' } });
  const gateway = await createGateway(config);
  const { port } = await gateway.listen();
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password-1' }) });
  const { token } = await res.json();
  return { info: { url, path: '/socket.io', token }, stop: async () => (await gateway.close('bench done'), await rm(dataDir, { recursive: true, force: true })) };
}

/** Sets up and tears down SETUPS connections, then one more carrying TOTAL bytes dialer → listener. */
async function measure(pair) {
  const { dialer, listener, target } = pair;
  const setups = [];
  const phases = [];
  const connect = async () => {
    const accepted = listener.ask('listen');
    const dialed = await dialer.ask('dial', { peerId: target });
    await accepted;
    return dialed;
  };
  for (let i = 0; i < SETUPS; i++) {
    const r = await connect();
    setups.push(r.ms);
    if (r.phases) phases.push(r.phases);
    await Promise.all([dialer.ask('close'), listener.ask('close')]);
  }
  await connect();
  const received = listener.event('received');
  await listener.ask('receive', { total: TOTAL });
  const cpu0 = cpuMs([dialer.pid, listener.pid]);
  const threads0 = [threadCpuMs(dialer.pid), threadCpuMs(listener.pid)];
  const started = performance.now();
  void dialer.ask('send', { total: TOTAL });
  const { bytes } = await received;
  const ms = performance.now() - started;
  const cpu = cpuMs([dialer.pid, listener.pid]) - cpu0;
  const threads = { sender: threadDelta(threads0[0], threadCpuMs(dialer.pid)), receiver: threadDelta(threads0[1], threadCpuMs(listener.pid)) };
  if (bytes !== TOTAL) throw new Error(`${pair.name}: received ${bytes} of ${TOTAL} bytes`);
  await Promise.all([dialer.ask('close'), listener.ask('close')]);
  const mean = (k) => round1(phases.reduce((s, p) => s + p[k], 0) / Math.max(1, phases.length));
  return {
    setupMedianMs: round1(median(setups)), setupP95Ms: round1(quantile(setups, 0.95)),
    throughputMiBps: round1(MIB / (ms / 1000)), cpuMsPerGiB: Math.round((cpu / MIB) * 1024), threadCpuMs: threads,
    ...(phases.length > 0 ? { meanPhasesMs: Object.fromEntries(['signalingMs', 'iceMs', 'dtlsMs', 'identityMs', 'sessionMs'].map((k) => [k, mean(k)])) } : {}),
    load: load(),
  };
}

const loadAtStart = load();
const gw = MODES.some((m) => m.startsWith('ours')) ? await startGateway() : undefined;
const pairs = {};
try {
  if (MODES.includes('bare')) {
    const [dialer, listener] = [peer('bare-peer.js', 'bare dialer'), peer('bare-peer.js', 'bare listener')];
    dialer.relayTo(listener);
    listener.relayTo(dialer);
    await Promise.all([dialer.up, listener.up]);
    pairs.bare = { name: 'bare', dialer, listener, target: 'listener' };
  }
  for (const mode of MODES.filter((m) => m.startsWith('ours'))) {
    const env = {};
    for (const option of mode.split(':').slice(1)) {
      if (option === 'whatwg') env.BENCH_P2P_API = 'whatwg';
      else if (option === 'heap') env.BENCH_P2P_HEAP = 'streaming';
      else {
        const [window, update] = option.split('/');
        env.BENCH_P2P_WINDOW = window;
        if (update !== undefined) env.BENCH_P2P_WINDOW_UPDATE = update;
      }
    }
    const [dialer, listener] = [peer('ours-peer.js', `${mode} dialer`, env), peer('ours-peer.js', `${mode} listener`, env)];
    await Promise.all([dialer.up, listener.up]);
    await dialer.ask('start', { gateway: gw.info });
    const { peerId } = await listener.ask('start', { gateway: gw.info });
    pairs[mode] = { name: mode, dialer, listener, target: peerId };
  }
  const rounds = Object.fromEntries(Object.keys(pairs).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? Object.keys(pairs) : Object.keys(pairs).reverse();
    for (const name of order) {
      const result = await measure(pairs[name]);
      rounds[name].push(result);
      console.error(`round ${r + 1} ${name}: ${result.throughputMiBps} MiB/s, setup median ${result.setupMedianMs} ms, load ${result.load.join(' ')}`);
    }
  }
  const summary = Object.fromEntries(
    Object.entries(rounds).map(([k, rs]) => [k, { throughputMiBps: median(rs.map((x) => x.throughputMiBps)), setupMedianMs: median(rs.map((x) => x.setupMedianMs)), setupP95Ms: median(rs.map((x) => x.setupP95Ms)), cpuMsPerGiB: median(rs.map((x) => x.cpuMsPerGiB)) }]),
  );
  // Per round, ours ÷ bare of that round (they ran back to back); the median of those is the headline.
  const ratioOf = (k) => rounds[k].map((o, i) => Math.round((o.throughputMiBps / rounds.bare[i].throughputMiBps) * 100) / 100);
  const ratio = rounds.bare === undefined ? {} : Object.fromEntries(
    Object.keys(rounds).filter((k) => k !== 'bare').map((k) => [k, { throughputPerRound: ratioOf(k), throughputMedian: Math.round(median(ratioOf(k)) * 100) / 100, setupExtraMs: round1(summary[k].setupMedianMs - summary.bare.setupMedianMs) }]),
  );
  const report = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length, mib: MIB, setups: SETUPS, rounds: ROUNDS,
    load: { start: loadAtStart, end: load() }, perRound: rounds, summary, ratio,
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(`\n| (median of ${ROUNDS} rounds) | setup median (ms) | setup p95 (ms) | ${MIB} MiB stream (MiB/s) | CPU ms/GiB (both peers) |\n|---|---|---|---|---|`);
  const label = (k) => (k === 'bare' ? 'bare node-datachannel (native API, 1 channel, IPC signaling)' : `WebRtcProvider${k === 'ours' ? '' : ` (${k.split(':').slice(1).join(', ')})`}`);
  for (const [k, s] of Object.entries(summary)) console.log(`| ${label(k)} | ${s.setupMedianMs} | ${s.setupP95Ms} | ${s.throughputMiBps} | ${s.cpuMsPerGiB} |`);
  for (const [k, r] of Object.entries(ratio)) console.log(`\n${k}: throughput ratio per round ${r.throughputPerRound.join(', ')} (median ${r.throughputMedian}×), setup ${r.setupExtraMs >= 0 ? '+' : ''}${r.setupExtraMs} ms`);
  console.log(`load ${loadAtStart.join(' ')} → ${report.load.end.join(' ')}`);
} finally {
  await Promise.all(Object.values(pairs).flatMap((p) => [p.dialer.quit(), p.listener.quit()]));
  await gw?.stop();
}
