/**
 * Connection statistics from `RTCPeerConnection.getStats()`, summarised.
 * Pure functions over plain stats objects, so they run (and are tested)
 * without a browser.
 *
 * The selected candidate pair is the transport's `selectedCandidatePairId`
 * (W3C webrtc-stats §7.11), falling back to a `nominated` pair in state
 * `succeeded` for browsers that omit it.
 */

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
/** `direct`: both ends of the selected pair are host/srflx/prflx; `relayed`: one end is a TURN relay. */
export type MediaPath = 'direct' | 'relayed' | 'unknown';
export type ConnectionQuality = 'good' | 'fair' | 'poor' | 'unknown';

export interface MediaStatsSummary {
  readonly localCandidateType: CandidateType | null;
  readonly remoteCandidateType: CandidateType | null;
  /** Current round-trip time of the selected pair, in ms. */
  readonly rttMs: number | null;
  /** Packets lost on everything received (sum over inbound RTP streams). */
  readonly packetsLost: number | null;
  /** Packets received (sum over inbound RTP streams); with `packetsLost` gives the loss ratio. */
  readonly packetsReceived: number | null;
  readonly bytesSent: number | null;
  readonly bytesReceived: number | null;
  /** Video frames decoded from the remote side (sum over inbound video streams). */
  readonly framesDecoded: number;
  readonly path: MediaPath;
}

/** Thresholds of {@link classifyQuality}. */
export interface QualityThresholds {
  /** RTT at or below which (and loss at or below `goodLossRatio`) the link is good. Default 150 ms. */
  readonly goodRttMs: number;
  /** Loss ratio at or below which the link may be good. Default 0.02. */
  readonly goodLossRatio: number;
  /** RTT above which the link is poor. Default 400 ms. */
  readonly poorRttMs: number;
  /** Loss ratio above which the link is poor. Default 0.08. */
  readonly poorLossRatio: number;
}

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  goodRttMs: 150,
  goodLossRatio: 0.02,
  poorRttMs: 400,
  poorLossRatio: 0.08,
};

type StatsEntry = Readonly<Record<string, unknown>>;

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

function str(entry: StatsEntry | undefined, key: string): string | null {
  const value = entry?.[key];
  return typeof value === 'string' ? value : null;
}

function num(entry: StatsEntry | undefined, key: string): number | null {
  const value = entry?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function candidateType(entry: StatsEntry | undefined): CandidateType | null {
  const type = str(entry, 'candidateType');
  return type !== null && CANDIDATE_TYPES.includes(type) ? (type as CandidateType) : null;
}

function addOptional(total: number | null, value: number | null): number | null {
  if (value === null) return total;
  return (total ?? 0) + value;
}

/** The path a selected pair takes, from its two candidate types. */
export function pathOf(local: CandidateType | null, remote: CandidateType | null): MediaPath {
  if (local === null || remote === null) return 'unknown';
  return local === 'relay' || remote === 'relay' ? 'relayed' : 'direct';
}

/** Summarises one `RTCStatsReport` (pass `report.values()`, or any iterable of stats objects). */
export function summarizeStats(entries: Iterable<StatsEntry>): MediaStatsSummary {
  const byId = new Map<string, StatsEntry>();
  const all: StatsEntry[] = [];
  for (const entry of entries) {
    all.push(entry);
    const id = str(entry, 'id');
    if (id !== null) byId.set(id, entry);
  }
  let pair: StatsEntry | undefined;
  for (const entry of all) {
    if (str(entry, 'type') !== 'transport') continue;
    const selected = str(entry, 'selectedCandidatePairId');
    if (selected !== null) pair = byId.get(selected);
  }
  pair ??= all.find(
    (e) => str(e, 'type') === 'candidate-pair' && e.nominated === true && str(e, 'state') === 'succeeded',
  );
  const local = candidateType(byId.get(str(pair, 'localCandidateId') ?? ''));
  const remote = candidateType(byId.get(str(pair, 'remoteCandidateId') ?? ''));
  const rtt = num(pair, 'currentRoundTripTime');

  let packetsLost: number | null = null;
  let packetsReceived: number | null = null;
  let framesDecoded = 0;
  for (const entry of all) {
    if (str(entry, 'type') !== 'inbound-rtp') continue;
    packetsLost = addOptional(packetsLost, num(entry, 'packetsLost'));
    packetsReceived = addOptional(packetsReceived, num(entry, 'packetsReceived'));
    if (str(entry, 'kind') === 'video') framesDecoded += num(entry, 'framesDecoded') ?? 0;
  }
  return {
    localCandidateType: local,
    remoteCandidateType: remote,
    rttMs: rtt === null ? null : Math.round(rtt * 1000),
    packetsLost,
    packetsReceived,
    bytesSent: num(pair, 'bytesSent'),
    bytesReceived: num(pair, 'bytesReceived'),
    framesDecoded,
    path: pathOf(local, remote),
  };
}

/**
 * Link quality from RTT and loss ratio: good when both are low, poor when
 * either is high, fair in between, unknown without an RTT.
 */
export function classifyQuality(
  summary: Pick<MediaStatsSummary, 'rttMs' | 'packetsLost' | 'packetsReceived'>,
  thresholds: QualityThresholds = DEFAULT_QUALITY_THRESHOLDS,
): ConnectionQuality {
  if (summary.rttMs === null) return 'unknown';
  const lost = Math.max(0, summary.packetsLost ?? 0);
  const received = summary.packetsReceived ?? 0;
  const loss = lost + received === 0 ? 0 : lost / (lost + received);
  if (summary.rttMs > thresholds.poorRttMs || loss > thresholds.poorLossRatio) return 'poor';
  if (summary.rttMs <= thresholds.goodRttMs && loss <= thresholds.goodLossRatio) return 'good';
  return 'fair';
}

/** What a connection badge shows: the media path and the link quality. */
export interface ConnectionBadge {
  readonly path: MediaPath;
  readonly quality: ConnectionQuality;
  readonly rttMs: number | null;
}

export const UNKNOWN_BADGE: ConnectionBadge = { path: 'unknown', quality: 'unknown', rttMs: null };

export function badgeOf(summary: MediaStatsSummary, thresholds?: QualityThresholds): ConnectionBadge {
  return { path: summary.path, quality: classifyQuality(summary, thresholds), rttMs: summary.rttMs };
}

/**
 * The badge for a whole call: the worst path (relayed beats direct when any
 * peer is relayed) and the worst quality over all peers.
 */
export function combineBadges(badges: readonly ConnectionBadge[]): ConnectionBadge {
  if (badges.length === 0) return UNKNOWN_BADGE;
  const qualityRank: Record<ConnectionQuality, number> = { unknown: 0, good: 1, fair: 2, poor: 3 };
  const pathRank: Record<MediaPath, number> = { unknown: 0, direct: 1, relayed: 2 };
  let worst = badges[0] ?? UNKNOWN_BADGE;
  let path = worst.path;
  for (const badge of badges) {
    if (qualityRank[badge.quality] > qualityRank[worst.quality]) worst = badge;
    if (pathRank[badge.path] > pathRank[path]) path = badge.path;
  }
  return { path, quality: worst.quality, rttMs: worst.rttMs };
}
