/**
 * Node driver for {@link TurnServerCore}: UDP, TCP and optional TLS
 * listeners, relay sockets from a port range, one timer for the core's next
 * deadline, and Prometheus metrics. It owns all I/O and carries out the
 * core's actions with an exhaustive switch.
 */
import { randomBytes } from 'node:crypto';
import type { Socket as UdpSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { Registry } from 'prom-client';
import type { TurnAction } from '../core/actions.js';
import { fiveTupleKey, type AddressFamily, type FiveTuple, type TransportAddress } from '../core/five-tuple.js';
import { TurnServerCore } from '../core/server-core.js';
import { TurnMetrics } from './metrics.js';
import { resolveTurnServerOptions, type ResolvedTurnServerOptions, type TurnServerOptions } from './options.js';
import { RelayPortAllocator } from './relay-ports.js';
import { StreamListeners, type StreamConnection } from './stream-listeners.js';
import { createUdpSocket } from './udp.js';

export interface TurnServerHandle {
  /** Bound UDP listener address. */
  readonly udpAddress: TransportAddress;
  /** Bound TCP listener address, if TCP is on. */
  readonly tcpAddress: TransportAddress | undefined;
  /** Bound TLS listener address, if TLS is configured. */
  readonly tlsAddress: TransportAddress | undefined;
  /** Bound Binding-only alternate listener (`alternatePort`), if configured. */
  readonly alternateAddress: TransportAddress | undefined;
  /** The address advertised in XOR-RELAYED-ADDRESS. */
  readonly relayIp: string;
  /** Live allocations. */
  readonly allocationCount: number;
  /** Deletes all allocations and closes every socket. */
  close(): Promise<void>;
}

const familyOf = (address: string): AddressFamily => (address.includes(':') ? 'IPv6' : 'IPv4');
const WILDCARDS = new Set(['0.0.0.0', '::']);

function defaultExternalIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return '127.0.0.1';
}

/** Kernel buffer size asked for on UDP sockets (Linux caps it at net.core.rmem_max / wmem_max). */
export const UDP_BUFFER_BYTES = 4 << 20;

/** Enlarges a bound socket's kernel buffers so bursts are queued rather than lost. */
export function enlargeBuffers(socket: UdpSocket, bytes: number = UDP_BUFFER_BYTES): void {
  try {
    socket.setRecvBufferSize(bytes);
    socket.setSendBufferSize(bytes);
  } catch {
    // Not fatal: the kernel default stays in place.
  }
}

function bindUdp(address: string, port: number): Promise<UdpSocket> {
  const socket = createUdpSocket(familyOf(address));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', reject);
      enlargeBuffers(socket);
      resolve(socket);
    });
  });
}

/** With `port: 0`, how many ephemeral ports are tried before giving up (UDP picks one; TCP must get the same number). */
export const EPHEMERAL_PORT_ATTEMPTS = 10;

