/** `runDoctor`: carries out the probes and returns the {@link DoctorReport}. */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { diagnose, type DoctorReport, type MappingProbe, type TurnProbe } from './report.js';
import { fetchIceServers, iceUrlHostPort, probeHttp, probeTunnel, probeTurn } from './probes.js';
import { bindingRequest, type TurnCredentials } from './stun-client.js';
import { DoctorProbeFailure, TcpStunSession, UdpStunSession, formatHostPort, type HostPort } from './transports.js';

export interface DoctorOptions {
  /** Gateway base URL (`http://host:port`); its `/healthz`, `/tunnel/client` and `/api/ice-servers` are probed. */
  readonly gateway: string;
  /**
   * STUN servers for the mapping test (two or more compare mapped addresses).
   * Default: the STUN/TURN URLs from `/api/ice-servers` when `token` is given,
   * else the gateway's host on port 3478. A single server that answers with
   * OTHER-ADDRESS (RFC 5780) is asked again at that address.
   */
  readonly stun?: readonly HostPort[] | undefined;
  /** TURN server to allocate on. Default: the first TURN URL from `/api/ice-servers`, else the first STUN server. */
  readonly turn?: HostPort | undefined;
  /** Session token for `/api/ice-servers`: enables a real Allocate with TURN REST credentials. */
  readonly token?: string | undefined;
  /** Timeout of each probe (a STUN transaction with its retransmissions, a TCP connect, an HTTP request), ms. Default 2000. */
  readonly timeoutMs?: number | undefined;
  /** First UDP retransmission timeout, ms, doubling per send. Default 250 (RFC 8489 uses 500; doctor favours a quick verdict). */
  readonly rtoMs?: number | undefined;
}

export const DEFAULT_DOCTOR_TIMEOUT_MS = 2000;
export const DEFAULT_DOCTOR_RTO_MS = 250;

const newTransactionId = (): Uint8Array => new Uint8Array(randomBytes(12));

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => !i.internal).map((i) => i.address));
}

async function bind(session: UdpStunSession, server: HostPort): Promise<{ probe: MappingProbe; other: HostPort | undefined }> {
  const tid = newTransactionId();
  try {
    const reply = await session.request(server, bindingRequest(tid), tid);
    if (reply.kind !== 'binding-success') return { probe: { server: formatHostPort(server), error: 'DOCTOR_BAD_RESPONSE' }, other: undefined };
    const other = reply.otherAddress === undefined ? undefined : { host: reply.otherAddress.address, port: reply.otherAddress.port };
    return { probe: { server: formatHostPort(server), mapped: reply.mapped }, other };
  } catch (err) {
    return { probe: { server: formatHostPort(server), error: err instanceof DoctorProbeFailure ? err.code : 'DOCTOR_UNREACHABLE' }, other: undefined };
  }
}

async function turnOverTcp(server: HostPort, credentials: TurnCredentials | undefined, timeoutMs: number): Promise<TurnProbe> {
  let session: TcpStunSession;
  try {
    session = await TcpStunSession.connect(server, timeoutMs);
  } catch (err) {
    const code = err instanceof DoctorProbeFailure ? err.code : 'DOCTOR_UNREACHABLE';
    return { server: formatHostPort(server), outcome: 'unreachable', error: code, detail: err instanceof Error ? err.message : String(err) };
  }
  try {
    return await probeTurn(session, server, credentials, newTransactionId);
  } finally {
    session.close();
  }
}

/** Probe from this host and reason about the result. Never throws for network failures: they are in the report. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const gateway = new URL(options.gateway);
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS;
  const rtoMs = options.rtoMs ?? DEFAULT_DOCTOR_RTO_MS;
  let stun = options.stun ?? [];
  let turn = options.turn;
  let credentials: TurnCredentials | undefined;
  if (options.token !== undefined) {
    const servers = await fetchIceServers(gateway, options.token, timeoutMs);
    for (const s of servers) {
      for (const url of s.urls) {
        const hp = iceUrlHostPort(url);
        if (hp === undefined) continue;
        if (options.stun === undefined && !stun.some((x) => x.host === hp.host && x.port === hp.port)) stun = [...stun, { host: hp.host, port: hp.port }];
        if (hp.scheme === 'turn' && s.username !== undefined && s.credential !== undefined && credentials === undefined) {
          turn ??= { host: hp.host, port: hp.port };
          credentials = { username: s.username, password: s.credential };
        }
      }
    }
  }
  if (stun.length === 0) stun = [{ host: gateway.hostname.replace(/^\[(.*)\]$/, '$1'), port: 3478 }];
  turn ??= stun[0]!;

  const session = await UdpStunSession.open({ timeoutMs, rtoMs });
  let mapping: MappingProbe[];
  let turnUdp: TurnProbe;
  try {
    const first = await Promise.all(stun.map((s) => bind(session, s)));
    mapping = first.map((r) => r.probe);
    const answered = first.filter((r) => r.probe.mapped !== undefined);
    const other = answered.length === 1 ? answered[0]!.other : undefined;
    if (other !== undefined) mapping.push((await bind(session, other)).probe);
    turnUdp = await probeTurn(session, turn, credentials, newTransactionId);
  } finally {
    session.close();
  }
  const [turnTcp, http, tunnel] = await Promise.all([turnOverTcp(turn, credentials, timeoutMs), probeHttp(gateway, timeoutMs), probeTunnel(gateway, timeoutMs)]);
  return diagnose({ localAddresses: localAddresses(), mapping, turnUdp, turnTcp, http, tunnel });
}
