import { describe, expect, it } from 'vitest';
import { PeerAddressFilter, parseCidr } from './address-filter.js';
import { formatIpAddress, normaliseIpAddress, parseIpAddress } from './ip-address.js';

const deny = new PeerAddressFilter();

function reason(filter: PeerAddressFilter, ip: string): string {
  const verdict = filter.checkIp(ip);
  return verdict.allowed ? 'allowed' : verdict.reason;
}

describe('ip parsing', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['2001:db8::8:800:200c:417a', '2001:db8:0:0:8:800:200c:417a'],
    ['::ffff:10.1.2.3', '0:0:0:0:0:ffff:a01:203'],
    ['FE80::1', 'fe80:0:0:0:0:0:0:1'],
  ])('parses %s', (text, formatted) => {
    const ip = parseIpAddress(text);
    expect(ip && formatIpAddress(ip)).toBe(formatted);
  });

  it.each(['010.0.0.1', '1.2.3', '1.2.3.256', '1.2.3.4.5', ':::', '1::2::3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '12345::', '', 'g::1', '1:2:3:4:5:6:7::8'])(
    'rejects %j',
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
    },
  );
});

describe('normalisation of IPv6 forms embedding IPv4', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::127.0.0.1', '127.0.0.1'],
    ['::a00:1', '10.0.0.1'],
    ['2002:c0a8:0101::1', '192.168.1.1'],
    ['2002:7f00:1:5::', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::10.0.0.5', '10.0.0.5'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', '127.0.0.1'],
  ])('%s → %s', (text, v4) => {
    const ip = parseIpAddress(text)!;
    expect(formatIpAddress(normaliseIpAddress(ip))).toBe(v4);
  });

  it('keeps :: and ::1 as IPv6', () => {
    expect(normaliseIpAddress(parseIpAddress('::')!).family).toBe('IPv6');
    expect(normaliseIpAddress(parseIpAddress('::1')!).family).toBe('IPv6');
  });
});

describe('PeerAddressFilter defaults (deny list of issue 3)', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared-address-space'],
    ['100.127.255.255', 'shared-address-space'],
    ['fc00::1', 'unique-local'],
    ['fdff::1', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    ['not-an-ip', 'malformed'],
  ])('%s is denied as %s', (ip, why) => {
    expect(reason(deny, ip)).toBe(why);
  });

  it.each(['8.8.8.8', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '2606:4700::1111', '::ffff:1.1.1.1', '2002:0808:0808::1', '64:ff9b::8.8.4.4', '203.0.113.7', '223.255.255.255', '254.0.0.1'])(
    '%s is allowed',
    (ip) => {
      expect(reason(deny, ip)).toBe('allowed');
    },
  );
});

describe('PeerAddressFilter allow-list', () => {
  const lan = new PeerAddressFilter({ allowPeers: ['127.0.0.1/32', '10.0.0.0/8', '::1/128', '0.0.0.0/0'] });

  it('opens denied ranges, also through normalised forms', () => {
    expect(reason(lan, '127.0.0.1')).toBe('allowed');
    expect(reason(lan, '::ffff:127.0.0.1')).toBe('allowed');
    expect(reason(lan, '10.9.9.9')).toBe('allowed');
    expect(reason(lan, '::1')).toBe('allowed');
    expect(reason(lan, '192.168.1.1')).toBe('allowed');
  });

  it('never opens 0.0.0.0/8 or ::', () => {
    expect(reason(lan, '0.0.0.0')).toBe('unspecified');
    expect(reason(lan, '0.255.0.1')).toBe('unspecified');
    expect(reason(lan, '::ffff:0.0.0.0')).toBe('unspecified');
    expect(reason(new PeerAddressFilter({ allowPeers: ['::/0'] }), '::')).toBe('unspecified');
  });

  it('keeps other loopback addresses closed when only one is allowed', () => {
    const one = new PeerAddressFilter({ allowPeers: ['127.0.0.1/32'] });
    expect(reason(one, '127.0.0.2')).toBe('loopback');
  });

  it('accepts IPv4-mapped CIDRs as IPv4', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual(parseCidr('10.0.0.0/8'));
  });

  it('rejects malformed CIDRs at construction', () => {
    expect(() => new PeerAddressFilter({ allowPeers: ['10.0.0.0/33'] })).toThrow(/invalid CIDR/);
    expect(() => new PeerAddressFilter({ allowPeers: ['10.0.0/8'] })).toThrow(/invalid CIDR/);
  });
});

describe('PeerAddressFilter own transport addresses', () => {
  const filter = new PeerAddressFilter({
    allowPeers: ['127.0.0.1/32'],
    own: { relayIps: ['127.0.0.1', '203.0.113.5'], relayPorts: { min: 50000, max: 50010 }, listeners: [{ ip: '127.0.0.1', port: 3478 }] },
  });

  it('marks our relay ports own-relay (delivered internally, never sent) and refuses our listeners, even when allow-listed', () => {
    expect(filter.checkTransportAddress('127.0.0.1', 50005)).toEqual({ allowed: false, reason: 'own-relay' });
    expect(filter.checkTransportAddress('203.0.113.5', 50000)).toEqual({ allowed: false, reason: 'own-relay' });
    expect(filter.checkTransportAddress('::ffff:203.0.113.5', 50010)).toEqual({ allowed: false, reason: 'own-relay' });
    expect(filter.checkTransportAddress('127.0.0.1', 3478)).toEqual({ allowed: false, reason: 'own-address' });
  });

  it('allows other ports on the same IP', () => {
    expect(filter.checkTransportAddress('127.0.0.1', 3480).allowed).toBe(true);
    expect(filter.checkTransportAddress('203.0.113.5', 50011).allowed).toBe(true);
  });
});
