import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIPv6, parseCandidate } from './candidate.js';
import { GOOD_CANDIDATES } from './samples.js';
import { MAX_CANDIDATE_LENGTH } from './limits.js';

describe('parseCandidate', () => {
  it.each(GOOD_CANDIDATES)('accepts %s', (line) => {
    expect(parseCandidate(line).ok).toBe(true);
  });

  it('parses every field of a Chromium srflx candidate', () => {
    const result = parseCandidate(GOOD_CANDIDATES[1]!);
    expect(result).toEqual({
      ok: true,
      candidate: {
        foundation: '842163049',
        componentId: 1,
        transport: 'udp',
        priority: 1677729535,
        address: '203.0.113.7',
        port: 60123,
        type: 'srflx',
        relatedAddress: '0.0.0.0',
        relatedPort: 0,
        extensions: [
          ['generation', '0'],
          ['ufrag', 'EsAw'],
          ['network-id', '1'],
          ['network-cost', '10'],
        ],
      },
    });
  });

  const good = 'candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host';
  it.each([
    ['a= prefix', `a=${good}`, /start with "candidate:"/],
    ['no prefix', good.slice('candidate:'.length), /start with/],
    ['double space', good.replace(' udp', '  udp'), /single spaces/],
    ['long foundation', good.replace(':1 ', `:${'f'.repeat(33)} `), /foundation/],
    ['bad foundation char', good.replace(':1 ', ':a-b '), /foundation/],
    ['component 0', good.replace(' 1 udp', ' 0 udp'), /component/],
    ['transport sctp', good.replace('udp', 'sctp'), /transport/],
    ['priority 0', good.replace('2122260223', '0'), /priority/],
    ['priority > 2^32-1', good.replace('2122260223', '4294967296'), /priority/],
    ['address 999.1.1.1', good.replace('192.0.2.1', '999.1.1.1'), /address/],
    ['address with space-like junk', good.replace('192.0.2.1', 'evil_host!'), /address/],
    ['port 70000', good.replace('5000', '70000'), /port/],
    ['missing typ', good.replace('typ ', 'type '), /typ/],
    ['unknown type', good.replace('host', 'server'), /candidate type/],
    ['truncated', 'candidate:1 1 udp 2122260223 192.0.2.1', /port|typ/],
    ['bad raddr', good.replace('host', 'srflx raddr nope! rport 1'), /raddr/],
    ['bad rport', good.replace('host', 'srflx raddr 0.0.0.0 rport x'), /rport/],
    ['dangling extension', `${good} generation`, /no value/],
    ['overlong', `${good} x ${'y'.repeat(MAX_CANDIDATE_LENGTH)}`, /longer than/],
    ['control char', `${good} k v\n`, /no value|extension/],
  ])('rejects %s', (_name, line, message) => {
    const result = parseCandidate(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const result = parseCandidate(`candidate:${text}`);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('isIPv6', () => {
  it.each(['::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8'])('accepts %s', (a) =>
    expect(isIPv6(a)).toBe(true),
  );
  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::1', ':::', '1.2.3.4', '1:2:3:4:5:6:7'])('rejects %s', (a) =>
    expect(isIPv6(a)).toBe(false),
  );
});
