/** The hybrid part of docs/CONNECTIVITY.md: cells (c), time to connected, fall forward. */
import type { MeasuredRun } from './connectivity-doc.js';
import { FALL_FORWARD_LIMIT_MS } from './fall-forward.js';
import { HYBRID_ICE_TIMEOUT_S, UPGRADE_WAIT_MS, type HybridCellResult } from './hybrid-runner.js';
import type { CellResult } from './matrix-runner.js';
import { expectHybrid, timeToConnectedBound, TTC_ADDED_RTT_MS } from './matrix.js';

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : String(v));
/** One line, no table-breaking characters. */
const oneLine = (text: string): string => (text.split('\n')[0] ?? '').replace(/\|/g, '/').slice(0, 120);

const upgraded = (r: HybridCellResult): boolean => r.firstPath === 'relay' && r.measured === 'direct';

function cell(r: HybridCellResult): string {
  const mark = upgraded(r) ? ' ↑' : '';
  return r.measured === r.expected ? `**${r.measured}**${mark}` : `**${r.measured}**${mark} ✗ (expected ${r.expected})`;
}

/** Dial → the first `path direct` line (the upgrade's, when the first connection was relayed), ms. */
export const dialToDirectMs = (r: HybridCellResult): number | null => (r.measured !== 'direct' || r.p2pMs === null ? null : r.p2pMs + (r.upgradeMs ?? 0));

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function hybridTable(run: MeasuredRun): string {
  if (run.hybrid.length === 0) return '(c) did not run in this measurement.\n';
  const mismatches = run.hybrid.filter((r) => r.measured !== r.expected).length;
  const ups = run.hybrid.filter(upgraded);
  const rows = run.hybrid.map((r) => `| ${r.a} | ${r.b} | ${expectHybrid(r.a, r.b)} | ${cell(r)} | ${oneLine(r.reason)} | ${r.firstPath} | ${ms(r.firstStreamMs)} | ${ms(r.p2pMs)} | ${ms(r.upgradeMs)} |`);
  const upText =
    ups.length === 0
      ? 'No cell started on the relay where a direct path exists in this run (libjuice did not nominate a relay pair over a direct one).'
      : `**${ups.length} cell(s) ↑** started on the relay although a direct path exists (libjuice nominated the relay pair whose check succeeded first, as in (b)) and moved new streams to a direct connection: ${ups.map((r) => `${r.a}↔${r.b} in ${ms(r.upgradeMs)} ms`).join(', ')}.`;
  return `${run.hybrid.length} cells in ${run.hybridSeconds} s, four at a time: ${mismatches === 0 ? 'every pair connects on the path its expectation names' : `**${mismatches} cell(s) differ from the written expectation**`}.

${upText}

| agent (a) | client (b) | expected | measured | why (the client's path line) | first stream path | first stream ms | p2p ms | upgrade ms |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
}

/** Where the establishment time goes: median ms from the offer to each phase the offerer saw, over the direct samples. */
export function phaseBreakdown(samples: readonly CellResult[]): string {
  const direct = samples.filter((r) => r.measured === 'direct' && r.peer?.phases !== undefined);
  if (direct.length === 0) return '';
  const names = [...new Set(direct.flatMap((r) => Object.keys(r.peer!.phases!)))];
  const rows = names
    .map((name) => {
      const values = direct.flatMap((r) => r.peer!.phases![name] ?? []);
      return { name, median: median(values), n: values.length };
    })
    .sort((x, y) => (x.median ?? 0) - (y.median ?? 0));
  return `Where the time goes (offerer's view, median ms after the offer over ${direct.length} direct samples; \`pc-connected\` is libdatachannel's connected state: DTLS done and the SCTP association up; \`open\` the data channel):

| phase | median ms | samples |
|---|---|---|
${rows.map((r) => `| ${r.name} | ${ms(r.median)} | ${r.n} |`).join('\n')}
`;
}

function timeToConnected(run: MeasuredRun): string {
  if (run.timeToConnected.length === 0 && run.timeToConnectedWebrtc.length === 0) return 'Did not run in this measurement.\n';
  const bound = timeToConnectedBound(TTC_ADDED_RTT_MS);
  const webrtc = median(run.timeToConnectedWebrtc.flatMap((r) => (r.measured === 'direct' && typeof r.peer?.timeToConnectedMs === 'number' ? [r.peer.timeToConnectedMs] : [])));
  const hybrid = median(run.timeToConnected.flatMap((r) => dialToDirectMs(r) ?? []));
  const dial = new Map(run.timeToConnected.map((r) => [`${r.a}/${r.b}`, r]));
  const samples = new Map<string, CellResult[]>();
  for (const w of run.timeToConnectedWebrtc) samples.set(`${w.a}/${w.b}`, [...(samples.get(`${w.a}/${w.b}`) ?? []), w]);
  const rows = [...samples].map(([key, ws]) => {
    const h = dial.get(key);
    const [a, b] = key.split('/');
    return `| ${a} | ${b} | ${ws.map((w) => w.measured).join(', ')} | ${ws.map((w) => ms(w.peer?.timeToConnectedMs)).join(', ')} | ${h ? `${h.measured}${upgraded(h) ? ' ↑' : ''}` : '–'} | ${ms(h ? dialToDirectMs(h) : null)} |`;
  });
  return `Bound: 3 × ${TTC_ADDED_RTT_MS} + 300 = ${bound} ms (median).

${phaseBreakdown(run.timeToConnectedWebrtc)}

- **WebRTC connection establishment** (offer created, once the answerer process is up → data channel open: ICE, DTLS, SCTP; the (a) peers with a pre-negotiated data channel, signaling through the test process, three samples per pair): median **${ms(webrtc)} ms** — ${webrtc !== null && webrtc <= bound ? 'within the bound (asserted)' : '**over the bound** (asserted: the run fails)'}.
- **Hybrid dial from cold** (\`peerlink connect\` listening → \`path direct\`: also the Socket.IO sign-in to \`/p2p\`, the \`/api/ice-servers\` fetch and offer/answer through the gateway, each several TCP/HTTP round trips over the delayed link): median **${ms(hybrid)} ms** — ${hybrid !== null && hybrid <= bound ? 'within the bound' : 'over the bound (reported, not asserted)'}.

What was waste, and what is left (from the phase table above and libdatachannel's verbose log, \`PL_NAT_PEER_LOG=Verbose\`):

- **Shaved: the DCEP round trip.** An in-band data channel opens on the offerer only after DATA_CHANNEL_OPEN → ACK (RFC 8832), one more RTT after the SCTP association. The (a) peers now use a pre-negotiated channel (same id on both sides, RFC 8832 §6), which opens with the association: in every in-band sample \`open\` came 51–53 ms after \`pc-connected\`, now at the same moment (medians of 340–345 ms in three runs of this pair set, against 403–427 ms before; the stall below moves single runs). The SDK's \`WebRtcProvider\` still opens its two channels in band, so the hybrid dial keeps that RTT.
- **Not waste, the floor:** STUN to the gateway for the lossy side's srflx candidate (1 RTT), connectivity checks (1–2 RTT, libjuice paces checks 50 ms apart), DTLS 1.2 (2 RTT), SCTP INIT/COOKIE (2 RTT): 6–7 RTT ≈ 300–350 ms at 50 ms RTT.
- **Left: a 1 s DTLS stall** in roughly one sample in four (the ~1 300 ms values). When the DTLS client (the answerer, \`setup:active\`) sees ICE connected first, its ClientHello reaches the offerer before the offerer's ICE is connected; libdatachannel buffers it and hands it over when DTLS starts, but registers the DTLS receiver before switching to its connecting state, so the receive task can return without reading the queue and the ClientHello waits for the next datagram: OpenSSL's retransmission 1 s later. Not fixable from JavaScript (no DTLS timer or role knob in node-datachannel); answering \`setup:passive\` instead (offerer as DTLS client) was measured interleaved with the default in one run and stalled as often (4 of 20 samples against 3 of 16): a stall needs the DTLS client to reach ICE-connected first, and which side that is flips from sample to sample with the hole-punching order (the side whose first check the other NAT dropped connects about one RTT later), whatever the roles; it then loses the thread race about half the time. Pairs with an open side rarely stall (both sides connect within a few ms); NAT↔NAT pairs stalled in up to all three samples. Over runs on this 2-core machine (load average 4–7) it struck 3 to 11 of the 18 samples, so the asserted median passes or fails with it. The median is what is asserted; the stall stays visible in the samples, and fixing it means patching libdatachannel (switch to the connecting state before registering the receiver, or read the queue once after).

| a | b | (a) path | offer → open ms | (c) path | dial → direct ms |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}

function fallForward(run: MeasuredRun): string {
  const r = run.fallForward;
  if (r === null) return 'Did not run in this measurement.\n';
  const ok = r.movedTo === 'direct' && r.fallForwardMs !== null && r.fallForwardMs <= FALL_FORWARD_LIMIT_MS && r.inFlight?.ok === true && r.inFlightPath === 'tunnel' && r.fresh?.ok === true && r.freshPath === 'direct';
  return `Agent behind eim (\`pl-eim-a\`), client behind web-only (\`pl-webonly-b\`, \`--ice-timeout 2 --p2p-retry 1\`).
${ok ? 'Passed' : '**Failed**'}: client path log ${r.pathLog.map((p) => `\`${p}\``).join(' → ')};
UDP opened → \`path ${r.movedTo ?? 'none'}\` in **${ms(r.fallForwardMs)} ms** (limit ${FALL_FORWARD_LIMIT_MS} ms);
the stream started on the tunnel echoed ${r.inFlight?.received ?? 0} of ${r.inFlight?.sent ?? 0} B byte-exact (${r.inFlight?.ok === true ? 'all' : '**not all**'}) and closed over \`${r.inFlightPath ?? '?'}\`;
a new stream after the switch echoed ${r.fresh?.received ?? 0} B over \`${r.freshPath ?? '?'}\`.
`;
}

