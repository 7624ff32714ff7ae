import { describe, expect, it } from 'vitest';
import { diagnose, mappingBehaviour, type ProbeResults } from './report.js';

const at = (address: string, port: number) => ({ family: 'IPv4' as const, address, port });
const reachable = { url: 'http://gw/healthz', reachable: true, status: 200 };
const base: ProbeResults = {
  localAddresses: ['100.64.3.2'],
  mapping: [
    { server: 's1', mapped: at('203.0.113.31', 40000) },
    { server: 's2', mapped: at('203.0.113.31', 40000) },
  ],
  turnUdp: { server: 's1', outcome: 'auth-required' },
  turnTcp: { server: 's1', outcome: 'auth-required' },
  http: reachable,
  tunnel: { ...reachable, status: 401 },
};

describe('doctor diagnosis', () => {
  it('same mapped address toward two servers is endpoint-independent: direct', () => {
    expect(diagnose(base)).toMatchObject({ mapping: 'endpoint-independent', path: 'direct', reason: 'endpoint-independent-mapping', publicAddress: at('203.0.113.31', 40000) });
  });

  it('a mapped address that is local means no NAT', () => {
    expect(diagnose({ ...base, localAddresses: ['203.0.113.31'] })).toMatchObject({ mapping: 'no-nat', path: 'direct', reason: 'public-address' });
  });

  it('a different port toward the second server is a symmetric NAT: relay when TURN answers', () => {
    const probes = { ...base, mapping: [base.mapping[0]!, { server: 's2', mapped: at('203.0.113.31', 40001) }] };
    expect(diagnose(probes)).toMatchObject({ mapping: 'address-and-port-dependent', path: 'relay', reason: 'symmetric-nat' });
    const noTurn = { ...probes, turnUdp: { server: 's1', outcome: 'unreachable' as const }, turnTcp: { server: 's1', outcome: 'unreachable' as const } };
    expect(diagnose(noTurn)).toMatchObject({ path: 'tunnel', reason: 'symmetric-nat-no-turn' });
  });

  it('one answering server leaves the mapping unknown', () => {
    expect(mappingBehaviour({ ...base, mapping: [base.mapping[0]!, { server: 's2', error: 'DOCTOR_TIMEOUT' }] })).toBe('unknown');
  });

  it('UDP blocked: TURN over TCP gives relay, else the tunnel, else nothing', () => {
    const blocked = { ...base, mapping: [{ server: 's1', error: 'DOCTOR_TIMEOUT' as const }], turnUdp: { server: 's1', outcome: 'unreachable' as const } };
    expect(diagnose(blocked)).toMatchObject({ mapping: 'udp-blocked', path: 'relay', reason: 'udp-blocked-turn-tcp' });
    const webOnly = { ...blocked, turnTcp: { server: 's1', outcome: 'unreachable' as const } };
    expect(diagnose(webOnly)).toMatchObject({ path: 'tunnel', reason: 'udp-and-turn-blocked' });
    expect(diagnose({ ...webOnly, tunnel: { url: 'x', reachable: false, error: 'DOCTOR_TIMEOUT' } })).toMatchObject({ path: 'none', reason: 'gateway-unreachable' });
  });

  it('a refused TURN request does not count as a working relay', () => {
    const probes = {
      ...base,
      mapping: [base.mapping[0]!, { server: 's2', mapped: at('203.0.113.31', 40001) }],
      turnUdp: { server: 's1', outcome: 'refused' as const },
      turnTcp: { server: 's1', outcome: 'refused' as const },
    };
    expect(diagnose(probes).path).toBe('tunnel');
  });
});
