/**
 * Debian's coturn as the TURN server of a test, until the embedded one is
 * wired into the gateway: loopback only, TURN REST auth (`use-auth-secret`)
 * with the gateway's secret, loopback peers allowed (coturn denies them by
 * default, as we should).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface Coturn {
  readonly url: string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** Resolves once a STUN Binding request (RFC 8489 §6) to `port` gets any answer. */
async function stunReachable(port: number, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4');
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  const deadline = Date.now() + timeoutMs;
  try {
    const answered = once(socket, 'message');
    while (Date.now() < deadline) {
      socket.send(request, port, '127.0.0.1');
      const tick = new Promise((resolve) => setTimeout(resolve, 100, 'tick'));
      if ((await Promise.race([answered.then(() => 'answer'), tick])) === 'answer') return;
    }
    throw new Error(`turnserver did not answer STUN on 127.0.0.1:${port} within ${timeoutMs} ms`);
  } finally {
    socket.close();
  }
}

/** Starts `turnserver`; resolves once it listens. `secret` is the TURN REST shared secret. */
export async function startCoturn(secret: string): Promise<Coturn> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'peerlink-coturn-'));
  // A relay range of its own, away from the listening port; collisions only cost a retry inside coturn.
  const minPort = 40_000 + Math.floor(Math.random() * 200) * 100;
  const child: ChildProcess = spawn(
    process.env.PEERLINK_TURNSERVER ?? '/usr/bin/turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=peerlink',
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-tcp-relay',
      '--log-file=stdout',
      '--simple-log',
      `--db=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`turnserver exited (${code}): ${output.slice(-2000)}`)));
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return rmSync(dir, { recursive: true, force: true });
    child.kill('SIGTERM');
    await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([stunReachable(port, 10_000), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, stop };
}
