/** UDP sockets for the TURN driver. */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { AddressFamily } from '../core/five-tuple.js';

/**
 * `dgram` resolves every destination through `lookup`, by default `dns.lookup`,
 * which answers IP literals on the next tick. Every address here is already an
 * IP, so answering synchronously saves a tick and a closure per relayed packet.
 */
export function literalLookup(address: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  const kind = isIP(address);
  if (kind === 0) callback(Object.assign(new Error(`not an IP address: ${address}`), { code: 'TURN_ERR_NOT_AN_IP' }), address, 0);
  else callback(null, address, kind);
}

/** A UDP socket of the right family whose sends skip DNS (see {@link literalLookup}). */
export function createUdpSocket(family: AddressFamily): UdpSocket {
  return createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', lookup: literalLookup });
}

