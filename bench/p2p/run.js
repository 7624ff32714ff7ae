// `npm run bench:p2p`: WebRtcProvider (our session, identity proof and the
// gateway's /p2p signaling) against bare node-datachannel, Node↔Node on
// loopback, in the same run. Connection setup time (median/p95 of N) and
// stream throughput (MiB/s over BENCH_P2P_MIB). JSON report + Markdown table.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeDataChannel from 'node-datachannel';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { attachP2pSignaling, createGateway, loadGatewayConfig, TokenService } from '@peerlink/gateway';
import { createEd25519Identity, P2pSignalingClient, WebRtcProvider, writeAll } from '@peerlink/sdk';
import { barePair, bareThroughput } from './bare.js';

const SETUPS = Number(process.env.BENCH_P2P_SETUPS ?? 20);
const MIB = Number(process.env.BENCH_P2P_MIB ?? 64);
const TOTAL = MIB * 1024 * 1024;

/** Reads a stream to its end counting bytes (like the bare receiver: no buffering of the whole transfer). */
async function countAll(stream) {
  let n = 0;
  for (const reader = stream.readable.getReader(); ; ) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.length;
  }
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const round = (x) => Math.round(x * 10) / 10;

async function startGateway() {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerlink-bench-p2p-'));
  const config = loadGatewayConfig({ env: {}, flags: { port: 0, host: '127.0.0.1', dataDir, turnEnabled: false, logLevel: 'warn' } });
  const gateway = await createGateway(config);
  const { port } = await gateway.listen();
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password-1' }) });
  const { token } = await res.json();
  // Until server.ts attaches /p2p itself, attach it on a second Socket.IO path of the same server.
  const probe = io(`${url}/p2p`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  const served = await new Promise((resolve) => (probe.once('connect', () => resolve(true)), probe.once('connect_error', () => resolve(false))));
  probe.close();
  let extra;
  let path = '/socket.io';
  if (!served) {
    path = '/p2p-bench.io';
    extra = new Server(gateway.app.server, { path, serveClient: false, destroyUpgrade: false });
    attachP2pSignaling(extra, { tokens: new TokenService({ secret: gateway.secrets.jwtSecret }) });
  }
  return {
    url, path, token,
    async stop() {
      extra?.disconnectSockets(true);
      extra?.engine.close();
      await gateway.close('bench done');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function ourPeer(gw) {
  const signaling = await P2pSignalingClient.connect({ url: gw.url, path: gw.path, token: gw.token, transports: ['websocket'] });
  const provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling, rtc: RTCPeerConnection });
  await provider.register();
  return { provider, close: async () => (await provider.close(), signaling.close()) };
}

async function ours(gw) {
  const [a, b] = [await ourPeer(gw), await ourPeer(gw)];
  const listener = await b.provider.listen();
  const setups = [];
  const phases = [];
  for (let i = 0; i < SETUPS; i++) {
    const started = performance.now();
    const [ab, ba] = await Promise.all([a.provider.connect(b.provider.localPeerId), listener.accept()]);
    setups.push(performance.now() - started);
    phases.push(ab.stats().setup);
    await ab.close('next');
    await ba.close('next');
  }
  const [ab, ba] = await Promise.all([a.provider.connect(b.provider.localPeerId), listener.accept()]);
  const data = new Uint8Array(TOTAL).fill(7);
  const started = performance.now();
  const stream = await ab.openStream();
  const reading = ba.acceptStream().then(countAll);
  await writeAll(stream, data, 64 * 1024);
  const got = await reading;
  const ms = performance.now() - started;
  if (got !== TOTAL) throw new Error(`received ${got} of ${TOTAL} bytes`);
  await ab.close('done');
  await a.close();
  await b.close();
  const mean = (k) => phases.reduce((s, p) => s + p[k], 0) / phases.length;
  return { setups, throughputMs: ms, phases: Object.fromEntries(['signalingMs', 'iceMs', 'dtlsMs', 'identityMs', 'sessionMs'].map((k) => [k, round(mean(k))])) };
}

async function bare() {
  const setups = [];
  for (let i = 0; i < SETUPS; i++) {
    const started = performance.now();
    const pair = await barePair();
    setups.push(performance.now() - started);
    pair.close();
  }
  const pair = await barePair();
  const throughputMs = await bareThroughput(pair, TOTAL);
  pair.close();
  return { setups, throughputMs };
}

const gw = await startGateway();
try {
  const b = await bare();
  const o = await ours(gw);
  const summary = (r) => ({ setupMedianMs: round(quantile(r.setups, 0.5)), setupP95Ms: round(quantile(r.setups, 0.95)), throughputMiBps: round(MIB / (r.throughputMs / 1000)) });
  const report = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length, setups: SETUPS, mib: MIB,
    bare: summary(b), ours: { ...summary(o), meanPhasesMs: o.phases },
  };
  report.ratio = { throughput: round((report.ours.throughputMiBps / report.bare.throughputMiBps) * 100) / 100, setupExtraMs: round(report.ours.setupMedianMs - report.bare.setupMedianMs) };
  console.log(JSON.stringify(report, null, 2));
  console.log(`\n| | setup median (ms) | setup p95 (ms) | ${MIB} MiB stream (MiB/s) |\n|---|---|---|---|`);
  console.log(`| bare node-datachannel (in-process signaling, 1 channel) | ${report.bare.setupMedianMs} | ${report.bare.setupP95Ms} | ${report.bare.throughputMiBps} |`);
  console.log(`| WebRtcProvider (gateway signaling, identity proof, session) | ${report.ours.setupMedianMs} | ${report.ours.setupP95Ms} | ${report.ours.throughputMiBps} |`);
  console.log(`\nthroughput ratio ${report.ratio.throughput}×, setup +${report.ratio.setupExtraMs} ms; mean phases ${JSON.stringify(o.phases)}`);
} finally {
  await gw.stop();
  nodeDataChannel.cleanup();
}
