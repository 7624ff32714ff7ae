/**
 * Interop with coturn's real clients (Debian `coturn` 4.6.1): turnutils_stunclient,
 * turnutils_uclient and turnutils_peer against our server on loopback.
 *
 * uclient runs with `-s` (Send/Data indications): its ChannelBind picks
 * channel numbers from RFC 5766's 0x4000–0x7FFF, which RFC 8656 narrowed to
 * 0x4000–0x4FFF, so our server rightly answers 400 to most of them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnServer, type TurnServerHandle } from './turn-server.js';

const SECRET = 'interop-secret-0123456789';

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** uclient's summary: "tot_send_msgs=N, tot_recv_msgs=M" and "Total lost packets L (x%)". */
function summary(output: string): { sent: number; received: number; lost: number } {
  const counts = [...output.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
  const lost = /Total lost packets (\d+)/.exec(output);
  return { sent: Number(counts?.[1] ?? -1), received: Number(counts?.[2] ?? -1), lost: Number(lost?.[1] ?? -1) };
}

let server: TurnServerHandle;
let closed: TurnServerHandle;
let peer: ChildProcess;
let peerPort: number;
const registry = new Registry();

function uclient(target: TurnServerHandle, extra: string[], peerAddress = '127.0.0.1'): Promise<string> {
  const args = ['-W', SECRET, '-u', 'interop', '-e', peerAddress, '-r', String(peerPort), '-p', String(target.udpAddress.port), '-s', '-c', '-X', ...extra, '127.0.0.1'];
  return run('turnutils_uclient', args, 55_000);
}

beforeAll(async () => {
  const common = { port: 0, listenAddress: '127.0.0.1', secret: SECRET, relayPorts: { min: 22_000, max: 24_999 }, quotas: { allocationsPerUser: 200 } };
  server = await createTurnServer({ ...common, allowPeers: ['127.0.0.1/32'], registry });
  closed = await createTurnServer(common);
  peerPort = await freeUdpPort();
  peer = spawn('turnutils_peer', ['-p', String(peerPort), '-L', '127.0.0.1'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 200));
});

afterAll(async () => {
  peer.kill('SIGKILL');
  await Promise.all([server.close(), closed.close()]);
});

describe('coturn clients against our server', () => {
  it('turnutils_stunclient gets its reflexive address', async () => {
    const output = await run('turnutils_stunclient', ['-p', String(server.udpAddress.port), '127.0.0.1'], 10_000);
    expect(output).toMatch(/UDP reflexive addr: 127\.0\.0\.1:\d+/);
  });

  it('turnutils_uclient functional run over UDP: every packet comes back', async () => {
    const result = summary(await uclient(server, []));
    expect(result).toEqual({ sent: 5, received: 5, lost: 0 });
  });

  it('RTP-like load over UDP (-n 1000 -m 50 -l 170) with 0% loss', async () => {
    const result = summary(await uclient(server, ['-n', '1000', '-m', '50', '-l', '170']));
    expect(result).toEqual({ sent: 50_000, received: 50_000, lost: 0 });
    const metrics = await registry.getSingleMetricAsString('peerlink_turn_relayed_packets_total');
    expect(metrics).toMatch(/client_to_peer"} \d{5,}/);
  }, 70_000);

  it('RTP-like load over TCP (-t) with 0% loss', async () => {
    const result = summary(await uclient(server, ['-t', '-n', '1000', '-m', '50', '-l', '170']));
    expect(result).toEqual({ sent: 50_000, received: 50_000, lost: 0 });
  }, 70_000);

  it.each([
    ['loopback without an allow-list', () => closed, '127.0.0.1'],
    ['0.0.0.0', () => server, '0.0.0.0'],
    ['a private 10.x address', () => server, '10.11.12.13'],
  ])('a forbidden peer (%s) gets 403 and nothing is relayed', async (_name, target, address) => {
    const output = await uclient(target(), [], address);
    expect(output).toMatch(/403/);
    expect(summary(output).received).toBeLessThanOrEqual(0);
  });
});
