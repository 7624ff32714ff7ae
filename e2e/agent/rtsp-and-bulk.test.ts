/**
 * Real RTSP through the tunnel, 100 MB byte-exact, 20 streams with one slow
 * reader, and faults (tunnel cut, gateway restart).
 *
 * Debian's ffmpeg has no RTSP PLAY server: `-rtsp_flags listen` is a demuxer
 * flag (ffmpeg listens and RECEIVES an ANNOUNCE/RECORD session). So the
 * listening side (ffprobe, behind the agent, like the camera's RTSP port) and
 * the publishing side (ffmpeg, H.264 test pattern, RTP interleaved over TCP,
 * through the forwarded port) are both real RTSP implementations.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, echo, register, startTcpService, startTestGateway, tempDir, until, type TcpService, type TestGateway } from './harness.js';
import { exchange, sendHashedBulk, startAgent, startForwarder, type RunningAgent } from './agent-helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let gw: TestGateway;
let agent: RunningAgent;
let owner: string;
let echoService: TcpService;
let sink: TcpService;
let rtspPort: number;
const sinkDigests: Promise<string>[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

beforeAll(async () => {
  dir = await tempDir('peerlink-agent-bulk-');
  gw = await startTestGateway(dir.path, { tunnelPorts: { min: 21_200, max: 21_299 } });
  owner = await register(gw.url, 'owner');
  echoService = await startTcpService(echo);
  sink = await startTcpService((socket) => {
    const hash = createHash('sha256');
    sinkDigests.push(new Promise((resolve) => socket.on('end', () => {
      resolve(hash.digest('hex'));
      socket.end();
    })));
    socket.on('data', (c: Buffer) => hash.update(c));
  });
  rtspPort = await freePort();
  const credential = await createDevice(gw.url, owner, 'cam-bulk', ['echo', 'sink', 'rtsp']);
  agent = await startAgent({
    gatewayUrl: gw.url,
    deviceId: 'cam-bulk',
    credential,
    services: [{ name: 'echo', target: echoService.target }, { name: 'sink', target: sink.target }, { name: 'rtsp', target: `127.0.0.1:${rtspPort}` }],
    dir: dir.path,
  });
  await until(() => gw.relay.isOnline('cam-bulk'), 10_000, 'agent online');
});

afterAll(async () => {
  await agent?.stop();
  await echoService?.close();
  await sink?.close();
  await gw?.stop();
  await dir?.remove();
});

describe('tunnel data path', () => {
  it('carries a real RTSP session (H.264 over interleaved RTP) through the server port', async () => {
    const probe = new Promise<string>((resolve, reject) => {
      execFile('ffprobe', ['-v', 'error', '-rtsp_flags', 'listen', '-timeout', '15000000', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', `rtsp://127.0.0.1:${rtspPort}/cam`], { timeout: 25_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message} ${stderr}`)) : resolve(stdout.trim()),
      );
    });
    // ffprobe accepts exactly one connection, so readiness cannot be probed by connecting: give it a moment to bind.
    await new Promise((r) => setTimeout(r, 1000));
    // Server ports follow the service order at creation: echo 21200, sink 21201, rtsp 21202.
    const publisher = spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-f', 'rtsp', '-rtsp_transport', 'tcp', 'rtsp://127.0.0.1:21202/cam'], { stdio: 'ignore' });
    try {
      expect(await probe).toBe('h264,320,240');
    } finally {
      publisher.kill('SIGKILL');
    }
  });

  it('moves 100 MB byte-exact (sha256) through /tunnel/client', async () => {
    const fwd = await startForwarder(gw.url, owner, 'cam-bulk', 'sink');
    try {
      const before = sinkDigests.length;
      const { digest, socket } = await sendHashedBulk(fwd.port, 100);
      await until(() => sinkDigests.length > before, 30_000, 'sink connection');
      expect(await sinkDigests[before]).toBe(digest);
      socket.destroy();
    } finally {
      await fwd.forwarder.stop();
    }
  });

  it('20 concurrent streams, one never reads: the others finish and buffering stays bounded', async () => {
    const fwd = await startForwarder(gw.url, owner, 'cam-bulk', 'echo');
    try {
      const slow: Socket = connect(fwd.port, '127.0.0.1');
      slow.pause();
      await new Promise<void>((r) => slow.once('connect', () => r()));
      const blob = Buffer.alloc(8 << 20, 1);
      slow.write(blob); // 8 MiB the echo sends back to a reader that never reads
      const payload = Buffer.alloc(2 << 20, 9);
      const results = await Promise.all(Array.from({ length: 19 }, () => exchange(fwd.port, payload)));
      for (const r of results) expect(r.equals(payload)).toBe(true);
      // The slow stream holds at most its windows and socket buffers, not the whole 8 MiB per hop.
      expect(gw.relay.stats().agentBufferedBytes).toBeLessThan(4 << 20);
      expect(agent.agent.status().active_connections).toBeGreaterThanOrEqual(1);
      slow.destroy();
    } finally {
      await fwd.forwarder.stop();
    }
  });
});

describe('faults', () => {
  it('cut tunnel (POST /p2p/reconnect): the agent comes back and new streams work', async () => {
    const connects = agent.agent.transports()[0]!.connects;
    expect((await fetch(`${agent.apiUrl}/p2p/reconnect`, { method: 'POST' })).status).toBe(202);
    await until(() => agent.agent.transports()[0]!.connects > connects && gw.relay.isOnline('cam-bulk'), 10_000, 'reconnect');
    expect((await exchange(21_200, Buffer.from('after reconnect'))).toString()).toBe('after reconnect');
  });

  it('gateway restart: the agent reports offline, then reconnects; new streams work', async () => {
    const port = gw.port;
    await gw.stop();
    await until(() => agent.agent.status().status !== 'online', 10_000, 'agent notices');
    const status = await (await fetch(`${agent.apiUrl}/p2p/status`)).json();
    expect(status.connection_quality).toBe('lost');
    gw = await startTestGateway(dir.path, { tunnelPorts: { min: 21_200, max: 21_299 } }, port);
    await until(() => gw.relay.isOnline('cam-bulk'), 15_000, 'agent back online');
    expect((await exchange(21_200, Buffer.from('after restart'))).toString()).toBe('after restart');
  });
});
