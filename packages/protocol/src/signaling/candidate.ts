/**
 * ICE candidate validation (RFC 8839 section 5.1 `candidate-attribute`,
 * RFC 6544 TCP candidates), in the form browsers hand out in
 * `RTCIceCandidate.candidate` (no `a=` prefix):
 *
 *   candidate:<foundation> <component-id> <transport> <priority>
 *     <connection-address> <port> typ <cand-type>
 *     [raddr <connection-address>] [rport <port>] *(<ext-name> <ext-value>)
 */
import { MAX_CANDIDATE_LENGTH } from './limits.js';

export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
export type CandidateType = (typeof CANDIDATE_TYPES)[number];

export const CANDIDATE_TRANSPORTS = ['udp', 'tcp'] as const;
export type CandidateTransport = (typeof CANDIDATE_TRANSPORTS)[number];

export interface ParsedCandidate {
  readonly foundation: string;
  readonly componentId: number;
  /** Lower-cased (browsers send `udp`, RFC 8839 examples `UDP`). */
  readonly transport: CandidateTransport;
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  readonly type: CandidateType;
  readonly relatedAddress: string | null;
  readonly relatedPort: number | null;
  /** Extension attributes in order, e.g. `['generation', '0']`, `['tcptype', 'passive']`. */
  readonly extensions: readonly (readonly [name: string, value: string])[];
}

export type CandidateParseResult =
  | { readonly ok: true; readonly candidate: ParsedCandidate }
  | { readonly ok: false; readonly message: string };

const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/; // 1*32ice-char
const DIGITS = /^\d{1,10}$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 8866 token
const BYTE_STRING = /^[\x21-\x7e\x80-\uffff]+$/; // no SP, controls
const MAX_PRIORITY = 2 ** 32 - 1;

/** Dotted-quad IPv4: four parts of one to three ASCII digits, each at most 255 (leading zeros allowed). */
export function isIPv4(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && value <= 255 && parts < 3) {
      parts += 1;
      digits = 0;
      value = 0;
    } else return false;
  }
  return parts === 3 && digits > 0 && value <= 255;
}

export function isIPv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const last = groups[groups.length - 1];
  let count = groups.length;
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups.pop();
    count += 1; // an embedded IPv4 address takes two groups
  }
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A DNS name (e.g. an mDNS `<uuid>.local` host candidate). */
export function isHostname(text: string): boolean {
  if (text.length > 253 || /^[\d.]+$/.test(text)) return false;
  return text.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

function isAddress(text: string): boolean {
  return isIPv4(text) || isIPv6(text) || isHostname(text);
}

function parsePort(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65_535 ? port : null;
}

function fail(message: string): CandidateParseResult {
  return { ok: false, message };
}

/** Parses one `candidate:` line; never throws. (Hot path: plain loops and indexes, no per-field closures.) */
export function parseCandidate(line: string): CandidateParseResult {
  if (line.length > MAX_CANDIDATE_LENGTH) return fail(`candidate longer than ${MAX_CANDIDATE_LENGTH} characters`);
  if (!line.startsWith('candidate:')) return fail('candidate must start with "candidate:"');
  const fields = line.slice('candidate:'.length).split(' ');
  for (const field of fields) if (field === '') return fail('candidate fields must be separated by single spaces');
  const foundation = fields[0] ?? '';
  const component = fields[1];
  const transport = fields[2];
  const priority = fields[3];
  const address = fields[4];
  const type = fields[7];
  if (!FOUNDATION.test(foundation)) return fail('bad foundation');
  if (component === undefined || !/^\d{1,3}$/.test(component) || Number(component) < 1 || Number(component) > 256) {
    return fail('bad component id');
  }
  const transportLower = transport?.toLowerCase();
  if (transportLower !== 'udp' && transportLower !== 'tcp') return fail('transport must be UDP or TCP');
  if (priority === undefined || !DIGITS.test(priority) || Number(priority) < 1 || Number(priority) > MAX_PRIORITY) {
    return fail('bad priority');
  }
  if (address === undefined || !isAddress(address)) return fail('bad connection address');
  const portNumber = parsePort(fields[5]);
  if (portNumber === null) return fail('bad port');
  if (fields[6] !== 'typ') return fail('missing "typ"');
  if (!CANDIDATE_TYPES.includes(type as CandidateType)) return fail('candidate type must be host, srflx, prflx or relay');
  let relatedAddress: string | null = null;
  let relatedPort: number | null = null;
  let i = 8;
  if (fields[i] === 'raddr') {
    const value = fields[i + 1];
    if (value === undefined || !isAddress(value)) return fail('bad raddr');
    relatedAddress = value;
    i += 2;
  }
  if (fields[i] === 'rport') {
    relatedPort = parsePort(fields[i + 1]);
    if (relatedPort === null) return fail('bad rport');
    i += 2;
  }
  const extensions: (readonly [string, string])[] = [];
  for (; i < fields.length; i += 2) {
    const name = fields[i] ?? '';
    const value = fields[i + 1];
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
