/**
 * In-process setup for the agent's p2p and hybrid modes: the harness gateway
 * (HTTP API, device registry, tunnel relay) plus a second HTTP server carrying
 * the gateway's `/p2p` signaling with the device reach policy (owner or
 * grantee, checked per signal), an agent running WebRTC through
 * node-datachannel with its local monitoring API, and `HybridForwarder`
 * clients in `p2p` or `hybrid` mode.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { Server } from 'socket.io';
import { Agent, HybridForwarder, loadOrCreateIdentity, parseAgentConfig, startMonitorApi, withEncodedIceCredentials, type HybridEvent, type MonitorApi } from '@peerlink/agent';
import { attachP2pSignaling, deviceReachPolicy, TokenService } from '@peerlink/gateway';
import { createEd25519Identity, isPeerId, P2PError, P2pSignalingClient, WebRtcProvider, type PeerId, type RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { api, createDevice, register, startTestGateway, tempDir, until, type TestGateway } from './harness.js';

export const nodeRtc = RTCPeerConnection as unknown as RtcPeerConnectionConstructor;

export interface P2pWorldInit {
  /** The agent's `agent.connection_mode`. */
  readonly mode: 'p2p' | 'hybrid';
  readonly deviceId: string;
  /** Services the agent exposes; the device record lists the same names. */
  readonly services: readonly { readonly name: string; readonly target: string }[];
  /** Server port range of this file's gateway (distinct per test file: files run in parallel). */
  readonly tunnelPorts: { readonly min: number; readonly max: number };
  /** The agent's `p2p.turn_servers`. Default none (host candidates only). */
  readonly turnServers?: readonly { readonly url: string; readonly username: string; readonly password: string }[];
}