/** Starts a TURN server. Throws `TURN_ERR_INVALID_OPTIONS` (e.g. no secret) before binding anything. */
export async function createTurnServer(options: TurnServerOptions): Promise<TurnServerHandle> {
  const opts = resolveTurnServerOptions(options);
  // Port 0: the kernel picks a free UDP port, but the TCP listener must take
  // the same number, which another socket may hold; then try a new port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (opts.port !== 0 || !inUse || attempt >= EPHEMERAL_PORT_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(opts: ResolvedTurnServerOptions): Promise<TurnServerHandle> {
  const relayBindIp = opts.relayAddress ?? opts.listenAddress;
  const relayIp = opts.externalIp ?? (WILDCARDS.has(relayBindIp) ? defaultExternalIp() : relayBindIp);
  const udp = await bindUdp(opts.listenAddress, opts.port);
  let alternate: UdpSocket | undefined;
  try {
    if (opts.alternatePort !== undefined) alternate = await bindUdp(opts.alternateAddress ?? opts.listenAddress, opts.alternatePort);
  } catch (error) {
    udp.close();
    throw error;
  }
  const driver = new TurnDriver(opts, { udp, alternate }, relayBindIp, relayIp);
  try {
    await driver.startStreams();
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

class TurnDriver implements TurnServerHandle {
  readonly udpAddress: TransportAddress;
  readonly #core: TurnServerCore;
  readonly #metrics: TurnMetrics;
  readonly #relays = new Map<number, { socket: UdpSocket; port: number }>();
  readonly #ports: RelayPortAllocator;
  readonly #streams: StreamListeners;
  readonly #serverTuple: TransportAddress;
  #timer: NodeJS.Timeout | undefined;
  #timerAt: number | undefined;
  #closed = false;

  readonly alternateAddress: TransportAddress | undefined;
  readonly #alternate: UdpSocket | undefined;
  private readonly udp: UdpSocket;

  constructor(
    private readonly opts: ResolvedTurnServerOptions,
    sockets: { udp: UdpSocket; alternate: UdpSocket | undefined },
    relayBindIp: string,
    readonly relayIp: string,
  ) {
    this.udp = sockets.udp;
    const udpPort = this.udp.address().port;
    this.udpAddress = { family: familyOf(opts.listenAddress), address: opts.listenAddress, port: udpPort };
    this.#serverTuple = { family: familyOf(opts.listenAddress), address: WILDCARDS.has(opts.listenAddress) ? relayIp : opts.listenAddress, port: udpPort };
    this.#alternate = sockets.alternate;
    const alt = this.#alternate?.address();
    const altIp = opts.alternateAddress ?? opts.listenAddress;
    this.alternateAddress = alt === undefined ? undefined : { family: familyOf(altIp), address: altIp, port: alt.port };
    const altTuple = alt === undefined ? undefined : { family: familyOf(altIp), address: WILDCARDS.has(altIp) ? relayIp : altIp, port: alt.port };
    this.#metrics = new TurnMetrics(opts.registry ?? new Registry());
    this.#ports = new RelayPortAllocator(opts.relayPorts, relayBindIp);
    const listeners = [
      { ip: this.#serverTuple.address, port: udpPort },
      ...(opts.tls ? [{ ip: this.#serverTuple.address, port: opts.tls.port }] : []),
      ...(altTuple ? [{ ip: altTuple.address, port: altTuple.port }] : []),
    ];
    this.#core = new TurnServerCore(
      {
        realm: opts.realm,
        secret: opts.secret,
        staticUsers: opts.staticUsers,
        software: opts.software ?? undefined,
        allowPeers: opts.allowPeers,
        ownAddresses: { relayIps: [relayIp, relayBindIp], relayPorts: opts.relayPorts, listeners },
        quotas: opts.quotas,
        relayFamilies: [familyOf(relayBindIp)],
        strictReplySize: opts.strictReplySize,
        legacyChannelNumbers: opts.legacyChannelNumbers,
        ...(altTuple ? { alternateListener: { primary: this.#serverTuple, alternate: altTuple } } : {}),
      },
      { now: Date.now, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
    );
    this.#streams = new StreamListeners({
      maxConnections: opts.maxConnections,
      onPacket: (tuple, bytes) => this.#run(this.#core.handleClientPacket(tuple, bytes)),
      onClosed: (tuple) => this.#run(this.#core.handleConnectionClosed(tuple)),
      onFramingError: () => this.#metrics.dropped('stream-framing'),
      hasAllocation: (tuple) => this.#core.hasAllocation(tuple),
    });
    this.udp.on('message', (msg, rinfo) => {
      const tuple: FiveTuple = { transport: 'udp', client: { family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4', address: rinfo.address, port: rinfo.port }, server: this.#serverTuple };
      this.#run(this.#core.handleClientPacket(tuple, msg));
    });
    this.udp.on('error', () => this.#metrics.dropped('send-failed'));
    if (this.#alternate !== undefined && altTuple !== undefined) {
      const alternate = this.#alternate;
      alternate.on('message', (msg, rinfo) => {
        const tuple: FiveTuple = { transport: 'udp', client: { family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4', address: rinfo.address, port: rinfo.port }, server: altTuple };
        for (const action of this.#core.handleAlternatePacket(tuple, msg)) {
          if (action.type === 'send-to-client') alternate.send(action.bytes, rinfo.port, rinfo.address);
          else this.#execute(action, undefined);
        }
      });
      alternate.on('error', () => this.#metrics.dropped('send-failed'));
    }
  }

  get tcpAddress(): TransportAddress | undefined {
    return this.#streams.tcpAddress;
  }

  get tlsAddress(): TransportAddress | undefined {
    return this.#streams.tlsAddress;
  }

  get allocationCount(): number {
    return this.#core.allocationCount;
  }

  async startStreams(): Promise<void> {
    if (this.opts.tcp) await this.#streams.listenTcp(this.opts.listenAddress, this.udpAddress.port);
    if (this.opts.tls) await this.#streams.listenTls(this.opts.listenAddress, this.opts.tls.port, this.opts.tls);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#run(this.#core.shutdown());
    clearTimeout(this.#timer);
    await this.#streams.close();
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    if (this.#alternate !== undefined) await new Promise<void>((resolve) => this.#alternate?.close(() => resolve()));
  }

  /** Carries out actions; `peerBytes` is the payload size when they answer a peer datagram. */
  #run(actions: readonly TurnAction[], peerBytes?: number): void {
    for (const action of actions) this.#execute(action, peerBytes);
    this.#schedule();
  }

  #execute(action: TurnAction, peerBytes: number | undefined): void {
    switch (action.type) {
      case 'send-to-client':
        if (peerBytes !== undefined) this.#metrics.relayedToClient(peerBytes);
        else if (action.internalBytes !== undefined) {
          // Between two allocations of this server: counted as sent by one relay and received by the other.
          this.#metrics.relayedToPeer(action.internalBytes);
          this.#metrics.relayedToClient(action.internalBytes);
        }
        this.#sendToClient(action.fiveTuple, action.bytes, action.payload);
        return;
      case 'send-to-peer': {
        const relay = this.#relays.get(action.allocationId);
        if (relay === undefined) return this.#metrics.dropped('relay-gone');
        this.#metrics.relayedToPeer(action.bytes.length);
        relay.socket.send(action.bytes, action.peer.port, action.peer.address);
        return;
      }
      case 'open-relay':
        void this.#openRelay(action.allocationId, action.evenPort);
        return;
      case 'close-relay':
        this.#closeRelay(action.allocationId);
        return;
      case 'refused':
        this.#metrics.refused(action.code, action.reason, action.peerDenied);
        return;
      case 'drop':
        this.#metrics.dropped(action.reason);
        return;
      case 'allocation-changed':
        if (action.live) this.#metrics.activeAllocations.inc();
        else this.#metrics.activeAllocations.dec();
        return;
    }
  }

  #sendToClient(tuple: FiveTuple, bytes: Uint8Array, payload: Uint8Array | undefined): void {
    switch (tuple.transport) {
      case 'udp':
        this.udp.send(payload === undefined ? bytes : [bytes, payload], tuple.client.port, tuple.client.address);
        return;
      case 'tcp':
      case 'tls': {
        const connection: StreamConnection | undefined = this.#streams.connection(fiveTupleKey(tuple));
        if (connection === undefined) return this.#metrics.dropped('relay-gone');
        if (!connection.send(payload === undefined ? bytes : Buffer.concat([bytes, payload]))) this.#metrics.dropped('client-backpressure');
        return;
      }
    }
  }

  async #openRelay(allocationId: number, evenPort: boolean): Promise<void> {
    const opened = this.#closed ? undefined : await this.#ports.open(evenPort);
    if (opened === undefined) return this.#run(this.#core.handleRelayFailed(allocationId));
    if (this.#closed) {
      opened.socket.close();
      this.#ports.release(opened.port);
      return;
    }
    enlargeBuffers(opened.socket, UDP_BUFFER_BYTES / 4);
    this.#relays.set(allocationId, opened);
    const family = familyOf(this.relayIp);
    opened.socket.on('message', (msg, rinfo) => {
      const peer: TransportAddress = { family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4', address: rinfo.address, port: rinfo.port };
      this.#run(this.#core.handleRelayPacket(allocationId, peer, msg), msg.length);
    });
    opened.socket.on('error', () => this.#metrics.dropped('send-failed'));
    this.#run(this.#core.handleRelayOpened(allocationId, { family, address: this.relayIp, port: opened.port }));
  }

  #closeRelay(allocationId: number): void {
    const relay = this.#relays.get(allocationId);
    if (relay === undefined) return;
    this.#relays.delete(allocationId);
    relay.socket.close();
    this.#ports.release(relay.port);
  }

  #schedule(): void {
    const next = this.#core.nextDeadline();
    if (this.#closed || next === this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = next;
    if (next === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timerAt = undefined;
      this.#run(this.#core.handleTimer());
    }, Math.max(0, next - Date.now()));
    this.#timer.unref();
  }
}
