/**
 * Server ports: while a device is online, each of its services with a
 * server port listens on `serverPortHost:<port>` (127.0.0.1 by default) and
 * every accepted TCP connection becomes one stream to the agent. These ports
 * carry no user authentication: whoever can connect on the gateway host can
 * reach the service (the "reachable as 127.0.0.1:<port> on that
 * server"); remote users go through `/tunnel/client` instead.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { pipeSocketStream } from '@peerlink/agent/wire';
import type { AgentHub } from './agent-hub.js';
import type { TunnelLogger } from './context.js';

export class PortListeners {
  readonly #servers = new Map<string, Server[]>();
  readonly #sockets = new Set<Socket>();
  readonly #hub: AgentHub;
  readonly #host: string;
  readonly #log: TunnelLogger;

  constructor(hub: AgentHub, host: string, log: TunnelLogger) {
    this.#hub = hub;
    this.#host = host;
    this.#log = log;
  }

  /** Listens on every service port of the device (replacing earlier listeners). Resolves once all are bound or failed. */
  async open(deviceId: string, services: ReadonlyMap<string, number | null>): Promise<void> {
    await this.close(deviceId);
    const servers: Server[] = [];
    this.#servers.set(deviceId, servers);
    await Promise.all(
      [...services].map(async ([service, port]) => {
        if (port === null) return;
        const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => this.#accept(deviceId, service, socket));
        try {
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, this.#host, () => {
              server.off('error', reject);
              resolve();
            });
          });
          servers.push(server);
        } catch (err) {
          this.#log.error({ deviceId, service, port, err }, 'tunnel server port unavailable');
        }
      }),
    );
    if (this.#servers.get(deviceId) !== servers) for (const s of servers) s.close();
  }

  /** Stops listening for the device (its open streams end with its session). */
  async close(deviceId: string): Promise<void> {
    const servers = this.#servers.get(deviceId);
    if (servers === undefined) return;
    this.#servers.delete(deviceId);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  async closeAll(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([...this.#servers.keys()].map((id) => this.close(id)));
  }

  #accept(deviceId: string, service: string, socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    void (async () => {
      const opened = await this.#hub.openStream(deviceId, service, undefined);
      if (!opened.ok) {
        this.#log.info({ deviceId, service, code: opened.code }, 'server port stream refused');
        socket.destroy();
        return;
      }
      socket.resume();
      await pipeSocketStream(socket, opened.stream, { bytesIn: 0, bytesOut: 0 }, opened.rest);
      opened.release();
    })();
  }
}
