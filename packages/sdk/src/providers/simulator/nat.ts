import type { CandidateType, PathInfo } from '../../contract/types.js';

/**
 * NAT behaviour of a simulated peer (RFC 4787 terms).
 * - `open`: public address, no NAT or firewall (host candidates reachable).
 * - `endpoint-independent`: endpoint-independent mapping (a "cone" NAT); hole punching works.
 * - `symmetric`: address- and port-dependent mapping; each destination gets a new port.
 * - `udp-blocked`: no UDP at all; only a relay reached over TCP/TLS helps.
 */
export type NatType = 'open' | 'endpoint-independent' | 'symmetric' | 'udp-blocked';

export const NAT_TYPES: readonly NatType[] = ['open', 'endpoint-independent', 'symmetric', 'udp-blocked'];

export type PathDecision =
  | { readonly ok: true; readonly path: PathInfo }
  | { readonly ok: false; readonly reason: string; readonly message: string };

/**
 * Picks the best path for a NAT pair, like ICE would end up choosing.
 * Direct when one side is open (the other dials out), or when both map
 * endpoint-independently (simultaneous open through both NATs). A symmetric
 * NAT facing anything but an open peer defeats hole punching (we do not model
 * port prediction); UDP-blocked peers can only use a relay (TURN over TCP).
 */
export function selectPath(local: NatType, remote: NatType, relayAvailable: boolean): PathDecision {
  const direct = directPath(local, remote);
  if (direct !== undefined) return { ok: true, path: direct };
  const why = blockedReason(local, remote);
  if (relayAvailable) return { ok: true, path: { kind: 'relay', reason: why, local: 'relay', remote: 'relay' } };
  return { ok: false, reason: `${why}-no-relay`, message: `no direct path (${why.replaceAll('-', ' ')}) and no relay available` };
}

function directPath(local: NatType, remote: NatType): PathInfo | undefined {
  if (local === 'udp-blocked' || remote === 'udp-blocked') return undefined;
  if (local === 'open' && remote === 'open') return { kind: 'direct', reason: 'both-open', local: 'host', remote: 'host' };
  if (local === 'open' || remote === 'open') {
    // The NATed side dials the open side; the open side learns it as peer-reflexive.
    const natSide: CandidateType = 'srflx';
    return local === 'open'
      ? { kind: 'direct', reason: 'remote-behind-nat-local-open', local: 'host', remote: remote === 'symmetric' ? 'prflx' : natSide }
      : { kind: 'direct', reason: 'local-behind-nat-remote-open', local: natSide, remote: 'host' };
  }
  if (local === 'endpoint-independent' && remote === 'endpoint-independent') {
    return { kind: 'direct', reason: 'hole-punched', local: 'srflx', remote: 'srflx' };
  }
  return undefined;
}

function blockedReason(local: NatType, remote: NatType): string {
  if (local === 'udp-blocked' || remote === 'udp-blocked') return 'udp-blocked';
  if (local === 'symmetric' && remote === 'symmetric') return 'symmetric-nat-both-sides';
  return 'symmetric-nat-one-side';
}
