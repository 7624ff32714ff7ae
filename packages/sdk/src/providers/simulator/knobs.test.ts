import { describe, expect, it } from 'vitest';
import { DEFAULT_LINK_KNOBS, readSimulatorEnv, resolveKnobs, SimulatorConfigError } from './knobs.js';
import { NAT_TYPES, selectPath, type NatType } from './nat.js';
import { SimulatorNetwork } from './network.js';

describe('SIMULATOR_P2P_* environment', () => {
  it('reads every variable', () => {
    expect(
      readSimulatorEnv({
        SIMULATOR_P2P_LATENCY_MS: '35',
        SIMULATOR_P2P_JITTER_MS: '4.5',
        SIMULATOR_P2P_PACKET_LOSS: '0.02',
        SIMULATOR_P2P_FAILURE_RATE: '0',
        SIMULATOR_P2P_BANDWIDTH_KBPS: '1000',
        SIMULATOR_P2P_SEED: '42',
      }),
    ).toEqual({ knobs: { latencyMs: 35, jitterMs: 4.5, packetLoss: 0.02, failureRate: 0, bandwidthKbps: 1000 }, seed: 42 });
    expect(readSimulatorEnv({ SIMULATOR_P2P_LATENCY_MS: '' })).toEqual({ knobs: {}, seed: undefined });
  });

  it.each([
    ['SIMULATOR_P2P_PACKET_LOSS', '1.5', 'SIMULATOR_P2P_PACKET_LOSS must be a number in [0, 1], got "1.5"'],
    ['SIMULATOR_P2P_LATENCY_MS', 'fast', 'SIMULATOR_P2P_LATENCY_MS must be a number in [0, 60000], got "fast"'],
    ['SIMULATOR_P2P_SEED', '1.5', 'SIMULATOR_P2P_SEED must be an integer in [0, 4294967295], got "1.5"'],
    ['SIMULATOR_P2P_BANDWIDTH_KBPS', '-1', 'SIMULATOR_P2P_BANDWIDTH_KBPS must be a number in [0, 10000000], got "-1"'],
  ])('rejects %s=%s with a clear error', (name, value, message) => {
    expect(() => readSimulatorEnv({ [name]: value })).toThrow(new SimulatorConfigError(message));
  });

  it('applies env defaults to a network; explicit options win', () => {
    const env = { SIMULATOR_P2P_LATENCY_MS: '50', SIMULATOR_P2P_SEED: '9' };
    const net = new SimulatorNetwork({ env, defaults: { jitterMs: 3 } });
    expect(net.defaults).toEqual({ ...DEFAULT_LINK_KNOBS, latencyMs: 50, jitterMs: 3 });
    expect(net.seed).toBe(9);
    expect(new SimulatorNetwork({ env, seed: 1 }).seed).toBe(1);
    expect(() => new SimulatorNetwork({ env: false, defaults: { packetLoss: 2 } })).toThrow(SimulatorConfigError);
  });

  it('validates per-link overrides', () => {
    expect(() => resolveKnobs(DEFAULT_LINK_KNOBS, { failureRate: Number.NaN })).toThrow(/failureRate/);
  });
});

describe('NAT path selection', () => {
  const expected: Record<NatType, Record<NatType, string>> = {
    open: { open: 'direct', 'endpoint-independent': 'direct', symmetric: 'direct', 'udp-blocked': 'relay' },
    'endpoint-independent': { open: 'direct', 'endpoint-independent': 'direct', symmetric: 'relay', 'udp-blocked': 'relay' },
    symmetric: { open: 'direct', 'endpoint-independent': 'relay', symmetric: 'relay', 'udp-blocked': 'relay' },
    'udp-blocked': { open: 'relay', 'endpoint-independent': 'relay', symmetric: 'relay', 'udp-blocked': 'relay' },
  };

  for (const a of NAT_TYPES) {
    for (const b of NAT_TYPES) {
      it(`${a} -> ${b}: ${expected[a][b]}`, () => {
        const withRelay = selectPath(a, b, true);
        expect(withRelay.ok && withRelay.path.kind).toBe(expected[a][b]);
        const withoutRelay = selectPath(a, b, false);
        expect(withoutRelay.ok).toBe(expected[a][b] === 'direct');
        if (!withoutRelay.ok) expect(withoutRelay.reason).toMatch(/-no-relay$/);
      });
    }
  }
});
