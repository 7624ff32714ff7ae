/**
 * Node drivers for doctor's STUN exchanges: one UDP socket shared by every
 * exchange (so mapped addresses are comparable) with RFC 8489-style
 * retransmission, and one TCP connection per exchange sequence.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import type { DoctorProbeError } from './report.js';
import { parseReply, stunFrameLength, type StunReply } from './stun-client.js';

/** Raised by a transport; `code` is a stable {@link DoctorProbeError}. */
export class DoctorProbeFailure extends Error {
  override readonly name = 'DoctorProbeFailure';
  constructor(
    readonly code: DoctorProbeError,
    message: string,
  ) {
    super(message);
  }
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export const formatHostPort = (s: HostPort): string => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`);

/** One request/reply exchange; `key` makes success replies require valid integrity. */
export interface StunExchange {
  request(server: HostPort, bytes: Uint8Array, transactionId: Uint8Array, key?: Uint8Array): Promise<StunReply>;
}

export interface UdpExchangeOptions {
  /** Give up on one transaction after this many ms (all retransmissions included). */
  readonly timeoutMs: number;
  /** First retransmission timeout; doubles after each send (RFC 8489 §6.2.1 uses 500). */
  readonly rtoMs: number;
}

/** A bound UDP socket doing Binding/Allocate transactions with any number of servers. */
export class UdpStunSession implements StunExchange {
  readonly #socket: UdpSocket;
  readonly #options: UdpExchangeOptions;
  readonly #waiting = new Set<(bytes: Uint8Array) => void>();

  private constructor(socket: UdpSocket, options: UdpExchangeOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.on('message', (msg) => {
      for (const w of [...this.#waiting]) w(msg);
    });
    // ICMP errors surface here on some platforms; a transaction then times out.
    socket.on('error', () => {});
  }

  /** Bind a UDP socket on `localAddress` (default: all IPv4 interfaces), ephemeral port. */
  static async open(options: UdpExchangeOptions, localAddress = '0.0.0.0'): Promise<UdpStunSession> {
    const socket = createSocket(localAddress.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, localAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpStunSession(socket, options);
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  request(server: HostPort, bytes: Uint8Array, transactionId: Uint8Array, key?: Uint8Array): Promise<StunReply> {
    const { timeoutMs, rtoMs } = this.#options;
    return new Promise((resolve, reject) => {
      let rto = rtoMs;
      let retransmit: NodeJS.Timeout | undefined;
      const send = (): void => {
        this.#socket.send(bytes, server.port, server.host, () => {});
        retransmit = setTimeout(send, rto);
        rto *= 2;
      };
      const done = (): void => {
        clearTimeout(retransmit);
        clearTimeout(deadline);
        this.#waiting.delete(onMessage);
      };
      const onMessage = (msg: Uint8Array): void => {
        const reply = parseReply(msg, transactionId, key);
        if (reply === undefined) return;
        done();
        resolve(reply);
      };
      const deadline = setTimeout(() => {
        done();
        reject(new DoctorProbeFailure('DOCTOR_TIMEOUT', `no STUN answer from ${formatHostPort(server)} over UDP within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.add(onMessage);
      send();
    });
  }

  close(): void {
    this.#socket.close();
  }
}

/** A TCP connection to one STUN/TURN server (RFC 8489 §6.2.2: messages back to back on the stream). */
export class TcpStunSession implements StunExchange {
  readonly #socket: TcpSocket;
  readonly #timeoutMs: number;
  #buffer = new Uint8Array(0);
  #onFrame: ((frame: Uint8Array) => void) | undefined;

  private constructor(socket: TcpSocket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => {
      const next = new Uint8Array(this.#buffer.length + chunk.length);
      next.set(this.#buffer);
      next.set(chunk, this.#buffer.length);
      this.#buffer = next;
      for (let n = stunFrameLength(this.#buffer); n !== undefined && this.#buffer.length >= n; n = stunFrameLength(this.#buffer)) {
        const frame = this.#buffer.slice(0, n);
        this.#buffer = this.#buffer.slice(n);
        this.#onFrame?.(frame);
      }
    });
  }

  /** Connect within `timeoutMs`. */
  static connect(server: HostPort, timeoutMs: number): Promise<TcpStunSession> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: server.host, port: server.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DoctorProbeFailure('DOCTOR_TIMEOUT', `TCP connect to ${formatHostPort(server)} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        resolve(new TcpStunSession(socket, timeoutMs));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new DoctorProbeFailure('DOCTOR_UNREACHABLE', `TCP connect to ${formatHostPort(server)}: ${err.message}`));
      });
    });
  }

  request(server: HostPort, bytes: Uint8Array, transactionId: Uint8Array, key?: Uint8Array): Promise<StunReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onFrame = undefined;
        reject(new DoctorProbeFailure('DOCTOR_TIMEOUT', `no STUN answer from ${formatHostPort(server)} over TCP within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#onFrame = (frame) => {
        const reply = parseReply(frame, transactionId, key);
        if (reply === undefined) return;
        clearTimeout(timer);
        this.#onFrame = undefined;
        resolve(reply);
      };
      this.#socket.write(bytes);
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
