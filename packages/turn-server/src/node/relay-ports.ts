/**
 * Binds relay UDP sockets inside the configured port range (RFC 8656 §7.2:
 * the relayed transport address). Ports are tried from a random start, the
 * ones we hold are skipped, and at most `maxAttempts` binds are tried before
 * giving up (the core then answers 508 Insufficient Capacity).
 */
import type { Socket } from 'node:dgram';
import { createUdpSocket } from './udp.js';
import { randomInt } from 'node:crypto';

export interface RelayPortRange {
  readonly min: number;
  readonly max: number;
}

/** Binds tried per allocation before giving up. */
export const MAX_BIND_ATTEMPTS = 64;

function bind(socket: Socket, port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = (): void => {
      socket.off('listening', onListening);
      resolve(false);
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve(true);
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind({ port, address, exclusive: true });
  });
}

export class RelayPortAllocator {
  readonly #inUse = new Set<number>();

  constructor(
    private readonly range: RelayPortRange,
    private readonly address: string,
  ) {}

  /** Binds a socket on a free port (even if `evenPort`); `undefined` when none could be bound. */
  async open(evenPort: boolean): Promise<{ socket: Socket; port: number } | undefined> {
    const family = this.address.includes(':') ? 'IPv6' : 'IPv4';
    const size = this.range.max - this.range.min + 1;
    let candidate = this.range.min + randomInt(size);
    for (let attempt = 0, scanned = 0; attempt < MAX_BIND_ATTEMPTS && scanned < size; scanned++, candidate = candidate >= this.range.max ? this.range.min : candidate + 1) {
      if (this.#inUse.has(candidate) || (evenPort && candidate % 2 !== 0)) continue;
      attempt++;
      this.#inUse.add(candidate);
      const socket = createUdpSocket(family);
      if (await bind(socket, candidate, this.address)) return { socket, port: candidate };
      this.#inUse.delete(candidate);
      try {
        socket.close();
      } catch {
        // A socket whose bind failed may already be closed.
      }
    }
    return undefined;
  }

  release(port: number): void {
    this.#inUse.delete(port);
  }
}
