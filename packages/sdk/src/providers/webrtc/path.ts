/// <reference lib="dom" />
/** The path a peer connection uses, from its selected ICE candidate pair (`getStats()`). */
import type { CandidateType, PathInfo } from '../../contract/types.js';

const TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];

interface StatsEntry {
  readonly id?: string;
  readonly type?: string;
  readonly state?: string;
  readonly nominated?: boolean;
  readonly selected?: boolean;
  readonly selectedCandidatePairId?: string;
  readonly localCandidateId?: string;
  readonly remoteCandidateId?: string;
  readonly candidateType?: string;
}

/**
 * A relay candidate on either end → `relay` (`turn-relay`, `peer-turn-relay`
 * when only the remote end is relayed, or `relay-only-policy` when forced);
 * otherwise `direct` (reason `ice-<local>-<remote>`): the media crosses a TURN
 * server whenever either side sends through one.
 * Undefined when no pair is selected yet.
 */
export async function selectedPath(pc: RTCPeerConnection, relayOnly: boolean): Promise<PathInfo | undefined> {
  const report = await pc.getStats();
  const entries = new Map<string, StatsEntry>();
  report.forEach((value: StatsEntry, key: string) => entries.set(key, value));
  let pair: StatsEntry | undefined;
  for (const entry of entries.values()) {
    if (entry.type === 'transport' && entry.selectedCandidatePairId !== undefined) pair = entries.get(entry.selectedCandidatePairId);
  }
  if (pair === undefined) {
    for (const entry of entries.values()) {
      if (entry.type === 'candidate-pair' && (entry.selected === true || (entry.nominated === true && entry.state === 'succeeded'))) pair = entry;
    }
  }
  if (pair === undefined) return undefined;
  const local = candidateType(entries.get(pair.localCandidateId ?? '')?.candidateType);
  const remote = candidateType(entries.get(pair.remoteCandidateId ?? '')?.candidateType);
  if (local === undefined) return undefined;
  const types = remote === undefined ? { local } : { local, remote };
  if (local === 'relay') return { kind: 'relay', reason: relayOnly ? 'relay-only-policy' : 'turn-relay', ...types };
  if (remote === 'relay') return { kind: 'relay', reason: 'peer-turn-relay', ...types };
  return { kind: 'direct', reason: `ice-${local}-${remote ?? 'unknown'}`, ...types };
}

function candidateType(value: string | undefined): CandidateType | undefined {
  const lower = value?.toLowerCase();
  return TYPES.find((t) => t === lower);
}
