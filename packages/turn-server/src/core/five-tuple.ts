/**
 * Transport addresses and the 5-tuple (RFC 8656 §2): client IP and port,
 * server IP and port, and the transport protocol between client and server.
 * An allocation is identified by its 5-tuple.
 */
import { formatIpAddress, parseIPv6 } from './ip-address.js';

export type AddressFamily = 'IPv4' | 'IPv6';

/** Transport between client and server (RFC 8656 §3.1). */
export type ClientTransport = 'udp' | 'tcp' | 'tls';

/** An IP address and port, as on the wire. */
export interface TransportAddress {
  readonly family: AddressFamily;
  readonly address: string;
  readonly port: number;
}

export interface FiveTuple {
  readonly transport: ClientTransport;
  readonly client: TransportAddress;
  readonly server: TransportAddress;
}

/**
 * Canonical text for an IP so that lookups match whatever form produced it
 * (the codec, `dgram`'s `rinfo`): IPv4 dotted-quad is already canonical,
 * IPv6 is expanded. Unparsable input is returned unchanged (it then matches nothing real).
 */
export function ipKey(address: string): string {
  if (!address.includes(':')) return address;
  const parsed = parseIPv6(address);
  return parsed === undefined ? address : formatIpAddress(parsed);
}

/** `ip|port` with a canonical IP. */
export function transportAddressKey(t: TransportAddress): string {
  return `${ipKey(t.address)}|${t.port}`;
}

/** A string identifying the 5-tuple; equal tuples give equal keys. */
export function fiveTupleKey(t: FiveTuple): string {
  return `${t.transport}|${transportAddressKey(t.client)}|${transportAddressKey(t.server)}`;
}
