import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTurnServer, restPassword, restUsername, type TurnServerHandle } from '@peerlink/turn-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDoctorReport } from './format.js';
import { iceUrlHostPort } from './probes.js';
import { runDoctor } from './run.js';

const SECRET = 'doctor-test-secret-0123456789';
let turnA: TurnServerHandle;
let turnB: TurnServerHandle;
let http: Server;
let gateway: string;

beforeAll(async () => {
  const opts = { port: 0, listenAddress: '127.0.0.1', secret: SECRET, relayPorts: { min: 50200, max: 50299 } };
  turnA = await createTurnServer(opts);
  turnB = await createTurnServer({ ...opts, relayPorts: { min: 50300, max: 50399 } });
  // A stand-in gateway: /healthz, /api/ice-servers for token "t", and the tunnel endpoint refusing the upgrade.
  http = createServer((req, res) => {
    if (req.url === '/healthz') return void res.end('{"status":"ok"}');
    if (req.url === '/api/ice-servers' && req.headers.authorization === 'Bearer t') {
      const username = restUsername(Date.now() + 60_000, 'u1');
      res.setHeader('content-type', 'application/json');
      return void res.end(JSON.stringify({ iceServers: [{ urls: [`turn:127.0.0.1:${turnA.udpAddress.port}`], username, credential: restPassword(SECRET, username) }] }));
    }
    res.statusCode = 404;
    res.end();
  });
  http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  gateway = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([turnA.close(), turnB.close(), new Promise((resolve) => http.close(resolve))]);
});

describe('runDoctor against real STUN/TURN servers on loopback', () => {
  it('compares two servers from one socket and allocates over UDP and TCP with /api/ice-servers credentials', async () => {
    const stun = [
      { host: '127.0.0.1', port: turnA.udpAddress.port },
      { host: '127.0.0.1', port: turnB.udpAddress.port },
    ];
    const report = await runDoctor({ gateway, stun, token: 't', timeoutMs: 1500 });
    expect(report.probes.mapping.map((m) => m.mapped?.address)).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(report.mapping).toBe('endpoint-independent');
    expect(report.probes.turnUdp).toMatchObject({ outcome: 'allocated', relayed: { address: '127.0.0.1' } });
    expect(report.probes.turnTcp).toMatchObject({ outcome: 'allocated' });
    expect(report.probes.http).toMatchObject({ reachable: true, status: 200 });
    expect(report.probes.tunnel).toMatchObject({ reachable: true, status: 401 });
    expect(report).toMatchObject({ path: 'direct', reason: 'endpoint-independent-mapping' });
    expect(formatDoctorReport(report)).toMatch(/likely path: +direct/);
  });

  it('without a token a 401 challenge proves TURN reachable; a silent port is a timeout', async () => {
    const silent = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const report = await runDoctor({
      gateway,
      stun: [{ host: '127.0.0.1', port: turnA.udpAddress.port }],
      turn: { host: '127.0.0.1', port: turnA.udpAddress.port },
      timeoutMs: 800,
    });
    expect(report.probes.turnUdp?.outcome).toBe('auth-required');
    expect(report.mapping).toBe('unknown');
    const dead = await runDoctor({ gateway: `http://127.0.0.1:${silent}`, stun: [{ host: '127.0.0.1', port: silent }], timeoutMs: 600, rtoMs: 100 });
    expect(dead.probes.mapping[0]?.error).toBe('DOCTOR_TIMEOUT');
    expect(dead.probes.turnTcp).toMatchObject({ outcome: 'unreachable', error: 'DOCTOR_UNREACHABLE' });
    expect(dead).toMatchObject({ mapping: 'udp-blocked', path: 'none', reason: 'gateway-unreachable' });
  });

  it('parses ICE URLs', () => {
    expect(iceUrlHostPort('turn:203.0.113.10:3478?transport=tcp')).toEqual({ scheme: 'turn', host: '203.0.113.10', port: 3478, transport: 'tcp' });
    expect(iceUrlHostPort('stun:[2001:db8::1]')).toEqual({ scheme: 'stun', host: '2001:db8::1', port: 3478, transport: undefined });
    expect(iceUrlHostPort('turns:x:5349')).toBeUndefined();
    expect(iceUrlHostPort('stun:x:70000')).toBeUndefined();
  });
});
