#!/usr/bin/env node
// TURN relay load generator: N UDP clients allocate on a TURN server with TURN
// REST credentials, bind a channel to a local UDP echo peer, then keep a window
// of ChannelData packets in flight per client and count round trips.
//
//   node bench/turn-load/load.js --server 127.0.0.1:3478 --secret S [--clients 4]
//        [--payloads 120,1000] [--windows 1,8,32,128] [--duration-ms 3000]
//
// Prints one JSON document on stdout (progress goes to stderr).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { TurnClient } from './client.js';
import { restCredentials } from './stun.js';

const { values: opts } = parseArgs({
  options: {
    server: { type: 'string' },
    secret: { type: 'string' },
    user: { type: 'string', default: 'bench' },
    clients: { type: 'string', default: '4' },
    payloads: { type: 'string', default: '120,1000' },
    windows: { type: 'string', default: '1,8,32,128' },
    'duration-ms': { type: 'string', default: '3000' },
    'loss-timeout-ms': { type: 'string', default: '1000' },
  },
});
if (!opts.server || !opts.secret) {
  process.stderr.write('usage: load.js --server HOST:PORT --secret SECRET [--clients N] [--payloads 120,1000] [--windows 1,8,32] [--duration-ms 3000]\n');
  process.exit(2);
}
const [host, portText] = opts.server.split(':');
const clientsCount = Number(opts.clients);
const payloads = opts.payloads.split(',').map(Number);
const windows = opts.windows.split(',').map(Number);
const durationMs = Number(opts['duration-ms']);
const lossTimeoutMs = Number(opts['loss-timeout-ms']);
const FIRST_CHANNEL = 0x4000;

const log = (s) => process.stderr.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(3));
}

/** One measurement: every client keeps `window` packets of `payload` bytes in flight. */
async function runStep(clients, payload, window) {
  const rtts = [];
  let sent = 0;
  let received = 0;
  let lost = 0;
  let late = 0;
  let running = true;
  const states = clients.map((client, i) => {
    const channel = FIRST_CHANNEL + i;
    const template = Buffer.alloc(4 + payload, 0x5a);
    template.writeUInt16BE(channel, 0);
    template.writeUInt16BE(payload, 2);
    const st = { client, template, inflight: new Map(), nextSeq: 0 };
    const sendOne = () => {
      const frame = Buffer.from(template);
      const seq = st.nextSeq++ >>> 0;
      frame.writeUInt32BE(seq, 4);
      st.inflight.set(seq, performance.now());
      sent++;
      client.sendChannelData(frame);
    };
    st.sendOne = sendOne;
    client.onChannelData = (ch, data) => {
      if (ch !== channel || data.length !== payload) return;
      const seq = data.readUInt32BE(0);
      const t = st.inflight.get(seq);
      if (t === undefined) {
        late++;
        return;
      }
      st.inflight.delete(seq);
      received++;
      rtts.push(performance.now() - t);
      if (running) sendOne();
    };
    return st;
  });
  const expire = setInterval(() => {
    const cutoff = performance.now() - lossTimeoutMs;
    for (const st of states) {
      for (const [seq, t] of st.inflight) {
        if (t > cutoff) break; // insertion order = send order
        st.inflight.delete(seq);
        lost++;
        if (running) st.sendOne();
      }
    }
  }, 50);
  const started = performance.now();
  for (const st of states) for (let k = 0; k < window; k++) st.sendOne();
  await sleep(durationMs);
  running = false;
  const elapsedMs = performance.now() - started;
  const receivedInWindow = received;
  const drainUntil = performance.now() + lossTimeoutMs;
  while (states.some((st) => st.inflight.size > 0) && performance.now() < drainUntil) await sleep(20);
  clearInterval(expire);
  for (const st of states) {
    lost += st.inflight.size;
    st.inflight.clear();
    st.client.onChannelData = () => {};
  }
  rtts.sort((a, b) => a - b);
  const roundTripsPerSec = Math.round((receivedInWindow * 1000) / elapsedMs);
  return {
    payloadBytes: payload,
    windowPerClient: window,
    durationMs: Math.round(elapsedMs),
    sent,
    received,
    lost,
    late,
    lossRate: sent === 0 ? 0 : Number((lost / sent).toFixed(6)),
    roundTripsPerSec,
    // Each round trip crosses the relay twice (client->peer and peer->client).
    relayedMbitPerSec: Number(((roundTripsPerSec * 2 * payload * 8) / 1e6).toFixed(2)),
    rttMs: { p50: percentile(rtts, 50), p99: percentile(rtts, 99), max: percentile(rtts, 100) },
  };
}

async function main() {
  const echo = fork(new URL('./echo.js', import.meta.url), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = await once(echo.stdout, 'data');
  const peer = { address: '127.0.0.1', port: Number(/PORT (\d+)/.exec(String(line))[1]) };
  const clients = [];
  try {
    const { username, password } = restCredentials(opts.secret, opts.user, 3600);
    for (let i = 0; i < clientsCount; i++) {
      const c = new TurnClient({ host, port: Number(portText), username, password });
      clients.push(c);
      await c.open();
      const relayed = await c.allocate();
      await c.bindChannel(FIRST_CHANNEL + i, peer);
      log(`client ${i}: relayed ${relayed.address}:${relayed.port} channel 0x${(FIRST_CHANNEL + i).toString(16)}`);
    }
    const results = [];
    for (const payload of payloads) {
      for (const window of windows) {
        const r = await runStep(clients, payload, window);
        log(`payload ${payload} B window ${window}x${clientsCount}: ${r.roundTripsPerSec} rt/s, loss ${r.lossRate}, p50 ${r.rttMs.p50} ms`);
        results.push(r);
      }
    }
    const saturation = Object.fromEntries(
      payloads.map((p) => {
        const best = results.filter((r) => r.payloadBytes === p).sort((a, b) => b.roundTripsPerSec - a.roundTripsPerSec)[0];
        return [String(p), { roundTripsPerSec: best.roundTripsPerSec, windowPerClient: best.windowPerClient, lossRate: best.lossRate }];
      }),
    );
    const report = { server: opts.server, clients: clientsCount, durationMsPerStep: durationMs, node: process.version, results, saturation };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    echo.kill('SIGTERM');
  }
}

main().catch((err) => {
  log(`turn-load: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
