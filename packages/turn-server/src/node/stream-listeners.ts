/**
 * TCP and TLS listeners (RFC 8656 §3.1 client transports): each connection
 * is one 5-tuple; bytes are split into STUN messages and ChannelData frames
 * by the codec's {@link StunStreamFramer}. A framing error closes the
 * connection. Connections without an allocation are closed after
 * {@link IDLE_TIMEOUT_MS} of silence; writes beyond
 * {@link MAX_PENDING_WRITE_BYTES} of unsent data are dropped, not buffered.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { StunStreamFramer } from '@peerlink/protocol';
import { fiveTupleKey, type AddressFamily, type ClientTransport, type FiveTuple, type TransportAddress } from '../core/five-tuple.js';

/** Silence after which a connection without an allocation is closed. */
export const IDLE_TIMEOUT_MS = 60_000;
/** Unsent bytes per connection beyond which further writes are dropped (slow reader protection). */
export const MAX_PENDING_WRITE_BYTES = 1 << 20;

export interface StreamConnection {
  /** Writes a frame; false when it was dropped because the peer is not reading. */
  send(bytes: Uint8Array): boolean;
}

export interface StreamListenersInit {
  readonly maxConnections: number;
  readonly onPacket: (tuple: FiveTuple, bytes: Uint8Array) => void;
  readonly onClosed: (tuple: FiveTuple) => void;
  readonly onFramingError: () => void;
  readonly hasAllocation: (tuple: FiveTuple) => boolean;
}

const toPem = (value: string | Uint8Array): string | Buffer => (typeof value === 'string' ? value : Buffer.from(value));
const familyOf = (address: string): AddressFamily => (address.includes(':') ? 'IPv6' : 'IPv4');

export class StreamListeners {
  readonly #init: StreamListenersInit;
  readonly #connections = new Map<string, StreamConnection>();
  readonly #sockets = new Set<Socket>();
  readonly #servers: Server[] = [];
  tcpAddress: TransportAddress | undefined;
  tlsAddress: TransportAddress | undefined;

  constructor(init: StreamListenersInit) {
    this.#init = init;
  }

  connection(key: string): StreamConnection | undefined {
    return this.#connections.get(key);
  }

  async listenTcp(address: string, port: number): Promise<void> {
    const server = createServer((socket) => this.#accept(socket, 'tcp'));
    this.tcpAddress = await this.#listen(server, address, port);
  }

  async listenTls(address: string, port: number, credentials: { cert: string | Uint8Array; key: string | Uint8Array }): Promise<void> {
    const server = createTlsServer({ cert: toPem(credentials.cert), key: toPem(credentials.key) }, (socket) => this.#accept(socket, 'tls'));
    this.tlsAddress = await this.#listen(server, address, port);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  #listen(server: Server, address: string, port: number): Promise<TransportAddress> {
    server.maxConnections = this.#init.maxConnections;
    this.#servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: address, exclusive: true }, () => {
        server.off('error', reject);
        const bound = server.address();
        resolve({ family: familyOf(address), address, port: typeof bound === 'object' && bound !== null ? bound.port : port });
      });
    });
  }

  #accept(socket: Socket, transport: ClientTransport): void {
    const { remoteAddress, remotePort, localAddress, localPort } = socket;
    if (remoteAddress === undefined || remotePort === undefined || localAddress === undefined || localPort === undefined) {
      socket.destroy();
      return;
    }
    const tuple: FiveTuple = {
      transport,
      client: { family: familyOf(remoteAddress), address: remoteAddress, port: remotePort },
      server: { family: familyOf(localAddress), address: localAddress, port: localPort },
    };
    const key = fiveTupleKey(tuple);
    const framer = new StunStreamFramer();
    this.#sockets.add(socket);
    this.#connections.set(key, {
      send: (bytes) => {
        if (socket.writableLength > MAX_PENDING_WRITE_BYTES || socket.destroyed) return false;
        socket.write(bytes);
        return true;
      },
    });
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (!this.#init.hasAllocation(tuple)) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      const frames = framer.push(chunk);
      if (!frames.ok) {
        this.#init.onFramingError();
        socket.destroy();
        return;
      }
      for (const frame of frames.value) this.#init.onPacket(tuple, frame);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#connections.delete(key);
      this.#init.onClosed(tuple);
    });
  }
}
