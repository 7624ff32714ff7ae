/** The (d) part of docs/CONNECTIVITY.md: Chromium ↔ hybrid agent. */
import { BROWSER_AGENT_KINDS, BROWSER_CLIENT_KINDS, type BrowserCellResult } from './browser-runner.js';
import type { MeasuredRun } from './connectivity-doc.js';
import { theoryReason } from './matrix.js';

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : String(v));
const oneLine = (text: string): string => (text.split('\n')[0] ?? '').replace(/\|/g, '/').slice(0, 120);
const cell = (r: BrowserCellResult): string => (r.measured === r.expected ? `**${r.measured}**` : `**${r.measured}** ✗ (expected ${r.expected})`);

export function browserSection(run: MeasuredRun): string {
  const intro = `## (d) Chromium ↔ hybrid agent

Headless Debian Chromium (\`playwright-core\`, the shared launch flags of
\`e2e/support/chromium.ts\` plus real host candidates instead of mDNS names)
runs **inside** the client namespace \`pl-<b>-b\` (launched through
\`ip netns exec\`, so every packet crosses that router). Its page loads the
browser \`WebRtcProvider\` (native \`RTCPeerConnection\`, STUN and TURN from the
gateway's \`/api/ice-servers\`), dials the device of the hybrid agent in
\`pl-<a>-a\` (set up as in (c)) through the gateway, opens one stream to the
agent's echo service (the agent's stream header) and checks 256 KiB echoed
byte-exact. **measured**: the path of that connection as the page's
\`getStats()\` reports it (relay when either selected candidate is a relay
candidate), or fail. **connect ms**: the page's \`connect()\` → connection up
(offer/answer through the gateway, ICE, DTLS, SCTP, identity proof; the
sign-in to \`/p2p\` comes before); **stream ms**: stream opened → every byte
back. Expected: \`expectBrowser\` in \`e2e/nat/matrix.ts\`, as (b).

Subset (${BROWSER_CLIENT_KINDS.join(', ')} browser × agent behind ${BROWSER_AGENT_KINDS.join(' / ')}):
each NAT-theory outcome once with Chromium's ICE agent dialling — direct via
a public address, direct by simultaneous punching (eim↔eim, eim↔double),
relay for a symmetric side against a port-dependent filter in either
direction, and symmetric↔open direct via a peer-reflexive candidate. Not
included: web-only (the browser has no tunnel provider, so it can only fail,
as (b) shows), lossy (a link property, covered by (a)–(c)), agents behind
open or double (the same NAT classes as eim).
`;
  if (run.browser.length === 0) return `${intro}\n(d) did not run in this measurement.\n`;
  const mismatches = run.browser.filter((r) => r.measured !== r.expected).length;
  const rows = run.browser.map((r) => `| ${r.a} | ${r.b} | ${r.expected} | ${cell(r)} | ${oneLine(r.reason)} | ${ms(r.connectMs)} | ${ms(r.streamMs)} | ${theoryReason(r.a, r.b)} |`);
  return `${intro}
${run.browser.length} cells in ${run.browserSeconds} s (one Chromium per browser namespace, the namespaces in parallel): ${mismatches === 0 ? 'every cell matches its written expectation' : `**${mismatches} cell(s) differ from the written expectation**`}.

| agent (a) | browser (b) | expected | measured | why (the page's selected pair) | connect ms | stream ms | theory |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
