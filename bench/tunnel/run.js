// `npm run bench:tunnel`: bulk bytes through the peerlink tunnel — via the
// gateway's server port and via `peerlink connect` — and through p2p
// (`peerlink connect --mode p2p`) against raw loopback TCP, a socat relay, a
// bare single-stream ws relay and a bare node-datachannel relay, all in this run.
// Every hop is its own process (gateway, agent, connect, relay roles, the
// service). Modes alternate round by round so load hits them alike; the best
// round counts. Prints a JSON report, then a Markdown table.
//   BENCH_BYTES   bytes per transfer (default 1 GiB)
//   BENCH_ROUNDS  rounds per mode (default 2)
//   BENCH_PROBES  first-byte probes per mode (default 20)
//   BENCH_MODES   comma list to run a subset (raw,socat,ws-relay,tunnel-port,tunnel-connect,ndc-relay,p2p-connect);
//                 with p2p-connect the agent runs hybrid (tunnel + p2p), else tunnel only
//   BENCH_NODE_ARGS extra node flags for the children (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof)
//   BENCH_LOG_DIR   keep every child's full output there (e.g. with BENCH_NODE_ARGS=--trace-gc)
import { cpus, loadavg } from 'node:os';
import { childrenReaped, cpuMs } from './cpu.js';
import { download, timeToFirstByte, upload } from './measure.js';
import { killAll, node, startNdcRelay, startPeerlink, startSocat } from './processes.js';

const BYTES = Number(process.env.BENCH_BYTES ?? 2 ** 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PROBES = Number(process.env.BENCH_PROBES ?? 20);
const TIMEOUT_MS = Math.max(60_000, (BYTES / 20e6) * 1000);
const load = () => loadavg().map((n) => +n.toFixed(2));
const loadAtStart = load();

const service = await node('service.js', [], 'service');
const servicePort = service.value;
const socat = await startSocat(servicePort);
const relay = await node('ws-relay.js', ['relay'], 'ws relay');
const relayAgent = await node('ws-relay.js', ['agent', String(relay.value), String(servicePort)], 'ws relay agent');
const relayEntry = await node('ws-relay.js', ['entry', String(relay.value)], 'ws relay entry');
const only = process.env.BENCH_MODES?.split(',');
const wanted = (mode) => only === undefined || only.includes(mode);
const ndcRelay = wanted('ndc-relay') ? await startNdcRelay(servicePort) : undefined;
const peerlink = await startPeerlink(servicePort, { p2p: wanted('p2p-connect') });

// `relay`: the processes between the client and the service, whose CPU time is charged to the mode.
const { gateway, agent, connect, p2pConnect } = peerlink.pids;
const allModes = {
  raw: { label: 'raw loopback TCP', port: servicePort, relay: [] },
  socat: { label: 'socat relay', port: socat.port, relay: [socat.pid] },
  'ws-relay': { label: 'bare ws relay (ws + bufferutil, 1 stream)', port: relayEntry.value, relay: [relayEntry.pid, relay.pid, relayAgent.pid] },
  'tunnel-port': { label: 'peerlink tunnel, server port', port: peerlink.serverPort, relay: [gateway, agent] },
  'tunnel-connect': { label: 'peerlink tunnel, peerlink connect', port: peerlink.connectPort, relay: [connect, gateway, agent] },
  // The p2p pair: the gateway only signals (before the bytes flow), so it is not on the path.
  'ndc-relay': { label: 'bare node-datachannel relay (native API, 1 channel per connection)', port: ndcRelay?.port, relay: ndcRelay?.pids },
  'p2p-connect': { label: 'peerlink p2p, peerlink connect --mode p2p', port: peerlink.p2pConnectPort, relay: [p2pConnect, agent] },
};
const modes = Object.fromEntries(Object.entries(allModes).filter(([k]) => wanted(k)));
const results = Object.fromEntries(Object.keys(modes).map((k) => [k, { label: modes[k].label, rounds: [] }]));
// socat's per-connection child counts once reaped (its CPU moves into the parent's cutime/cstime).
const settle = (mode) => Promise.all(mode.relay.map((pid) => (pid === socat.pid ? childrenReaped(pid) : undefined)));
const mbps = (r) => +(r.bytes / r.seconds / 1e6).toFixed(1);

try {
  for (const [name, mode] of Object.entries(modes)) {
    results[name].ttfb = await timeToFirstByte(mode.port, PROBES, 10_000);
    console.error(`${name}: first byte p50 ${results[name].ttfb.p50Ms.toFixed(2)} ms`);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, mode] of Object.entries(modes)) {
      const each0 = mode.relay.map((pid) => cpuMs([pid]));
      const cpu0 = cpuMs(mode.relay);
      const down = await download(mode.port, BYTES, TIMEOUT_MS);
      await settle(mode);
      const cpu1 = cpuMs(mode.relay);
      const up = await upload(mode.port, BYTES, TIMEOUT_MS);
      await settle(mode);
      const cpu2 = cpuMs(mode.relay);
      const perGiB = (ms) => Math.round((ms * 2 ** 30) / BYTES);
      const byProcess = mode.relay.map((pid, i) => perGiB(cpuMs([pid]) - each0[i]));
      const r = { cpuMsPerGiBByProcess: byProcess, downloadMBps: mbps(down), uploadMBps: mbps(up), downloadCpuMsPerGiB: perGiB(cpu1 - cpu0), uploadCpuMsPerGiB: perGiB(cpu2 - cpu1), load: load() };
      results[name].rounds.push(r);
      console.error(`round ${round + 1}: ${name} down ${r.downloadMBps} MB/s (${r.downloadCpuMsPerGiB} CPU ms/GiB), up ${r.uploadMBps} MB/s (${r.uploadCpuMsPerGiB} CPU ms/GiB; by process ${byProcess.join(', ')})`);
    }
  }
} finally {
  await peerlink.stop();
  await Promise.all([service.stop(), socat.stop(), relay.stop(), relayAgent.stop(), relayEntry.stop(), ndcRelay?.stop()]);
  killAll();
}

