/**
 * `peerlink doctor` results and the pure reasoning from probe results to a
 * verdict: NAT mapping behaviour (RFC 4787 / RFC 5780 terms) and the path a
 * connection will likely take (direct / relay / tunnel) and why.
 */
import type { TransportAddress } from '@peerlink/protocol';

/** Stable codes of a failed probe. */
export type DoctorProbeError =
  /** No answer within the probe's timeout (filtered, dropped or nothing listening). */
  | 'DOCTOR_TIMEOUT'
  /** Connection refused/reset or the network is unreachable. */
  | 'DOCTOR_UNREACHABLE'
  /** An answer that is not the expected protocol (or failed integrity). */
  | 'DOCTOR_BAD_RESPONSE'
  /** An HTTP status other than the one expected. */
  | 'DOCTOR_HTTP_STATUS'
  /** The server refused the TURN request (error response other than the 401 challenge). */
  | 'DOCTOR_TURN_REFUSED';

/** One Binding exchange from doctor's single local UDP socket. */
export interface MappingProbe {
  /** `host:port` of the STUN server asked. */
  readonly server: string;
  readonly mapped?: TransportAddress | undefined;
  readonly error?: DoctorProbeError | undefined;
}

/** How a TURN server answered over one transport. */
export interface TurnProbe {
  /** `host:port` asked. */
  readonly server: string;
  /**
   * `allocated`: an Allocate with credentials succeeded (and was deleted again);
   * `auth-required`: the server answered the unauthenticated Allocate with 401 (reachable, no credentials given);
   * `refused`: another error response; `unreachable`: no STUN answer.
   */
  readonly outcome: 'allocated' | 'auth-required' | 'refused' | 'unreachable';
  readonly relayed?: TransportAddress | undefined;
  readonly error?: DoctorProbeError | undefined;
  readonly detail?: string | undefined;
}

/** An HTTP(S) endpoint of the gateway. */
export interface HttpProbe {
  readonly url: string;
  readonly reachable: boolean;
  /** HTTP status received (for the tunnel: the upgrade's answer, 101 or e.g. 401 without a grant). */
  readonly status?: number | undefined;
  readonly error?: DoctorProbeError | undefined;
}

/** Everything the probes found; input of {@link diagnose}. */
export interface ProbeResults {
  /** The local socket's address, and every local non-loopback IPv4/IPv6 address. */
  readonly localAddresses: readonly string[];
  readonly mapping: readonly MappingProbe[];
  readonly turnUdp: TurnProbe | undefined;
  readonly turnTcp: TurnProbe | undefined;
  readonly http: HttpProbe;
  readonly tunnel: HttpProbe;
}

/**
 * `no-nat`: the mapped address is one of ours; `endpoint-independent`: every
 * server saw the same mapped address (RFC 4787 EIM); `address-and-port-dependent`:
 * servers saw different ones (a "symmetric" NAT); `unknown`: fewer than two
 * servers answered; `udp-blocked`: no server answered over UDP.
 */
export type MappingBehaviour = 'no-nat' | 'endpoint-independent' | 'address-and-port-dependent' | 'unknown' | 'udp-blocked';

export type LikelyPath = 'direct' | 'relay' | 'tunnel' | 'none';

/** Why {@link LikelyPath} was chosen; stable strings for scripts and dashboards. */
export type PathReason =
  /** Public address: peers can reach this host directly. */
  | 'public-address'
  /** EIM mapping: hole punching works with every peer except a symmetric NAT behind port-dependent filtering. */
  | 'endpoint-independent-mapping'
  /** Only one STUN server answered: mapping untested; direct is attempted, relay is the fallback. */
  | 'mapping-untested'
  /** Symmetric NAT: direct only toward public peers; expect the TURN relay. */
  | 'symmetric-nat'
  /** UDP is blocked but TURN over TCP works. */
  | 'udp-blocked-turn-tcp'
  /** UDP and TURN are unreachable; the gateway's WebSocket tunnel is. */
  | 'udp-and-turn-blocked'
  /** Symmetric NAT and TURN unreachable; only the tunnel is left. */
  | 'symmetric-nat-no-turn'
  /** Neither UDP, TURN nor the tunnel endpoint answered. */
  | 'gateway-unreachable';

export interface DoctorReport {
  /** First mapped address seen (the public address as the STUN server saw it). */
  readonly publicAddress: TransportAddress | undefined;
  readonly mapping: MappingBehaviour;
  readonly path: LikelyPath;
  readonly reason: PathReason;
  readonly probes: ProbeResults;
}

const sameAddress = (a: TransportAddress, b: TransportAddress): boolean => a.address === b.address && a.port === b.port;

/** Mapping behaviour from the Binding answers (all sent from one local socket). */
export function mappingBehaviour(probes: ProbeResults): MappingBehaviour {
  const mapped = probes.mapping.flatMap((p) => (p.mapped === undefined ? [] : [p.mapped]));
  const first = mapped[0];
  if (first === undefined) return 'udp-blocked';
  if (probes.localAddresses.includes(first.address)) return 'no-nat';
  if (mapped.length < 2) return 'unknown';
  return mapped.every((m) => sameAddress(m, first)) ? 'endpoint-independent' : 'address-and-port-dependent';
}

const turnWorks = (p: TurnProbe | undefined): boolean => p !== undefined && (p.outcome === 'allocated' || p.outcome === 'auth-required');

/** The verdict: mapping behaviour, likely path and its reason. */
export function diagnose(probes: ProbeResults): DoctorReport {
  const mapping = mappingBehaviour(probes);
  const publicAddress = probes.mapping.find((p) => p.mapped !== undefined)?.mapped;
  const relay = turnWorks(probes.turnUdp) || turnWorks(probes.turnTcp);
  const verdict = (path: LikelyPath, reason: PathReason): DoctorReport => ({ publicAddress, mapping, path, reason, probes });
  switch (mapping) {
    case 'no-nat':
      return verdict('direct', 'public-address');
    case 'endpoint-independent':
      return verdict('direct', 'endpoint-independent-mapping');
    case 'unknown':
      return verdict('direct', 'mapping-untested');
    case 'address-and-port-dependent':
      if (relay) return verdict('relay', 'symmetric-nat');
      return probes.tunnel.reachable ? verdict('tunnel', 'symmetric-nat-no-turn') : verdict('none', 'gateway-unreachable');
    case 'udp-blocked':
      if (turnWorks(probes.turnTcp)) return verdict('relay', 'udp-blocked-turn-tcp');
      return probes.tunnel.reachable ? verdict('tunnel', 'udp-and-turn-blocked') : verdict('none', 'gateway-unreachable');
  }
}
