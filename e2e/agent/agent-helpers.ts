import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Agent, loadOrCreateIdentity, parseAgentConfig, startMonitorApi, TunnelForwarder, type MonitorApi } from '@peerlink/agent';

export interface RunningAgent {
  readonly agent: Agent;
  readonly api: MonitorApi;
  readonly apiUrl: string;
  stop(): Promise<void>;
}

export async function startAgent(opts: { gatewayUrl: string; deviceId: string; credential: string; services: { name: string; target: string }[]; dir: string; mode?: 'tunnel' | 'p2p' | 'hybrid' }): Promise<RunningAgent> {
  const config = parseAgentConfig({
    agent: { agent_id: opts.deviceId, connection_mode: opts.mode ?? 'tunnel' },
    tunnel_server_url: opts.gatewayUrl,
    services: opts.services,
    device_credential: opts.credential,
    key_file: join(opts.dir, `${opts.deviceId}.key`),
    local_api: '127.0.0.1:0',
  });
  const identity = await loadOrCreateIdentity(config.key_file);
  const agent = new Agent({ config, identity, tunnel: { backoff: { initialMs: 50, maxMs: 500 } } });
  agent.start();
  const api = await startMonitorApi(agent, '127.0.0.1', 0);
  return {
    agent,
    api,
    apiUrl: `http://127.0.0.1:${api.port}`,
    async stop() {
      await api.close();
      await agent.stop();
    },
  };
}

export async function startForwarder(gatewayUrl: string, token: string, deviceId: string, service: string): Promise<{ forwarder: TunnelForwarder; port: number; events: string[] }> {
  const events: string[] = [];
  const forwarder = new TunnelForwarder({
    gatewayUrl,
    token,
    deviceId,
    forwards: [{ localPort: 0, service }],
    backoff: { initialMs: 50, maxMs: 500 },
    onEvent: (e) => events.push(e.type === 'stream-refused' ? `refused:${e.code}` : e.type),
  });
  const [port] = await forwarder.start();
  return { forwarder, port: port!, events };
}

/** Connects, writes `data` (then FIN), and collects everything until the peer ends or resets (a refusal resets). */
export function exchange(port: number, data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', () => resolve(Buffer.concat(chunks)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.end(data);
  });
}

/**
 * Writes `mib` MiB of patterned bytes (each MiB tagged with its index) to
 * 127.0.0.1:`port` with backpressure, ends the write side and returns the
 * sha256 the receiving sink must report, plus the socket (still open for reading).
 */
export async function sendHashedBulk(port: number, mib: number): Promise<{ digest: string; socket: Socket }> {
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const expected = createHash('sha256');
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (let i = 0; i < mib; i++) {
    chunk[0] = i;
    expected.update(chunk);
    if (!socket.write(Buffer.from(chunk))) await new Promise((r) => socket.once('drain', r));
  }
  socket.end();
  return { digest: expected.digest('hex'), socket };
}
