// Aggregation of the TURN benchmark runs: per server the median over rounds of
// the saturation rate, loss, and CPU µs per relayed packet; ratios to coturn.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Loss over the steps below saturation: windows smaller than the saturating one. */
function lossBelowSaturation(results, payload, saturationWindow) {
  const below = results.filter((r) => r.payloadBytes === payload && r.windowPerClient < saturationWindow);
  const sent = below.reduce((a, r) => a + r.sent, 0);
  const lost = below.reduce((a, r) => a + r.lost, 0);
  return sent === 0 ? 0 : lost / sent;
}

function perServer(runs, payloads) {
  const out = {};
  for (const name of ['peerlink', 'coturn']) {
    const mine = runs.filter((r) => r.name === name);
    const row = {};
    for (const p of payloads) {
      const sats = mine.map((r) => r.report.saturation[String(p)]);
      row[p] = {
        roundTripsPerSec: median(sats.map((s) => s.roundTripsPerSec)),
        lossAtSaturation: Math.max(...sats.map((s) => s.lossRate)),
        lossBelowSaturation: Math.max(...mine.map((r) => lossBelowSaturation(r.report.results, p, r.report.saturation[String(p)].windowPerClient))),
      };
    }
    // Every completed round trip is two relayed packets (client→peer, peer→client).
    const cpuPerPacket = mine.map((r) => r.cpuUs / Math.max(1, r.report.results.reduce((a, s) => a + 2 * s.received, 0)));
    out[name] = { payloads: row, cpuUsPerPacket: Number(median(cpuPerPacket).toFixed(2)), rssKiB: median(mine.map((r) => r.rssKiB)) };
  }
  return out;
}

export function summarise(runs, payloads) {
  const servers = perServer(runs, payloads);
  const ratios = { cpuUsPerPacket: Number((servers.peerlink.cpuUsPerPacket / servers.coturn.cpuUsPerPacket).toFixed(2)) };
  for (const p of payloads) ratios[`roundTripsPerSec_${p}`] = Number((servers.peerlink.payloads[p].roundTripsPerSec / servers.coturn.payloads[p].roundTripsPerSec).toFixed(2));
  const pass = payloads.every((p) => ratios[`roundTripsPerSec_${p}`] >= 0.5 && servers.peerlink.payloads[p].lossBelowSaturation === 0) && ratios.cpuUsPerPacket <= 3;
  return { servers, ratios, pass };
}

export function table(meta, { servers, ratios, pass }) {
  const pct = (x) => `${(x * 100).toFixed(2)} %`;
  const lines = [
    `${meta.date} · Node ${meta.node} · ${meta.coturn} · load average ${meta.loadavg.join(' ')} · ${meta.rounds} rounds alternating, ${meta.clients} clients, windows ${meta.windows}, ${meta.durationMsPerStep} ms/step`,
    '',
    '| metric | peerlink | coturn | ratio |',
    '|---|---|---|---|',
  ];
  for (const p of Object.keys(servers.peerlink.payloads)) {
    const a = servers.peerlink.payloads[p];
    const b = servers.coturn.payloads[p];
    lines.push(`| saturation round trips/s, ${p} B | ${a.roundTripsPerSec} | ${b.roundTripsPerSec} | ${ratios[`roundTripsPerSec_${p}`]}× |`);
    lines.push(`| loss below saturation / at saturation, ${p} B | ${pct(a.lossBelowSaturation)} / ${pct(a.lossAtSaturation)} | ${pct(b.lossBelowSaturation)} / ${pct(b.lossAtSaturation)} | |`);
  }
  lines.push(`| server CPU µs per relayed packet | ${servers.peerlink.cpuUsPerPacket} | ${servers.coturn.cpuUsPerPacket} | ${ratios.cpuUsPerPacket}× |`);
  lines.push(`| server RSS after run (KiB) | ${servers.peerlink.rssKiB} | ${servers.coturn.rssKiB} | |`);
  lines.push('', `must (≥ 0.5× rate, ≤ 3× CPU/packet, 0 % loss below saturation): ${pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
