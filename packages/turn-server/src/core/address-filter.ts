/**
 * Peer address filter: deny by default, RFC 8656 §21.5 ("The server should
 * refuse to relay to internal networks").
 *
 * Every peer address (CreatePermission, ChannelBind, Send) is normalised with
 * {@link normaliseIpAddress} first, then checked against the built-in deny
 * list below. An operator allow-list (CIDRs) opens denied ranges for LAN or
 * loopback deployments — except the unspecified addresses (`0.0.0.0/8`, `::`)
 * and the server's own transport addresses, which are never relayed to.
 */
import { normaliseIpAddress, parseIpAddress, prefixMatches, type IpAddress } from './ip-address.js';

/** Why a peer address was refused; stable strings, used as metric labels. */
export type PeerDenyReason =
  | 'malformed'
  | 'unspecified'
  | 'loopback'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'private'
  | 'shared-address-space'
  | 'unique-local'
  | 'site-local'
  | 'own-address'
  /** One of the server's relayed transport addresses: never sent to over the network; the core delivers to that allocation itself. */
  | 'own-relay';

export type PeerVerdict = { readonly allowed: true; readonly address: IpAddress } | { readonly allowed: false; readonly reason: PeerDenyReason };

/** A parsed CIDR block. */
export interface Cidr {
  readonly network: IpAddress;
  readonly prefixLength: number;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (full-length prefix); IPv4-mapped IPv6 blocks become IPv4. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const max = address.family === 'IPv4' ? 32 : 128;
  const lengthText = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > max) return undefined;
  const normalised = normaliseIpAddress(address);
  if (normalised.family !== address.family) {
    return prefixLength >= 96 ? { network: normalised, prefixLength: prefixLength - 96 } : { network: address, prefixLength };
  }
  return { network: address, prefixLength };
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`invalid built-in CIDR ${text}`);
  return parsed;
}

/** Never relayed to, whatever the allow-list says. */
const NEVER: readonly (readonly [Cidr, PeerDenyReason])[] = [
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('::/128'), 'unspecified'],
];

/** The default deny list (issue 3); the allow-list can open these. */
export const DEFAULT_DENIED_RANGES: readonly (readonly [string, PeerDenyReason])[] = [
  ['127.0.0.0/8', 'loopback'],
  ['::1/128', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['fe80::/10', 'link-local'],
  ['224.0.0.0/4', 'multicast'],
  ['ff00::/8', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'shared-address-space'],
  ['fc00::/7', 'unique-local'],
  ['fec0::/10', 'site-local'],
];

const DENIED: readonly (readonly [Cidr, PeerDenyReason])[] = DEFAULT_DENIED_RANGES.map(([text, reason]) => [cidr(text), reason] as const);

function inCidr(ip: IpAddress, block: Cidr): boolean {
  return ip.family === block.network.family && prefixMatches(ip.bytes, block.network.bytes, block.prefixLength);
}

function sameIp(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && prefixMatches(a.bytes, b.bytes, a.bytes.length * 8);
}

/** The server's own transport addresses: relay IPs with the relay port range, and listener addresses. */
export interface OwnAddresses {
  /** IPs the relay sockets are bound to or advertised as (`externalIp`). */
  readonly relayIps: readonly string[];
  /** Inclusive relay port range. */
  readonly relayPorts: { readonly min: number; readonly max: number };
  /** Listener transport addresses (the STUN/TURN ports themselves). */
  readonly listeners: readonly { readonly ip: string; readonly port: number }[];
}

export interface PeerAddressFilterInit {
  /** CIDRs that open otherwise denied ranges, e.g. `['127.0.0.1/32']` for loopback tests. Default: none. */
  readonly allowPeers?: readonly string[];
  /** The server's own transport addresses (never relayed to). */
  readonly own?: OwnAddresses;
}

export class PeerAddressFilter {
  readonly #allow: readonly Cidr[];
  readonly #relayIps: readonly IpAddress[];
  readonly #relayPorts: { readonly min: number; readonly max: number };
  readonly #listeners: readonly { readonly ip: IpAddress; readonly port: number }[];

  /** @throws Error with code `TURN_ERR_INVALID_CIDR` on an unparsable allow-list entry. */
  constructor(init: PeerAddressFilterInit = {}) {
    this.#allow = (init.allowPeers ?? []).map((text) => {
      const parsed = parseCidr(text);
      if (parsed === undefined) throw Object.assign(new Error(`invalid CIDR in allowPeers: ${text}`), { code: 'TURN_ERR_INVALID_CIDR' });
      return parsed;
    });
    const parseAll = (ips: readonly string[]): IpAddress[] =>
      ips.flatMap((ip) => {
        const parsed = parseIpAddress(ip);
        return parsed === undefined ? [] : [normaliseIpAddress(parsed)];
      });
    this.#relayIps = parseAll(init.own?.relayIps ?? []);
    this.#relayPorts = init.own?.relayPorts ?? { min: 1, max: 0 };
    this.#listeners = (init.own?.listeners ?? []).flatMap(({ ip, port }) => parseAll([ip]).map((parsed) => ({ ip: parsed, port })));
  }

  /** Judges a peer IP (CreatePermission: permissions are per IP, RFC 8656 §9). */
  checkIp(text: string): PeerVerdict {
    const parsed = parseIpAddress(text);
    if (parsed === undefined) return { allowed: false, reason: 'malformed' };
    const ip = normaliseIpAddress(parsed);
    for (const [block, reason] of NEVER) if (inCidr(ip, block)) return { allowed: false, reason };
    if (this.#allow.some((block) => inCidr(ip, block))) return { allowed: true, address: ip };
    for (const [block, reason] of DENIED) if (inCidr(ip, block)) return { allowed: false, reason };
    return { allowed: true, address: ip };
  }

  /** Judges a peer transport address (ChannelBind, Send): the IP rules plus the server's own transport addresses. */
  checkTransportAddress(text: string, port: number): PeerVerdict {
    const verdict = this.checkIp(text);
    if (!verdict.allowed) return verdict;
    const ip = verdict.address;
    const inRelayRange = port >= this.#relayPorts.min && port <= this.#relayPorts.max;
    if (inRelayRange && this.#relayIps.some((own) => sameIp(own, ip))) return { allowed: false, reason: 'own-relay' };
    if (this.#listeners.some((l) => l.port === port && sameIp(l.ip, ip))) return { allowed: false, reason: 'own-address' };
    return verdict;
  }
}
