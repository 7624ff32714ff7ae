/**
 * The agent in `p2p` mode (no tunnel at all): its local API tells the truth
 * about p2p paths, `POST /p2p/reconnect` restarts the p2p transport and new
 * connections and streams work afterwards; and the security rules hold on
 * the p2p path — no grant, no dial; a revoked grant stops new connections; a
 * service outside the agent's `services` is refused on the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, echo, register, startTcpService, until, type TcpService } from './harness.js';
import { exchange } from './agent-helpers.js';
import { dialOnce, openEcho, startClient, startP2pWorld, type Client, type P2pWorld } from './p2p-world.js';

const deviceId = 'cam-p2p-faults';
let world: P2pWorld;
let service: TcpService;

interface Status {
  status: string;
  mode: string;
  active_connections: number;
  direct_connections: number;
  relay_connections: number;
  tunnel_connections: number;
  bytes_sent: number;
  bytes_received: number;
  connection_quality: string;
}
interface Connections {
  connections: { peer: string; service: string; path: string; reason: string; rtt_ms: number | null; bytes_sent: number; bytes_received: number; since: string }[];
  transports: { kind: string; state: string; connects: number }[];
}

beforeAll(async () => {
  service = await startTcpService(echo);
  world = await startP2pWorld({ mode: 'p2p', deviceId, tunnelPorts: { min: 21_500, max: 21_549 }, services: [{ name: 'echo', target: service.target }] });
});

afterAll(async () => {
  await world?.stop();
  await service?.close();
});

async function client(opts: { service?: string; token?: string } = {}): Promise<Client> {
  return startClient(world, { mode: 'p2p', deviceId, service: opts.service ?? 'echo', ...(opts.token === undefined ? {} : { token: opts.token }) });
}

const closedPaths = (c: Client): string[] => c.events.flatMap((e) => (e.type === 'stream-closed' ? [e.path] : []));
const refusals = (c: Client): string[] => c.events.flatMap((e) => (e.type === 'stream-refused' ? [e.code] : []));

describe('p2p mode: local API and reconnect', () => {
  it('reports the direct connection truthfully: counts by path, bytes, peer, RTT and quality', async () => {
    const idle = await world.local<Status>('/p2p/status');
    expect(idle.body).toMatchObject({ status: 'online', mode: 'p2p', active_connections: 0, tunnel_connections: 0 });
    const c = await client();
    try {
      await until(() => c.forwarder.path === 'direct', 10_000, 'direct path');
      const live = await openEcho(c.port);
      expect(await live.roundTrip('x'.repeat(1000))).toBe('x'.repeat(1000));
      // Quality needs a measured RTT: the session keepalive (every 5 s) measures it.
      await until(() => world.agent.streams().some((s) => s.connection.stats().rttMs !== undefined), 12_000, 'p2p RTT measured');
      const status = (await world.local<Status>('/p2p/status')).body;
      expect(status).toMatchObject({ status: 'online', mode: 'p2p', active_connections: 1, direct_connections: 1, relay_connections: 0, tunnel_connections: 0, connection_quality: 'excellent' });
      expect(status.bytes_sent).toBeGreaterThanOrEqual(1000);
      expect(status.bytes_received).toBeGreaterThanOrEqual(1000);
      const { connections, transports } = (await world.local<Connections>('/p2p/connections')).body;
      expect(connections).toHaveLength(1);
      expect(connections[0]).toMatchObject({ service: 'echo', path: 'direct', bytes_sent: 1000, bytes_received: 1000 });
      expect(connections[0]!.peer).not.toBe('server-port');
      expect(connections[0]!.rtt_ms).toEqual(expect.any(Number));
      expect(transports.map((t) => [t.kind, t.state])).toEqual([['p2p', 'online']]);
      live.close();
      await until(() => world.agent.streams().length === 0, 5_000, 'stream closed');
      expect((await world.local<Status>('/p2p/status')).body).toMatchObject({ active_connections: 0, direct_connections: 0 });
    } finally {
      await c.forwarder.stop();
    }
  });

  it('POST /p2p/reconnect restarts the p2p transport; connections and streams work afterwards', async () => {
    const before = await client();
    try {
      await until(() => before.forwarder.path === 'direct', 10_000, 'direct path');
      const connects = world.agent.transports()[0]!.connects;
      const res = await world.local<{ status: string }>('/p2p/reconnect', 'POST');
      expect(res).toEqual({ status: 202, body: { status: 'reconnecting' } });
      await until(() => world.agent.transports()[0]!.connects > connects && world.agent.transports()[0]!.state === 'online', 10_000, 'p2p transport back');
      // A fresh dial after the restart: a new p2p connection through the new signaling session.
      const after = await client();
      try {
        await until(() => after.forwarder.path === 'direct', 10_000, 'direct path after reconnect');
        expect((await exchange(after.port, Buffer.from('after reconnect'))).toString()).toBe('after reconnect');
        expect(closedPaths(after)).toEqual(['direct']);
      } finally {
        await after.forwarder.stop();
      }
      // The connection established before the restart kept working.
      expect((await exchange(before.port, Buffer.from('kept'))).toString()).toBe('kept');
      expect((await world.local<Status>('/p2p/status')).body.status).toBe('online');
    } finally {
      await before.forwarder.stop();
    }
  });
});

describe('p2p mode: security', () => {
  it('a user without a grant cannot even dial: signaling refuses, no stream reaches the agent', async () => {
    const stranger = await register(world.gw.url, 'stranger');
    const served = world.agent.streams().length;
    // The gateway answers the offer with ACCESS_DENIED; the SDK surfaces it as CONNECTION_FAILED.
    expect(await dialOnce(world, stranger)).toBe('CONNECTION_FAILED');
    const c = await client({ token: stranger });
    try {
      expect((await exchange(c.port, Buffer.from('let me in'))).length).toBe(0);
      expect(c.forwarder.path).toBe('none');
      expect(world.agent.streams().length).toBe(served);
    } finally {
      await c.forwarder.stop();
    }
  });

  it('a revoked grant stops new p2p connections', async () => {
    const viewer = await register(world.gw.url, 'viewer');
    expect((await api(world.gw.url, `/api/devices/${deviceId}/grants`, { token: world.owner, body: { username: 'viewer' } })).status).toBe(200);
    expect(await dialOnce(world, viewer)).toBe('connected');
    const granted = await client({ token: viewer });
    try {
      await until(() => granted.forwarder.path === 'direct', 10_000, 'granted viewer direct');
      expect((await exchange(granted.port, Buffer.from('granted'))).toString()).toBe('granted');
    } finally {
      await granted.forwarder.stop();
    }
    expect((await api(world.gw.url, `/api/devices/${deviceId}/grants/viewer`, { token: world.owner, method: 'DELETE' })).status).toBe(204);
    expect(await dialOnce(world, viewer)).toBe('CONNECTION_FAILED');
    const revoked = await client({ token: viewer });
    try {
      expect((await exchange(revoked.port, Buffer.from('revoked'))).length).toBe(0);
      expect(revoked.forwarder.path).toBe('none');
    } finally {
      await revoked.forwarder.stop();
    }
  });

  it('a revoked grant refuses the next stream on a p2p connection opened before the revocation', async () => {
    const viewer = await register(world.gw.url, 'viewer2');
    expect((await api(world.gw.url, `/api/devices/${deviceId}/grants`, { token: world.owner, body: { username: 'viewer2' } })).status).toBe(200);
    const c = await client({ token: viewer });
    try {
      await until(() => c.forwarder.path === 'direct', 10_000, 'viewer2 direct');
      expect((await exchange(c.port, Buffer.from('before'))).toString()).toBe('before');
      const deniedBefore = world.agent.refusals.get('ACCESS_DENIED') ?? 0;
      expect((await api(world.gw.url, `/api/devices/${deviceId}/grants/viewer2`, { token: world.owner, method: 'DELETE' })).status).toBe(204);
      // Same WebRTC connection, new stream: the agent asks the gateway at stream open.
      expect(c.forwarder.path).toBe('direct');
      expect((await exchange(c.port, Buffer.from('after'))).length).toBe(0);
      await until(() => refusals(c).includes('ACCESS_DENIED'), 5_000, 'client sees ACCESS_DENIED');
      expect(world.agent.refusals.get('ACCESS_DENIED')).toBe(deniedBefore + 1);
    } finally {
      await c.forwarder.stop();
    }
  });

  it('refuses a service the agent does not expose, on the p2p stream itself', async () => {
    const before = world.agent.refusals.get('UNKNOWN_SERVICE') ?? 0;
    const c = await client({ service: 'ssh' });
    try {
      await until(() => c.forwarder.path === 'direct', 10_000, 'direct path');
      expect((await exchange(c.port, Buffer.from('x'))).length).toBe(0);
      await until(() => refusals(c).length > 0, 5_000, 'refusal event');
      expect(refusals(c)).toEqual(['UNKNOWN_SERVICE']);
      expect(world.agent.refusals.get('UNKNOWN_SERVICE')).toBe(before + 1);
      expect(world.agent.streams()).toHaveLength(0);
    } finally {
      await c.forwarder.stop();
    }
  });
});
