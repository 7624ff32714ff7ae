// Measurements shared by both targets of the signaling benchmark. A target
// adapter provides: connect(i) -> Promise<socket>, send(from, toIndex, payload),
// onRelay(socket, cb(payload)), id(i).
import { performance } from 'node:perf_hooks';
import { seqOf, signalMessage } from './gateway-target.js';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Round trips A -> gateway -> B -> gateway -> A at a fixed offered rate, one
 * message every 1000/rate ms (not in bursts), with B echoing from its own
 * process (`echo-peer.js`) so that the measuring process only sends and times.
 * `target.echo(i)` returns {auth, route} for B's connection; `target.call`
 * sets up what routing needs (a room call on the gateway) and returns the
 * callId; returns RTT percentiles in ms.
 */
export async function measureLatency(target, { rate = 1000, seconds = 5, spawnEcho } = {}) {
  const a = await target.connect(0);
  const echo = await spawnEcho(target.echoAuth(1));
  const to = target.route(1, echo.id);
  const callId = await target.call(a, 0, echo.join);
  const sent = new Map();
  const rtts = [];
  a.on('call:signal', (m) => {
    const { seq } = seqOf(m);
    const t0 = sent.get(seq);
    if (t0 !== undefined) {
      rtts.push(performance.now() - t0);
      sent.delete(seq);
    }
  });
  const send = (seq) => a.emit('call:signal', signalMessage(callId, to, seq));
  // warm up both processes' code paths
  for (let i = 0; i < 2000; i++) {
    send(-1 - i);
    if (i % 10 === 0) await sleep(1);
  }
  await sleep(500);
  const total = rate * seconds;
  const interval = 1000 / rate;
  let next = performance.now();
  let seq = 0;
  while (seq < total) {
    const now = performance.now();
    for (; seq < total && next <= now; seq++, next += interval) {
      sent.set(seq, performance.now());
      send(seq);
    }
    await sleep(Math.max(0, next - performance.now()));
  }
  await sleep(1000);
  a.disconnect();
  await echo.stop();
  rtts.sort((x, y) => x - y);
  return { offeredPerSecond: rate, samples: rtts.length, lost: total - rtts.length, p50Ms: percentile(rtts, 50), p99Ms: percentile(rtts, 99), maxMs: rtts.at(-1) };
}

const cpuMicros = (usage) => usage.user + usage.system;

/**
 * Saturation: `pairs` echo pairs, each with `window` messages in flight;
 * relays/s. With `server`, also the server's CPU time per relayed message
 * (µs, user + system) and its CPU share of the window (1 = one core busy):
 * unlike relays/s, CPU per relay hardly depends on what else the machine runs,
 * and a share well below 1 means the load generator, not the server, was the
 * bottleneck.
 */
export async function measureThroughput(target, { pairs = 8, window = 64, seconds = 5, base = 10, server } = {}) {
  let relayed = 0;
  let counting = false;
  const sockets = [];
  for (let p = 0; p < pairs; p++) {
    const ia = base + 2 * p;
    const ib = ia + 1;
    const a = await target.connect(ia);
    const b = await target.connect(ib);
    await target.pair(a, ia, b, ib);
    sockets.push(a, b);
    target.onRelay(b, (payload) => {
      if (counting) relayed++;
      target.send(b, ia, payload);
    });
    target.onRelay(a, (payload) => {
      if (counting) relayed++;
      target.send(a, ib, payload);
    });
    for (let w = 0; w < window; w++) target.send(a, ib, { seq: w });
  }
  await sleep(1000);
  const cpu0 = server ? await server.cpu() : undefined;
  counting = true;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = server ? await server.cpu() : undefined;
  const counted = relayed;
  for (const s of sockets) s.disconnect();
  await sleep(300);
  const result = { relaysPerSecond: Math.round(counted / elapsed), pairs, window };
  if (cpu0 === undefined || cpu1 === undefined) return result;
  const cpu = cpuMicros(cpu1) - cpuMicros(cpu0);
  return { ...result, cpuMicrosPerRelay: +(cpu / Math.max(1, counted)).toFixed(2), serverCpuShare: +(cpu / 1e6 / elapsed).toFixed(2) };
}

/** Server RSS growth per idle connection, measured over `count` connections. */
export async function measureIdleRss(target, server, { count = 5000, base = 100 } = {}) {
  await server.gc();
  const before = await server.rss();
  const sockets = [];
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    sockets.push(...(await Promise.all(Array.from({ length: n }, (_, k) => target.connect(base + i + k)))));
  }
  await sleep(1000);
  await server.gc();
  const after = await server.rss();
  for (const s of sockets) s.disconnect();
  await sleep(500);
  return { connections: count, rssBeforeMb: +(before / 2 ** 20).toFixed(1), rssAfterMb: +(after / 2 ** 20).toFixed(1), bytesPerConnection: Math.round((after - before) / count) };
}