for (const r of Object.values(results)) {
  r.downloadMBps = Math.max(...r.rounds.map((x) => x.downloadMBps));
  r.uploadMBps = Math.max(...r.rounds.map((x) => x.uploadMBps));
  r.downloadCpuMsPerGiB = Math.min(...r.rounds.map((x) => x.downloadCpuMsPerGiB));
  r.uploadCpuMsPerGiB = Math.min(...r.rounds.map((x) => x.uploadCpuMsPerGiB));
}
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : +(a / b).toFixed(2));
const ratios = {};
// Each peerlink mode against its own bare baseline: the tunnel modes against the ws relay, p2p against node-datachannel.
const baselineOf = { 'tunnel-port': 'ws-relay', 'tunnel-connect': 'ws-relay', 'p2p-connect': 'ndc-relay' };
for (const [t, base] of Object.entries(baselineOf)) {
  if (results[t] === undefined) continue;
  const b = results[base];
  const [vs, cpuVs] = base === 'ws-relay' ? ['vsWsRelay', 'cpuVsWsRelay'] : ['vsNdcRelay', 'cpuVsNdcRelay'];
  ratios[t] = {
    [vs]: { download: ratio(results[t].downloadMBps, b?.downloadMBps), upload: ratio(results[t].uploadMBps, b?.uploadMBps) },
    vsSocat: { download: ratio(results[t].downloadMBps, results.socat?.downloadMBps), upload: ratio(results[t].uploadMBps, results.socat?.uploadMBps) },
    [cpuVs]: { download: ratio(results[t].downloadCpuMsPerGiB, b?.downloadCpuMsPerGiB), upload: ratio(results[t].uploadCpuMsPerGiB, b?.uploadCpuMsPerGiB) },
    // Per round against the baseline's same round (they ran minutes apart at most, under the same load).
    perRound: b === undefined ? undefined : results[t].rounds.map((r, i) => ({ download: ratio(r.downloadMBps, b.rounds[i].downloadMBps), upload: ratio(r.uploadMBps, b.rounds[i].uploadMBps) })),
  };
}
const machine = { cpus: cpus().length, node: process.version, loadAtStart, loadAtEnd: load() };
console.log(JSON.stringify({ date: new Date().toISOString(), bytes: BYTES, rounds: ROUNDS, machine, results, ratios }, null, 2));
const pairOf = (x) => (x === undefined ? '' : `${x.download ?? '–'}× / ${x.upload ?? '–'}×`);
const rows = Object.entries(results).map(([name, r]) => {
  const vs = ratios[name];
  const [rel, relSocat, relCpu, relNdc, relNdcCpu] = [vs?.vsWsRelay, vs?.vsSocat, vs?.cpuVsWsRelay, vs?.vsNdcRelay, vs?.cpuVsNdcRelay].map(pairOf);
  return `| ${r.label} | ${r.downloadMBps} | ${r.uploadMBps} | ${r.ttfb.p50Ms.toFixed(2)} | ${r.downloadCpuMsPerGiB} / ${r.uploadCpuMsPerGiB} | ${rel} | ${relSocat} | ${relCpu} | ${relNdc} | ${relNdcCpu} |`;
});
console.log(`
| mode | download MB/s | upload MB/s | first byte p50 (ms) | relay CPU ms per GiB (down / up) | MB/s vs bare ws relay (down / up) | MB/s vs socat (down / up) | CPU vs bare ws relay (down / up) | MB/s vs bare ndc relay (down / up) | CPU vs bare ndc relay (down / up) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

${(BYTES / 2 ** 20).toFixed(0)} MiB per transfer, best of ${ROUNDS} rounds (highest MB/s, lowest CPU), relay CPU = user+system time of the processes between client and service, first byte over ${PROBES} sequential connections (connect → first byte of a 1-byte download).
${machine.cpus} CPUs, Node ${machine.node}, load average ${loadAtStart.join(' / ')} at start, ${machine.loadAtEnd.join(' / ')} at end.
`);
for (const [t, r] of Object.entries(ratios)) {
  if (r.perRound !== undefined) console.log(`${t} vs ${baselineOf[t]} per round (down / up): ${r.perRound.map(pairOf).join(', ')}`);
}
if (results['ndc-relay'] !== undefined) console.log('ndc-relay first byte includes a new PeerConnection (ICE + DTLS + SCTP) per TCP connection; p2p-connect reuses its one connection to the agent.');
process.exit(0);