export function hybridSection(run: MeasuredRun): string {
  return `## (c) Hybrid agent ↔ \`peerlink connect --mode hybrid\`

The built \`peerlink agent\` (connection_mode \`hybrid\`, the gateway's STUN and
TURN over UDP in \`p2p.*\`, \`ice_timeout\` ${HYBRID_ICE_TIMEOUT_S}) runs in \`pl-<a>-a\` in front of a
TCP echo service; \`peerlink connect <device> --forward 0:echo --mode hybrid
--ice-timeout ${HYBRID_ICE_TIMEOUT_S}\` runs in \`pl-<b>-b\` (ICE servers from the gateway's
\`/api/ice-servers\`). One 256 KiB stream must come back byte-exact. **measured**
is the path the forwarder reports for that stream (\`stream to echo over <path>
closed\`): direct or relay (WebRTC), or tunnel (the gateway's WebSocket tunnel,
taken when p2p is not up within the ICE timeout). **first stream ms**: the
client's TCP connect → every byte back (includes waiting for p2p or the tunnel
fallback). **p2p ms**: \`connect\` listening → its first \`path direct|relay\` line
(sign-in to \`/p2p\`, ICE servers, offer/answer through the gateway, ICE, DTLS,
SCTP). Expected: \`expectHybrid\` — as (b), and \`tunnel\` wherever (b) fails;
no relay† exception here: every cell must match exactly.

**Relay → direct upgrade** (\`packages/agent/src/node/direct-upgrade.ts\`): when
the client's p2p connection comes up relayed, it dials again in the background
direct-only (STUN only, the agent's relay candidates dropped, \`allow: ['direct']\`;
first attempt at once, then capped exponential backoff, 10 attempts) and puts
NEW streams on the direct connection once it is up (\`path direct
(relay-upgraded-to-direct: ice-…)\`); streams in flight stay on the relay, which
closes after its last one. A cell whose first stream went over the relay where
theory says direct waits up to ${UPGRADE_WAIT_MS / 1000} s for that line and measures a second stream:
**measured** is the path new streams take once settled (↑: upgraded from the
relay), **first stream path** the one the first stream took, **upgrade ms**
the first \`path relay\` line → the upgrade line.

${hybridTable(run)}
## Time to connected with ${TTC_ADDED_RTT_MS} ms added RTT

The direct pairs with exactly one lossy side (its delay box adds
${TTC_ADDED_RTT_MS} ms RTT; 1 % loss and the 20 mbit rate limit stay on), run one at a
time so other cells do not compete for the CPU, measured two ways.

${timeToConnected(run)}
## Fall forward

${fallForward(run)}`;
}
