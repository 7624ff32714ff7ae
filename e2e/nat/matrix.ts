/**
 * The connectivity matrix, written down before it is measured (NAT theory,
 * RFC 4787 / RFC 5128 terms). Kinds are the testbed's router kinds:
 * open (public address), eim (endpoint-independent mapping, address-and-port-
 * dependent filtering), symmetric (address-and-port-dependent mapping),
 * double (EIM behind CGNAT EIM), webonly (no UDP, only TCP to the gateway's
 * HTTP port), lossy (eim + 1 % loss + rate limit + 50 ms RTT).
 */
import type { LikelyPath, MappingBehaviour, PathReason } from '@peerlink/sdk/doctor';
import type { ClientKind } from './testbed/index.js';

export type CellPath = 'direct' | 'relay' | 'tunnel' | 'fail';

/** What `peerlink doctor` must report behind each kind (smoke test). */
export const EXPECTED_DOCTOR: Record<ClientKind, { mapping: MappingBehaviour; path: LikelyPath; reason: PathReason }> = {
  open: { mapping: 'no-nat', path: 'direct', reason: 'public-address' },
  eim: { mapping: 'endpoint-independent', path: 'direct', reason: 'endpoint-independent-mapping' },
  symmetric: { mapping: 'address-and-port-dependent', path: 'relay', reason: 'symmetric-nat' },
  double: { mapping: 'endpoint-independent', path: 'direct', reason: 'endpoint-independent-mapping' },
  webonly: { mapping: 'udp-blocked', path: 'tunnel', reason: 'udp-and-turn-blocked' },
  lossy: { mapping: 'endpoint-independent', path: 'direct', reason: 'endpoint-independent-mapping' },
};

const EIM_LIKE: ReadonlySet<ClientKind> = new Set(['eim', 'double', 'lossy']);

/**
 * (a) WebRTC with STUN only. Direct when one side is public; when both map
 * endpoint-independently (simultaneous punching opens both port-dependent
 * filters); never with a symmetric side against a port-dependent filter
 * (its per-destination port is unknown to the peer, whose filter drops it).
 * Web-only has no UDP at all.
 */
export function expectStunOnly(a: ClientKind, b: ClientKind): CellPath {
  if (a === 'webonly' || b === 'webonly') return 'fail';
  if (a === 'open' || b === 'open') return 'direct';
  if (EIM_LIKE.has(a) && EIM_LIKE.has(b)) return 'direct';
  return 'fail';
}

/** (b) WebRTC with TURN: the relay fills every STUN-only gap except web-only (TURN's UDP and TCP ports are blocked there). */
export function expectWithTurn(a: ClientKind, b: ClientKind): CellPath {
  const direct = expectStunOnly(a, b);
  if (direct === 'direct') return 'direct';
  return a === 'webonly' || b === 'webonly' ? 'fail' : 'relay';
}

/** (c) Agent in hybrid mode + `peerlink connect`: as (b), and the gateway tunnel where WebRTC cannot go. */
export function expectHybrid(a: ClientKind, b: ClientKind): CellPath {
  const webrtc = expectWithTurn(a, b);
  return webrtc === 'fail' ? 'tunnel' : webrtc;
}

/**
 * (d) Chromium (browser side, dialling, STUN + TURN from the gateway) ↔ the
 * hybrid agent: as (b). A browser has no tunnel provider, so where WebRTC
 * cannot go the cell fails (web-only is left out of the subset for that).
 */
export function expectBrowser(agent: ClientKind, browser: ClientKind): CellPath {
  return expectWithTurn(agent, browser);
}

/** The NAT-theory reason behind a pair's STUN-only expectation (the doc's "why" column). */
export function theoryReason(a: ClientKind, b: ClientKind): string {
  if (a === 'webonly' || b === 'webonly') return 'web-only side: no UDP, TURN unreachable';
  if (a === 'open' || b === 'open') return 'one side has a public address';
  if (EIM_LIKE.has(a) && EIM_LIKE.has(b)) return 'both map endpoint-independently: simultaneous punching opens both filters';
  return 'symmetric mapping against a port-dependent filter: punching cannot meet';
}

/**
 * Whether a measured cell meets its written expectation.
 *
 * One measured exception, in (b) only: where a direct path exists (the same
 * pair connects directly in (a), which proves it), the ICE agent may still
 * nominate a relay pair. libjuice (node-datachannel's ICE agent) selects the
 * first pair whose check succeeds; once any pair has succeeded, the
 * controlling agent cuts every pending check to one more retransmission. When
 * the relay pair's check wins the race against a srflx pair that still needs
 * the peer's hole punch (or a host pair checked a little later), the relay pair
 * is nominated: measured on open↔open, open↔eim, eim↔eim, eim↔double and
 * double↔double at one cell at a time, in a few of the runs. That is ICE-agent
 * policy, not NAT behaviour, so the theory stays `direct` and the matrix
 * reports such a cell as `relay†`. (b) measures the raw ICE agent, so the
 * exception stays there; (c) does not use it: the hybrid client upgrades such
 * a connection to direct (`direct-upgrade.ts`) and must end up direct.
 */
export function meetsExpectation(mode: 'stun' | 'turn', expected: CellPath, measured: CellPath): boolean {
  if (measured === expected) return true;
  return mode === 'turn' && expected === 'direct' && measured === 'relay';
}

/** RTT the lossy kind's delay box adds (setup.sh: PL_NAT_DELAY_MS one way, default 25). */
export const TTC_ADDED_RTT_MS = 2 * Number(process.env.PL_NAT_DELAY_MS ?? 25);

/** The bound on time to connected (median over the direct pairs): 3 RTT + 300 ms. */
export function timeToConnectedBound(rttMs: number): number {
  return 3 * rttMs + 300;
}