export interface P2pWorld {
  readonly gw: TestGateway;
  readonly agent: Agent;
  readonly monitor: MonitorApi;
  readonly apiUrl: string;
  readonly signalingUrl: string;
  readonly owner: string;
  readonly peerId: PeerId;
  /** GET/POST on the agent's local API. */
  local<T>(path: string, method?: 'GET' | 'POST'): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface Client {
  readonly forwarder: HybridForwarder;
  readonly port: number;
  readonly events: HybridEvent[];
}

const SECRET = 'x'.repeat(48); // the harness gateway's token secret

export async function startP2pWorld(init: P2pWorldInit): Promise<P2pWorld> {
  const dir = await tempDir(`peerlink-${init.deviceId}-`);
  const gw = await startTestGateway(dir.path, { tunnelPorts: init.tunnelPorts });
  const http: HttpServer = createServer();
  const io = new Server(http);
  attachP2pSignaling(io, { tokens: new TokenService({ secret: SECRET }), devices: gw.devices, mayReach: deviceReachPolicy(gw.devices) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const signalingUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const owner = await register(gw.url, 'owner');
  const credential = await createDevice(gw.url, owner, init.deviceId, init.services.map((s) => s.name));
  const config = parseAgentConfig({
    agent: { agent_id: init.deviceId, connection_mode: init.mode },
    p2p: { enabled: true, registry_url: signalingUrl, ice_timeout: 5, ...(init.turnServers === undefined ? {} : { turn_servers: init.turnServers }) },
    tunnel_server_url: gw.url,
    // p2p mode: no tunnel at all, so every stream the agent serves came over WebRTC.
    fallback_to_tunnel: init.mode === 'hybrid',
    services: init.services,
    device_credential: credential,
    key_file: join(dir.path, `${init.deviceId}.key`),
    local_api: '127.0.0.1:0',
  });
  const backoff = { initialMs: 50, maxMs: 500 };
  // TURN REST credentials need the encoding wrapper, as in `peerlink agent`.
  const rtc = init.turnServers === undefined ? nodeRtc : withEncodedIceCredentials(nodeRtc);
  const agent = new Agent({ config, identity: await loadOrCreateIdentity(config.key_file), rtc, tunnel: { backoff }, p2p: { backoff } });
  agent.start();
  const monitor = await startMonitorApi(agent, '127.0.0.1', 0);
  await until(() => agent.transports().every((t) => t.state === 'online'), 10_000, 'agent transports online');
  const device = await api<{ peerId?: string }>(gw.url, `/api/devices/${init.deviceId}`, { token: owner });
  if (device.body.peerId === undefined || !isPeerId(device.body.peerId)) throw new Error(`no peer id: ${JSON.stringify(device.body)}`);
  const apiUrl = `http://127.0.0.1:${monitor.port}`;
  return {
    gw,
    agent,
    monitor,
    apiUrl,
    signalingUrl,
    owner,
    peerId: device.body.peerId,
    async local<T>(path: string, method: 'GET' | 'POST' = 'GET') {
      const res = await fetch(`${apiUrl}${path}`, { method });
      return { status: res.status, body: (await res.json()) as T };
    },
    async stop() {
      await monitor.close();
      await agent.stop();
      await io.close();
      await new Promise((resolve) => http.close(resolve));
      await gw.stop();
      await dir.remove();
    },
  };
}

/** A `peerlink connect`-style client forwarding one local port to `service`, dialling the device over WebRTC. */
export async function startClient(world: P2pWorld, opts: { mode: 'p2p' | 'hybrid'; service: string; deviceId: string; token?: string }): Promise<Client> {
  const events: HybridEvent[] = [];
  const forwarder = new HybridForwarder({
    mode: opts.mode,
    gatewayUrl: world.gw.url,
    signalingUrl: world.signalingUrl,
    token: opts.token ?? world.owner,
    deviceId: opts.deviceId,
    peerId: world.peerId,
    forwards: [{ localPort: 0, service: opts.service }],
    rtc: nodeRtc,
    iceTimeoutMs: 3_000,
    retry: { initialMs: 100, maxMs: 300 },
    onEvent: (e) => events.push(e),
  });
  const [port] = await forwarder.start();
  return { forwarder, port: port!, events };
}

/** A loopback port nobody listens on right now (for a listener that binds later, like ffprobe). */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return address.port;
}

/** Streams the agent is serving right now, by the path they arrived on. */
export function agentPaths(agent: Agent): string[] {
  return agent.streams().map((s) => s.path.kind);
}

/**
 * Bytes the kernel holds for the loopback TCP connection whose one end is
 * 127.0.0.1:`localPort`: that end's receive queue (unread by the app) plus
 * the other end's send queue (not yet delivered), from /proc/net/tcp.
 * Lets a test tell kernel socket buffers apart from user-space buffering.
 */
export async function kernelQueuedBytes(localPort: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const rows = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1);
  let total = 0;
  for (const row of rows) {
    const cols = row.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const port = (address: string | undefined): number => parseInt(address?.split(':')[1] ?? '', 16);
    const [tx, rx] = (cols[4] ?? '0:0').split(':').map((h) => parseInt(h, 16));
    if (port(cols[1]) === localPort) total += rx ?? 0; // this end: received, unread
    else if (port(cols[2]) === localPort) total += tx ?? 0; // the other end: sent, unacknowledged
  }
  return total;
}

/** A long-lived connection to a forwarded echo port: write a chunk, read exactly its length back. */
export async function openEcho(port: number): Promise<{ roundTrip(data: string): Promise<string>; close(): void }> {
  const { connect } = await import('node:net');
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  socket.on('data', (c: Buffer) => {
    buffered = Buffer.concat([buffered, c]);
    waiter?.();
  });
  socket.on('close', () => waiter?.());
  return {
    async roundTrip(data) {
      socket.write(data);
      while (buffered.length < data.length) {
        if (socket.destroyed) throw new Error('echo connection closed');
        await new Promise<void>((resolve) => (waiter = resolve));
      }
      const out = buffered.subarray(0, data.length).toString();
      buffered = buffered.subarray(data.length);
      return out;
    },
    close: () => void socket.destroy(),
  };
}

/** One WebRTC dial of the device as the user of `token`, like `HybridForwarder` does; resolves with the error code, or `connected`. */
export async function dialOnce(world: P2pWorld, token: string): Promise<string> {
  const signaling = await P2pSignalingClient.connect({ url: world.signalingUrl, token });
  const provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling, rtc: nodeRtc, iceServers: [] });
  try {
    await provider.connect(world.peerId, { policy: { timeoutMs: 5_000 } });
    return 'connected';
  } catch (err) {
    return err instanceof P2PError ? err.code : String(err);
  } finally {
    await provider.close();
    signaling.close();
  }
}
