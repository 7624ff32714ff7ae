/** Human-readable rendering of a {@link DoctorReport}. */
import type { TransportAddress } from '@peerlink/protocol';
import type { DoctorReport, HttpProbe, MappingBehaviour, PathReason, TurnProbe } from './report.js';

const addr = (a: TransportAddress | undefined): string => (a === undefined ? '-' : a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);

const MAPPING_TEXT: Record<MappingBehaviour, string> = {
  'no-nat': 'no NAT (the mapped address is a local address)',
  'endpoint-independent': 'endpoint-independent (same mapped address toward every server)',
  'address-and-port-dependent': 'address-and-port-dependent ("symmetric": a new mapping per destination)',
  unknown: 'unknown (fewer than two STUN servers answered)',
  'udp-blocked': 'UDP blocked (no STUN server answered)',
};

const REASON_TEXT: Record<PathReason, string> = {
  'public-address': 'this host has a public address; peers can reach it directly',
  'endpoint-independent-mapping': 'hole punching works with peers except a symmetric NAT behind port-dependent filtering',
  'mapping-untested': 'only one STUN server answered; direct is tried first, the relay is the fallback',
  'symmetric-nat': 'a symmetric NAT defeats hole punching except toward public peers; the TURN relay carries the rest',
  'udp-blocked-turn-tcp': 'UDP is blocked but TURN over TCP works',
  'udp-and-turn-blocked': 'UDP and TURN are blocked; the gateway tunnel (WebSocket) is reachable',
  'symmetric-nat-no-turn': 'symmetric NAT and no reachable TURN server; only the tunnel is left',
  'gateway-unreachable': 'neither STUN/TURN nor the gateway tunnel answered',
};

const turnText = (p: TurnProbe | undefined): string =>
  p === undefined ? 'not tested' : `${p.outcome}${p.relayed ? ` (relayed ${addr(p.relayed)})` : ''}${p.detail ? ` — ${p.detail}` : ''} [${p.server}]`;

const httpText = (p: HttpProbe): string => `${p.reachable ? 'reachable' : 'unreachable'}${p.status === undefined ? '' : ` (HTTP ${p.status})`}${p.error ? ` ${p.error}` : ''} [${p.url}]`;

export function formatDoctorReport(report: DoctorReport): string {
  const lines = [
    `public address:   ${addr(report.publicAddress)}`,
    `NAT mapping:      ${MAPPING_TEXT[report.mapping]}`,
    ...report.probes.mapping.map((m) => `  via ${m.server}: ${m.mapped ? addr(m.mapped) : m.error ?? '-'}`),
    `TURN over UDP:    ${turnText(report.probes.turnUdp)}`,
    `TURN over TCP:    ${turnText(report.probes.turnTcp)}`,
    `gateway HTTP:     ${httpText(report.probes.http)}`,
    `tunnel endpoint:  ${httpText(report.probes.tunnel)}`,
    `likely path:      ${report.path} — ${REASON_TEXT[report.reason]} (${report.reason})`,
  ];
  return `${lines.join('\n')}\n`;
}
