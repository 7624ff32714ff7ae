import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_TYPES, type CandidateParseResult, type CandidateType, isHostname, isIPv4, isIPv6, parseCandidate } from './candidate.js';
import { isCandidate } from './candidate-scan.js';
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

// The readable parser as first written (split, regex, destructuring): the reference the hot-path version must match.
const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/; // 1*32ice-char
const DIGITS = /^\d{1,10}$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 8866 token
const BYTE_STRING = /^[\x21-\x7e\x80-\uffff]+$/; // no SP, controls
const MAX_PRIORITY = 2 ** 32 - 1;

function referenceIsIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isAddress(text: string): boolean {
  return referenceIsIPv4(text) || isIPv6(text) || isHostname(text);
}

function parsePort(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65_535 ? port : null;
}

function fail(message: string): CandidateParseResult {
  return { ok: false, message };
}

/** Parses one `candidate:` line; never throws. */
function referenceParseCandidate(line: string): CandidateParseResult {
  if (line.length > MAX_CANDIDATE_LENGTH) return fail(`candidate longer than ${MAX_CANDIDATE_LENGTH} characters`);
  if (!line.startsWith('candidate:')) return fail('candidate must start with "candidate:"');
  const fields = line.slice('candidate:'.length).split(' ');
  if (fields.some((f) => f === '')) return fail('candidate fields must be separated by single spaces');
  const [foundation, component, transport, priority, address, port, typ, type, ...rest] = fields;
  if (foundation === undefined || !FOUNDATION.test(foundation)) return fail('bad foundation');
  if (component === undefined || !/^\d{1,3}$/.test(component) || Number(component) < 1 || Number(component) > 256) {
    return fail('bad component id');
  }
  const transportLower = transport?.toLowerCase();
  if (transportLower !== 'udp' && transportLower !== 'tcp') return fail('transport must be UDP or TCP');
  if (priority === undefined || !DIGITS.test(priority) || Number(priority) < 1 || Number(priority) > MAX_PRIORITY) {
    return fail('bad priority');
  }
  if (address === undefined || !isAddress(address)) return fail('bad connection address');
  const portNumber = parsePort(port);
  if (portNumber === null) return fail('bad port');
  if (typ !== 'typ') return fail('missing "typ"');
  if (!CANDIDATE_TYPES.includes(type as CandidateType)) return fail('candidate type must be host, srflx, prflx or relay');
  let relatedAddress: string | null = null;
  let relatedPort: number | null = null;
  let i = 0;
  if (rest[i] === 'raddr') {
    const value = rest[i + 1];
    if (value === undefined || !isAddress(value)) return fail('bad raddr');
    relatedAddress = value;
    i += 2;
  }
  if (rest[i] === 'rport') {
    relatedPort = parsePort(rest[i + 1]);
    if (relatedPort === null) return fail('bad rport');
    i += 2;
  }
  const extensions: (readonly [string, string])[] = [];
  for (; i < rest.length; i += 2) {
    const name = rest[i] ?? '';
    const value = rest[i + 1];
    if (!TOKEN.test(name) || name === 'raddr' || name === 'rport') return fail(`bad extension name "${name}"`);
    if (value === undefined || !BYTE_STRING.test(value)) return fail(`extension "${name}" has no value`);
    extensions.push([name, value]);
  }
  return {
    ok: true,
    candidate: {
      foundation,
      componentId: Number(component),
      transport: transportLower,
      priority: Number(priority),
      address,
      port: portNumber,
      type: type as CandidateType,
      relatedAddress,
      relatedPort,
      extensions,
    },
  };
}

describe('parseCandidate matches the reference parser', () => {
  const mutated = fc.oneof(
    fc.constantFrom(...GOOD_CANDIDATES),
    fc.tuple(fc.constantFrom(...GOOD_CANDIDATES), fc.nat(), fc.string({ maxLength: 12 })).map(([line, at, text]) => {
      const fields = line.split(' ');
      fields[at % fields.length] = text;
      return fields.join(' ');
    }),
    fc.tuple(fc.constantFrom(...GOOD_CANDIDATES), fc.nat(), fc.nat(), fc.constantFrom(' ', '.', ':', '0', '9', '256', '')).map(
      ([line, from, length, text]) => line.slice(0, from % line.length) + text + line.slice((from % line.length) + (length % 6)),
    ),
    fc.string().map((s) => `candidate:${s}`),
  );

  it('on real, mutated and random lines: same result, same message', () => {
    fc.assert(fc.property(mutated, (line) => {
        expect(parseCandidate(line)).toEqual(referenceParseCandidate(line));
      }), { numRuns: 10_000 });
  });

  it('isCandidate decides exactly as the parser on real, mutated and random lines', () => {
    fc.assert(fc.property(fc.oneof(mutated, fc.string({ maxLength: 40 })), (line) => {
        expect(isCandidate(line)).toBe(referenceParseCandidate(line).ok);
      }), { numRuns: 20_000 });
  });

  it('isCandidate on the edges the scanner handles itself', () => {
    const good = GOOD_CANDIDATES[1] ?? '';
    const cases = [
      'candidate:', 'candidate: 1 1 udp 1 192.0.2.1 1 typ host', `${good} `, good.replace(' typ', '  typ'),
      'candidate:1 1 UdP 1 192.0.2.1 1 typ host', 'candidate:1 1 udq 1 192.0.2.1 1 typ host',
      'candidate:1 0 udp 1 192.0.2.1 1 typ host', 'candidate:1 257 udp 1 192.0.2.1 1 typ host', 'candidate:1 256 udp 4294967295 192.0.2.1 65535 typ host',
      'candidate:1 1 udp 4294967296 192.0.2.1 1 typ host', 'candidate:1 1 udp 1 192.0.2.1 65536 typ host', 'candidate:1 1 udp 1 192.0.2.1 1 typ HOST',
      'candidate:1 1 udp 1 192.0.2.1 1 typ host rport 9 raddr 192.0.2.2', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation',
      'candidate:1 1 udp 1 192.0.2.1 1 typ host na\u0000me 1', 'candidate:1 1 udp 1 192.0.2.1 1 typ host x v\u007f',
      `candidate:${'a'.repeat(32)} 1 udp 1 192.0.2.1 1 typ host`, `candidate:${'a'.repeat(33)} 1 udp 1 192.0.2.1 1 typ host`,
      `${good} x ${'y'.repeat(MAX_CANDIDATE_LENGTH)}`,
    ];
    for (const line of cases) expect(isCandidate(line), line).toBe(referenceParseCandidate(line).ok);
    expect(cases.filter((line) => isCandidate(line)).length).toBeGreaterThan(1);
  });

  it('isIPv4 on dotted strings', () => {
    const part = fc.oneof(fc.nat({ max: 300 }).map(String), fc.constantFrom('', '00', '000', '0000', '255', '256', 'a', '1 ', '-1', '٣'));
    const dotted = fc.array(part, { minLength: 0, maxLength: 6 }).map((parts) => parts.join('.'));
    fc.assert(fc.property(fc.oneof(dotted, fc.string()), (text) => {
        expect(isIPv4(text)).toBe(referenceIsIPv4(text));
      }), { numRuns: 10_000 });
  });
});
