/**
 * Hybrid mode in process: a gateway (HTTP API, device registry, tunnel relay)
 * plus `/p2p` signaling with the device reach policy, an agent in `hybrid`
 * mode (tunnel + WebRTC via node-datachannel) in front of a TCP echo service,
 * and `HybridForwarder` clients. p2p is made impossible by the signaling
 * policy (every dial is ACCESS_DENIED) and later allowed again.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, HybridForwarder, loadOrCreateIdentity, parseAgentConfig, type HybridEvent } from '@peerlink/agent';
import { attachP2pSignaling, deviceReachPolicy, TokenService } from '@peerlink/gateway';
import { isPeerId, type PeerId, type RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { api, createDevice, echo, register, startTcpService, startTestGateway, tempDir, until, type TcpService, type TestGateway } from './harness.js';
import { exchange } from './agent-helpers.js';

const nodeRtc = RTCPeerConnection as unknown as RtcPeerConnectionConstructor;

let dir: Awaited<ReturnType<typeof tempDir>>;
let gw: TestGateway;
let http: HttpServer;
let io: Server;
let signalingUrl: string;
let service: TcpService;
let agent: Agent;
let owner: string;
let peerId: PeerId;
/** Switch for the `/p2p` policy: false refuses every dial (p2p impossible). */
let p2pAllowed = true;

beforeAll(async () => {
  dir = await tempDir('peerlink-hybrid-');
  gw = await startTestGateway(dir.path, { tunnelPorts: { min: 21_300, max: 21_399 } });
  http = createServer();
  io = new Server(http);
  const reach = deviceReachPolicy(gw.devices);
  // Same secret as the harness gateway, so its user tokens verify here.
  attachP2pSignaling(io, { tokens: new TokenService({ secret: 'x'.repeat(48) }), devices: gw.devices, mayReach: async (from, to) => p2pAllowed && (await reach(from, to)) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  signalingUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  service = await startTcpService(echo);
  owner = await register(gw.url, 'owner');
  const credential = await createDevice(gw.url, owner, 'cam-h', ['echo']);
  const config = parseAgentConfig({
    agent: { agent_id: 'cam-h', connection_mode: 'hybrid' },
    p2p: { enabled: true, registry_url: signalingUrl, ice_timeout: 5 },
    tunnel_server_url: gw.url,
    services: [{ name: 'echo', target: service.target }],
    device_credential: credential,
    key_file: join(dir.path, 'cam-h.key'),
    local_api: '127.0.0.1:0',
  });
  agent = new Agent({ config, identity: await loadOrCreateIdentity(config.key_file), rtc: nodeRtc, tunnel: { backoff: { initialMs: 50, maxMs: 500 } }, p2p: { backoff: { initialMs: 50, maxMs: 500 } } });
  agent.start();
  await until(() => agent.transports().every((t) => t.state === 'online'), 10_000, 'tunnel and p2p online');
  const device = await api<{ peerId?: string }>(gw.url, '/api/devices/cam-h', { token: owner });
  if (device.body.peerId === undefined || !isPeerId(device.body.peerId)) throw new Error(`no peer id: ${JSON.stringify(device.body)}`);
  peerId = device.body.peerId;
});

afterAll(async () => {
  await agent?.stop();
  await io?.close();
  await new Promise((resolve) => http?.close(resolve));
  await service?.close();
  await gw?.stop();
  await dir?.remove();
});

async function startHybrid(): Promise<{ forwarder: HybridForwarder; port: number; events: HybridEvent[] }> {
  const events: HybridEvent[] = [];
  const forwarder = new HybridForwarder({
    mode: 'hybrid',
    gatewayUrl: gw.url,
    // The harness serves the HTTP API and the tunnel; /p2p lives on the second server.
    signalingUrl,
    token: owner,
    deviceId: 'cam-h',
    peerId,
    forwards: [{ localPort: 0, service: 'echo' }],
    rtc: nodeRtc,
    iceTimeoutMs: 3_000,
    retry: { initialMs: 100, maxMs: 300 },
    onEvent: (e) => events.push(e),
  });
  const [port] = await forwarder.start();
  return { forwarder, port: port!, events };
}

const closedOn = (events: HybridEvent[]): string[] => events.flatMap((e) => (e.type === 'stream-closed' ? [e.path] : []));

describe('hybrid mode', () => {
  it('p2p working: streams go direct, byte-exact', async () => {
    p2pAllowed = true;
    const { forwarder, port, events } = await startHybrid();
    try {
      await until(() => forwarder.path === 'direct', 10_000, 'direct path');
      const data = Buffer.alloc(500_000);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      expect((await exchange(port, data)).equals(data)).toBe(true);
      expect(closedOn(events)).toEqual(['direct']);
      expect(events[0]).toMatchObject({ type: 'path', path: 'direct' });
    } finally {
      await forwarder.stop();
    }
  });

  it('p2p impossible → tunnel; p2p allowed → new streams direct while the tunnel stream keeps flowing', async () => {
    p2pAllowed = false;
    const { forwarder, port, events } = await startHybrid();
    try {
      await until(() => forwarder.path === 'tunnel', 10_000, 'tunnel fallback');
      expect(events.find((e) => e.type === 'path')).toMatchObject({ path: 'tunnel', reason: expect.stringMatching(/p2p failed/) });
      const inFlight = await openEcho(port);
      expect(await inFlight.roundTrip(Buffer.from('over the tunnel'))).toBe('over the tunnel');
      await until(() => agent.streams().some((s) => s.path.kind === 'tunnel'), 5_000, 'agent sees a tunnel stream');

      p2pAllowed = true;
      await until(() => forwarder.path === 'direct', 10_000, 'fall forward to direct');
      const data = Buffer.alloc(200_000, 0x5a);
      expect((await exchange(port, data)).equals(data)).toBe(true);
      expect(closedOn(events)).toEqual(['direct']);

      expect(await inFlight.roundTrip(Buffer.from('still flowing after fall forward'))).toBe('still flowing after fall forward');
      await inFlight.end();
      await until(() => closedOn(events).length === 2, 5_000, 'tunnel stream closed');
      expect(closedOn(events)).toEqual(['direct', 'tunnel']);
    } finally {
      await forwarder.stop();
    }
  });
});

/** A long-lived echo connection: write a chunk, read exactly its length back. */
async function openEcho(port: number): Promise<{ roundTrip(data: Buffer): Promise<string>; end(): Promise<void> }> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  socket.on('data', (c: Buffer) => {
    buffered = Buffer.concat([buffered, c]);
    waiter?.();
  });
  return {
    async roundTrip(data) {
      socket.write(data);
      while (buffered.length < data.length) await new Promise<void>((resolve) => (waiter = resolve));
      const out = buffered.subarray(0, data.length).toString();
      buffered = buffered.subarray(data.length);
      return out;
    },
    end: () => new Promise<void>((resolve) => socket.once('close', () => resolve()).end()),
  };
}
