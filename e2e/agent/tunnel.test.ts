import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createDevice, echo, register, startTcpService, startTestGateway, tempDir, until, type TcpService, type TestGateway } from './harness.js';
import { exchange, startAgent, startForwarder, type RunningAgent } from './agent-helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let gw: TestGateway;
let service: TcpService;
let agent: RunningAgent;
let owner: string;
let viewer: string;
let stranger: string;

beforeAll(async () => {
  dir = await tempDir('peerlink-agent-');
  gw = await startTestGateway(dir.path, { tunnelPorts: { min: 21_100, max: 21_199 } });
  service = await startTcpService(echo);
  owner = await register(gw.url, 'owner');
  viewer = await register(gw.url, 'viewer');
  stranger = await register(gw.url, 'stranger');
  const credential = await createDevice(gw.url, owner, 'cam-1', ['echo']);
  agent = await startAgent({ gatewayUrl: gw.url, deviceId: 'cam-1', credential, services: [{ name: 'echo', target: service.target }], dir: dir.path });
  await until(() => gw.relay.isOnline('cam-1'), 10_000, 'agent online');
});

afterAll(async () => {
  await agent?.stop();
  await service?.close();
  await gw?.stop();
  await dir?.remove();
});

describe('tunnel mode', () => {
  it('shows the device online with its key and server port', async () => {
    const res = await api<Record<string, unknown>>(gw.url, '/api/devices/cam-1', { token: owner });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'cam-1', status: 'online', mode: 'tunnel', owner: 'owner' });
    expect(res.body.peerId).toMatch(/.+/);
    expect(res.body.services).toEqual([{ name: 'echo', serverPort: 21_100, reachableAt: '127.0.0.1:21100' }]);
  });

  it('echoes through the server port', async () => {
    const data = Buffer.from('hello through the server port');
    expect((await exchange(21_100, data)).toString()).toBe(data.toString());
  });

  it('echoes through /tunnel/client for the owner, refuses strangers at the upgrade', async () => {
    const fwd = await startForwarder(gw.url, owner, 'cam-1', 'echo');
    try {
      const data = Buffer.alloc(300_000, 7);
      expect((await exchange(fwd.port, data)).equals(data)).toBe(true);
    } finally {
      await fwd.forwarder.stop();
    }
    const bad = await startForwarder(gw.url, stranger, 'cam-1', 'echo');
    try {
      expect((await exchange(bad.port, Buffer.from('x'))).length).toBe(0);
    } finally {
      await bad.forwarder.stop();
    }
  });

  it('refuses a service the agent does not expose', async () => {
    const fwd = await startForwarder(gw.url, owner, 'cam-1', 'ssh');
    try {
      expect((await exchange(fwd.port, Buffer.from('x'))).length).toBe(0);
      expect(fwd.events).toContain('refused:UNKNOWN_SERVICE');
    } finally {
      await fwd.forwarder.stop();
    }
  });

  it('checks the grant at every stream open: revocation refuses the next stream', async () => {
    expect((await api(gw.url, '/api/devices/cam-1/grants', { token: owner, body: { username: 'viewer' } })).status).toBe(200);
    const fwd = await startForwarder(gw.url, viewer, 'cam-1', 'echo');
    try {
      expect((await exchange(fwd.port, Buffer.from('granted'))).toString()).toBe('granted');
      expect((await api(gw.url, '/api/devices/cam-1/grants/viewer', { token: owner, method: 'DELETE' })).status).toBe(204);
      expect((await exchange(fwd.port, Buffer.from('revoked'))).length).toBe(0);
      expect(fwd.events).toContain('refused:ACCESS_DENIED');
    } finally {
      await fwd.forwarder.stop();
    }
  });

  it('reports streams on the local API', async () => {
    const status = await (await fetch(`${agent.apiUrl}/p2p/status`)).json();
    expect(status).toMatchObject({ status: 'online', mode: 'tunnel', active_connections: 0 });
    expect(status.bytes_sent).toBeGreaterThan(0);
  });
});
