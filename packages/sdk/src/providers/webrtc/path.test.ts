import { describe, expect, it } from 'vitest';
import { selectedPath } from './path.js';

/** A stats report as `getStats()` returns it (the fields `selectedPath` reads), with the given selected pair. */
function pcWith(local: string, remote: string): RTCPeerConnection {
  const report = new Map<string, Record<string, unknown>>([
    ['T1', { type: 'transport', selectedCandidatePairId: 'P1' }],
    ['P1', { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', nominated: true }],
    ['L1', { type: 'local-candidate', candidateType: local }],
    ['R1', { type: 'remote-candidate', candidateType: remote }],
  ]);
  return { getStats: async () => report } as unknown as RTCPeerConnection;
}

describe('selectedPath', () => {
  it('is direct when neither end is relayed', async () => {
    expect(await selectedPath(pcWith('srflx', 'prflx'), false)).toEqual({ kind: 'direct', reason: 'ice-srflx-prflx', local: 'srflx', remote: 'prflx' });
  });

  it('is relay when our end is relayed, with the policy as reason', async () => {
    expect(await selectedPath(pcWith('relay', 'host'), false)).toMatchObject({ kind: 'relay', reason: 'turn-relay' });
    expect(await selectedPath(pcWith('relay', 'relay'), true)).toMatchObject({ kind: 'relay', reason: 'relay-only-policy' });
  });

  it('is relay when only the remote end is relayed (the bytes still cross a TURN server)', async () => {
    expect(await selectedPath(pcWith('host', 'relay'), false)).toEqual({ kind: 'relay', reason: 'peer-turn-relay', local: 'host', remote: 'relay' });
  });
});
