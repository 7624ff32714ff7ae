import { describe, expect, it } from 'vitest';
import { badgeOf, classifyQuality, combineBadges, summarizeStats, UNKNOWN_BADGE } from './stats.js';
import { toReport } from './stats-reporter.js';

// Shapes as Chromium reports them (trimmed): transport → selected pair → candidates, inbound RTP.
const chromiumReport = [
  { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPa_b' },
  { id: 'CPx_y', type: 'candidate-pair', localCandidateId: 'Ix', remoteCandidateId: 'Iy', state: 'failed', nominated: false },
  {
    id: 'CPa_b',
    type: 'candidate-pair',
    localCandidateId: 'Ia',
    remoteCandidateId: 'Ib',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.012,
    bytesSent: 50_000,
    bytesReceived: 48_000,
  },
  { id: 'Ia', type: 'local-candidate', candidateType: 'host', protocol: 'udp' },
  { id: 'Ib', type: 'remote-candidate', candidateType: 'srflx', protocol: 'udp' },
  { id: 'Ix', type: 'local-candidate', candidateType: 'relay' },
  { id: 'Iy', type: 'remote-candidate', candidateType: 'relay' },
  { id: 'IT01V', type: 'inbound-rtp', kind: 'video', packetsLost: 3, packetsReceived: 997, framesDecoded: 120 },
  { id: 'IT01A', type: 'inbound-rtp', kind: 'audio', packetsLost: 0, packetsReceived: 500 },
];

describe('summarizeStats', () => {
  it('follows the transport to the selected pair and its candidates', () => {
    expect(summarizeStats(chromiumReport)).toEqual({
      localCandidateType: 'host',
      remoteCandidateType: 'srflx',
      rttMs: 12,
      packetsLost: 3,
      packetsReceived: 1497,
      bytesSent: 50_000,
      bytesReceived: 48_000,
      framesDecoded: 120,
      path: 'direct',
    });
  });

  it('falls back to the nominated succeeded pair, and says relayed when one end is a relay', () => {
    const report = [
      { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', nominated: true, state: 'succeeded' },
      { id: 'L', type: 'local-candidate', candidateType: 'relay' },
      { id: 'R', type: 'remote-candidate', candidateType: 'host' },
    ];
    expect(summarizeStats(report)).toMatchObject({ localCandidateType: 'relay', remoteCandidateType: 'host', path: 'relayed', rttMs: null });
  });

  it('tolerates an empty or malformed report', () => {
    expect(summarizeStats([])).toMatchObject({ path: 'unknown', framesDecoded: 0, packetsLost: null, rttMs: null });
    const junk = [{ id: 5, type: 'transport', selectedCandidatePairId: 'nope' }, { type: 'inbound-rtp', kind: 'video', framesDecoded: 'x' }];
    expect(summarizeStats(junk)).toMatchObject({ path: 'unknown', framesDecoded: 0 });
    expect(summarizeStats([{ id: 'L', type: 'local-candidate', candidateType: 'bogus' }]).localCandidateType).toBeNull();
  });
});

describe('quality and badges', () => {
  it('grades RTT and loss against the documented thresholds', () => {
    expect(classifyQuality({ rttMs: null, packetsLost: 0, packetsReceived: 0 })).toBe('unknown');
    expect(classifyQuality({ rttMs: 150, packetsLost: 2, packetsReceived: 98 })).toBe('good');
    expect(classifyQuality({ rttMs: 151, packetsLost: 0, packetsReceived: 100 })).toBe('fair');
    expect(classifyQuality({ rttMs: 20, packetsLost: 3, packetsReceived: 97 })).toBe('fair');
    expect(classifyQuality({ rttMs: 401, packetsLost: 0, packetsReceived: 100 })).toBe('poor');
    expect(classifyQuality({ rttMs: 20, packetsLost: 9, packetsReceived: 91 })).toBe('poor');
  });

  it('combines per-peer badges into the worst path and quality', () => {
    const good = badgeOf(summarizeStats(chromiumReport));
    expect(good).toEqual({ path: 'direct', quality: 'good', rttMs: 12 });
    const poorRelayed = { path: 'relayed', quality: 'poor', rttMs: 500 } as const;
    expect(combineBadges([good, poorRelayed])).toEqual({ path: 'relayed', quality: 'poor', rttMs: 500 });
    expect(combineBadges([])).toBe(UNKNOWN_BADGE);
  });

  it('reports the first selected pair and sums byte counters over peers', () => {
    const a = summarizeStats(chromiumReport);
    const b = { ...a, localCandidateType: null, remoteCandidateType: null, bytesSent: 10, bytesReceived: null, packetsLost: -1 };
    expect(toReport(new Map([['u2', b], ['u3', a]]))).toEqual({
      localCandidateType: 'host',
      remoteCandidateType: 'srflx',
      rttMs: 12,
      packetsLost: 3,
      bytesSent: 50_010,
      bytesReceived: 48_000,
    });
    expect(toReport(new Map())).toBeNull();
  });
});
