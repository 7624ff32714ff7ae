import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIceServers, turnRestCredential } from './ice-servers.js';
import { errorOf, startTestApi } from './testkit/harness.js';

const NOW = Date.UTC(2029, 11, 31); // expiry = 1893369600 + 86400 = 1893456000

describe('turnRestCredential', () => {
  it('matches an HMAC-SHA1 computed independently', () => {
    // printf '%s' '1893456000:u-alice' | openssl dgst -sha1 -hmac 'S3cret' -binary | base64
    // python3: base64.b64encode(hmac.new(b'S3cret', b'1893456000:u-alice', hashlib.sha1).digest())
    expect(turnRestCredential('S3cret', 'u-alice', NOW, 86_400)).toEqual({
      username: '1893456000:u-alice',
      credential: 'nou+/9/ThsEKQItPO6z6+tmRmSY=',
      expiresAt: 1_893_456_000,
    });
  });

  it('refuses user ids containing the separator and bad lifetimes', () => {
    expect(() => turnRestCredential('s', 'a:b', NOW, 60)).toThrow(RangeError);
    expect(() => turnRestCredential('s', 'a', NOW, 0)).toThrow(RangeError);
  });
});

describe('buildIceServers', () => {
  const config = { stunUrls: ['stun:127.0.0.1:3478'], turnUrls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], turnSecret: 'S3cret', ttlSeconds: 86_400 };

  it('gives STUN URLs bare and TURN URLs with a REST credential', () => {
    expect(buildIceServers(config, 'u-alice', NOW)).toEqual({
      iceServers: [
        { urls: ['stun:127.0.0.1:3478'] },
        { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], username: '1893456000:u-alice', credential: 'nou+/9/ThsEKQItPO6z6+tmRmSY=' },
      ],
      ttlSeconds: 86_400,
    });
  });

  it('leaves out TURN without a secret and entries without URLs', () => {
    expect(buildIceServers({ ...config, turnSecret: undefined }, 'u', NOW).iceServers).toEqual([{ urls: ['stun:127.0.0.1:3478'] }]);
    expect(buildIceServers({ ...config, stunUrls: [], turnUrls: [] }, 'u', NOW).iceServers).toEqual([]);
  });
});

describe('GET /api/ice-servers', () => {
  it('hands the authenticated user a credential for their own id, uncached', async () => {
    const api = await startTestApi({ now: () => NOW, iceServers: { stunUrls: ['stun:example.test:3478'], turnUrls: ['turn:example.test:3478'], turnSecret: 'S3cret', ttlSeconds: 600 } });
    try {
      const { token, userId } = await api.register('alice');
      const res = await api.get('/api/ice-servers', token);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const expected = turnRestCredential('S3cret', userId, NOW, 600);
      expect(res.json()).toEqual({
        iceServers: [{ urls: ['stun:example.test:3478'] }, { urls: ['turn:example.test:3478'], username: expected.username, credential: expected.credential }],
        ttlSeconds: 600,
      });
      expect(expected.username).toBe(`${Math.floor(NOW / 1000) + 600}:${userId}`);
      expect(errorOf(await api.get('/api/ice-servers'))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    } finally {
      await api.close();
    }
  });
});

/** Real coturn with `use-auth-secret` must accept our credentials and refuse bad ones. */
describe('coturn interop', () => {
  const secret = 'interop-secret';
  let dir: string;
  let port: number;
  let turnserver: ReturnType<typeof spawn>;
  let startupError: Error | undefined;

  /** Ready once a STUN Binding request (RFC 8489 §6) on our port gets any answer. */
  async function waitForStunAnswer(): Promise<void> {
    const socket = createSocket('udp4');
    try {
      const answered = new Promise<void>((resolve) => socket.once('message', () => resolve()));
      const request = Buffer.alloc(20);
      request.writeUInt16BE(0x0001, 0); // Binding request, length 0
      request.writeUInt32BE(0x2112a442, 4); // magic cookie; transaction id stays zero
      for (let attempt = 0; attempt < 100; attempt++) {
        if (startupError) throw startupError;
        socket.send(request, port, '127.0.0.1');
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 100));
        if ((await Promise.race([answered, timeout])) !== 'timeout') return;
      }
      throw new Error('turnserver did not answer STUN within 10 s');
    } finally {
      socket.close();
    }
  }

  async function freeUdpPort(): Promise<number> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port: p } = socket.address();
    await new Promise<void>((resolve) => socket.close(resolve));
    return p;
  }

  function uclient(username: string, credential: string): Promise<{ code: number; output: string }> {
    // -y: two clients relay to each other through their allocations; -c: no RTCP pair; -n 1: one message each.
    const args = ['-u', username, '-w', credential, '-y', '-c', '-n', '1', '-z', '5', '-p', String(port), '127.0.0.1'];
    return new Promise((resolve) => {
      execFile('turnutils_uclient', args, { timeout: 20_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}${stderr}` });
      });
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlink-coturn-'));
    port = await freeUdpPort();
    turnserver = spawn(
      'turnserver',
      ['--use-auth-secret', '--static-auth-secret', secret, '--realm', 'peerlink.test', '--no-cli', '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1',
        '-p', String(port), '--allow-loopback-peers', '--no-tls', '--no-dtls', '--pidfile', join(dir, 'turnserver.pid'), '--userdb', join(dir, 'turndb'),
        '--log-file', 'stdout', '--simple-log', '--min-port', '40000', '--max-port', '40999'],
      { stdio: 'ignore' },
    );
    turnserver.once('exit', (code) => {
      startupError = new Error(`turnserver exited early (${code})`);
    });
    await waitForStunAnswer();
  });

  afterAll(async () => {
    if (turnserver?.exitCode === null) {
      const exited = new Promise((resolve) => turnserver.once('exit', resolve));
      turnserver.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('allocates and relays with our credential; refuses a wrong or expired one', async () => {
    const good = turnRestCredential(secret, 'u-alice', Date.now(), 600);
    const ok = await uclient(good.username, good.credential);
    expect(ok.output).toMatch(/tot_recv_msgs=2\b/);
    expect(ok.code).toBe(0);

    const wrong = await uclient(good.username, turnRestCredential(`${secret}x`, 'u-alice', Date.now(), 600).credential);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toContain('Cannot complete Allocation');

    const expired = turnRestCredential(secret, 'u-alice', Date.now() - 3_600_000, 600);
    const late = await uclient(expired.username, expired.credential);
    expect(late.code).not.toBe(0);
    expect(late.output).toContain('Cannot complete Allocation');
  });
});
