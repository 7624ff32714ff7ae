import { describe, expect, it } from 'vitest';
import { isRelayCandidate, turnHosts } from './direct-upgrade.js';

describe('direct-only attempt helpers', () => {
  it('turnHosts: the host of every turn:/turns: URL, not of stun: URLs', () => {
    const hosts = turnHosts([
      { urls: 'stun:198.51.100.1:3478' },
      { urls: ['turn:198.51.100.2:3478?transport=udp', 'turns:relay.example:5349?transport=tcp'], username: 'u', credential: 'c' },
      { urls: 'turn:[2001:db8::1]:3478' },
    ]);
    expect([...hosts].sort()).toEqual(['198.51.100.2', '2001:db8::1', 'relay.example']);
  });

  it('isRelayCandidate: only `typ relay` (RFC 8839 §5.1), with or without the a= prefix', () => {
    expect(isRelayCandidate('candidate:4 1 UDP 1047807 198.51.100.2 47362 typ relay raddr 0.0.0.0 rport 0')).toBe(true);
    expect(isRelayCandidate('a=candidate:4 1 UDP 1047807 198.51.100.2 47362 typ relay')).toBe(true);
    expect(isRelayCandidate('candidate:1 1 UDP 2114977791 192.0.2.2 33738 typ host')).toBe(false);
    expect(isRelayCandidate('candidate:2 1 UDP 1686052607 203.0.113.9 40000 typ srflx raddr 100.64.1.2 rport 40000')).toBe(false);
    expect(isRelayCandidate(undefined)).toBe(false);
  });
});
