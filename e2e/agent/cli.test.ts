/**
 * The CLI as a user runs it, every piece a real process from the built
 * binary: `peerlink serve` (port 0, no TURN, temp data dir, a small free
 * PEERLINK_TUNNEL_PORTS range), `peerlink device add` (its printed
 * credential and agent.json are used as printed), `peerlink agent --config`
 * in front of a TCP echo service, and `peerlink connect --forward 0:echo`.
 * Faults: kill -9 of the agent and its restart, then a gateway restart on
 * the same port; after each, new streams work and both the gateway's device
 * record and the agent's /p2p/status say what is true at that moment.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange } from './agent-helpers.js';
import { freePortRange, killAllChildren, peerlink, type CliProcess } from './cli-processes.js';
import { api, echo, startTcpService, tempDir, until, type TcpService } from './harness.js';

const DEVICE = 'cam-cli';
const READY_MS = 15_000;

interface DeviceRecord {
  status: string;
  mode: string | null;
  peerId: string | null;
  services: { name: string; serverPort: number | null }[];
}
interface AgentStatus {
  status: string;
  mode: string;
  bytes_sent: number;
  bytes_received: number;
}
interface AgentConnections {
  transports: { kind: string; state: string; connects: number }[];
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: TcpService;
let tunnelPorts: string;
let gateway: CliProcess;
let gatewayUrl: string;
let token: string;
let configPath: string;
let agent: CliProcess;
let agentApi: string;
let connect: CliProcess;
let forwardPort: number;

async function startGateway(port: number): Promise<void> {
  gateway = peerlink(['serve', '--port', String(port), '--host', '127.0.0.1', '--no-turn', '--data-dir', join(dir.path, 'data')], { PEERLINK_TUNNEL_PORTS: tunnelPorts });
  gatewayUrl = await gateway.waitFor(/peerlink gateway listening on (http:\/\/127\.0\.0\.1:\d+)/, READY_MS);
}

async function startAgent(): Promise<void> {
  agent = peerlink(['agent', '--config', configPath]);
  agentApi = await agent.waitFor(/local API (http:\/\/127\.0\.0\.1:\d+)\/p2p\/status/, READY_MS);
}

const device = async (): Promise<DeviceRecord> => {
  const res = await api<DeviceRecord>(gatewayUrl, `/api/devices/${DEVICE}`, { token });
  if (res.status !== 200) throw new Error(`GET /api/devices/${DEVICE}: ${res.status}`);
  return res.body;
};
const agentGet = async <T>(path: string): Promise<T> => (await (await fetch(`${agentApi}${path}`)).json()) as T;
const deviceIs = (status: string) => async (): Promise<boolean> => (await device()).status === status;
const agentIs = (status: string) => async (): Promise<boolean> => (await agentGet<AgentStatus>('/p2p/status')).status === status;

async function echoesThrough(port: number, bytes: number): Promise<void> {
  const data = randomBytes(bytes);
  const back = await exchange(port, data);
  expect(back.length).toBe(data.length);
  expect(back.equals(data)).toBe(true);
}

beforeAll(async () => {
  dir = await tempDir('peerlink-cli-');
  service = await startTcpService(echo);
  const range = await freePortRange(4);
  tunnelPorts = `${range.min}-${range.max}`;
  await startGateway(0);
  const registered = await api<{ token: string }>(gatewayUrl, '/api/auth/register', { body: { username: 'owner', password: 'owner-secret-pw' } });
  token = registered.body.token;

  const add = peerlink(['device', 'add', DEVICE, '--gateway', gatewayUrl, '--token', token, '--service', `echo=${service.target}`]);
  expect(await add.exited).toBe(0);
  const out = add.lines.join('\n');
  expect(out).toMatch(/Credential \(shown once\): [A-Za-z0-9_-]{16,}/);
  const config = JSON.parse(out.slice(out.indexOf('{'))) as Record<string, unknown>;
  // As printed, except the key file location and a free local API port.
  configPath = join(dir.path, 'agent.json');
  await writeFile(configPath, JSON.stringify({ ...config, key_file: join(dir.path, 'agent.key'), local_api: '127.0.0.1:0' }));
  await startAgent();

  connect = peerlink(['connect', DEVICE, '--forward', '0:echo', '--mode', 'tunnel', '--gateway', gatewayUrl, '--token', token, '--stats-interval', '250']);
  forwardPort = Number(await connect.waitFor(/listening on 127\.0\.0\.1:(\d+)/, READY_MS));
}, 60_000);

afterAll(async () => {
  await killAllChildren();
  await service?.close();
  await dir?.remove();
});

describe('peerlink serve / device add / agent / connect as processes', () => {
  it('brings the device online and carries traffic through peerlink connect and the server port', async () => {
    await until(deviceIs('online'), 10_000, 'device online');
    const record = await device();
    expect(record).toMatchObject({ status: 'online', mode: 'tunnel' });
    expect(await agentGet<AgentStatus>('/p2p/status')).toMatchObject({ status: 'online', mode: 'tunnel' });
    await connect.waitFor(/path tunnel \(tunnel-mode\), reconnects 0/, 10_000);

    await echoesThrough(forwardPort, 256 * 1024);
    const serverPort = record.services.find((s) => s.name === 'echo')?.serverPort;
    expect(serverPort).toBeGreaterThanOrEqual(Number(tunnelPorts.split('-')[0]));
    await echoesThrough(serverPort!, 64 * 1024);

    const status = await agentGet<AgentStatus>('/p2p/status');
    expect(status.bytes_received).toBeGreaterThanOrEqual(256 * 1024 + 64 * 1024);
    expect(status.bytes_sent).toBeGreaterThanOrEqual(256 * 1024 + 64 * 1024);
  });

  it('kill -9 of the agent: offline while dead, new streams refused; online after a restart and streams work', async () => {
    const before = await device();
    await agent.kill('SIGKILL');
    await until(deviceIs('offline'), 5_000, 'device offline after kill -9');
    // Nothing answers on the dead agent's API (no stale "online" from anywhere).
    await expect(fetch(`${agentApi}/p2p/status`)).rejects.toThrow();
    expect((await exchange(forwardPort, Buffer.from('while dead'))).length).toBe(0);
    await connect.waitFor(/stream to echo refused: DEVICE_OFFLINE/, 5_000);

    await startAgent();
    await until(agentIs('online'), 10_000, 'restarted agent online');
    await until(deviceIs('online'), 5_000, 'device online after restart');
    expect((await device()).peerId).toBe(before.peerId); // same key file, same identity
    expect((await agentGet<AgentConnections>('/p2p/connections')).transports).toMatchObject([{ kind: 'tunnel', state: 'online', connects: 1 }]);
    await echoesThrough(forwardPort, 128 * 1024);
  });

  it('gateway restart: agent and connect reconnect on their own, the API reports each state', async () => {
    const port = Number(new URL(gatewayUrl).port);
    await gateway.kill('SIGTERM');
    await until(async () => (await agentGet<AgentStatus>('/p2p/status')).status !== 'online', 5_000, 'agent notices the gateway is gone');
    const down = await agentGet<AgentConnections>('/p2p/connections');
    expect(down.transports[0]?.state).toMatch(/^(offline|connecting)$/);
    await connect.waitFor(/tunnel down: /, 5_000);

    await startGateway(port);
    await until(agentIs('online'), 15_000, 'agent back online');
    await until(deviceIs('online'), 5_000, 'device online after gateway restart');
    expect((await agentGet<AgentConnections>('/p2p/connections')).transports[0]?.connects).toBe(2);
    await echoesThrough(forwardPort, 128 * 1024);
    await connect.waitFor(/path tunnel \(tunnel-mode\), reconnects 1/, 5_000);
  });
});
