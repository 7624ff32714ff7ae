import { describe, expect, it } from 'vitest';
import { overallQuality } from './quality.js';

describe('overallQuality', () => {
  it('is lost with nothing online and nothing live, poor when online but unmeasured', () => {
    expect(overallQuality({ online: false, samples: [] })).toBe('lost');
    expect(overallQuality({ online: true, samples: [] })).toBe('poor');
  });

  it('rates each live path on its own RTT: a fast direct connection is excellent without any tunnel', () => {
    expect(overallQuality({ online: true, samples: [{ path: 'direct', rttMs: 2 }] })).toBe('excellent');
    expect(overallQuality({ online: true, samples: [{ path: 'relay', rttMs: 2 }] })).toBe('good');
  });

  it('established connections count even while signaling is down', () => {
    expect(overallQuality({ online: false, samples: [{ path: 'direct', rttMs: 2 }] })).toBe('excellent');
  });

  it('reports the worst live path', () => {
    expect(overallQuality({ online: true, samples: [{ path: 'direct', rttMs: 2 }, { path: 'tunnel', rttMs: 5 }] })).toBe('good');
    expect(overallQuality({ online: true, samples: [{ path: 'direct', rttMs: 2 }, { path: 'direct', rttMs: 400 }] })).toBe('poor');
    expect(overallQuality({ online: true, samples: [{ path: 'direct', rttMs: 2, lossFraction: 0.05 }] })).toBe('poor');
    expect(overallQuality({ online: true, samples: [{ path: 'direct', rttMs: 2 }, { path: 'direct', rttMs: undefined }] })).toBe('poor');
  });
});
