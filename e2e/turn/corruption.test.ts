/**
 * Corruption soak: coturn's turnutils_uclient in its negative-test mode (-R,
 * corrupted requests and data) against our server, with a clean uclient run
 * alongside that must lose nothing; afterwards the server still answers
 * Binding and its memory has stayed bounded. ~20 s in `npm test`; set
 * PEERLINK_TURN_SOAK_SECONDS=300 for the long run.
 *
 * The corrupting clients alternate Send indications (-s) and channels; the
 * server accepts RFC 5766 channel numbers here (`legacyChannelNumbers`),
 * because uclient picks them from 0x4000–0x7FFF.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnServer, type TurnServerHandle } from '@peerlink/turn-server';
import { collect, freeUdpPort } from './support.js';

const SECRET = 'soak-secret-0123456789abcdef';
const SOAK_MS = Number(process.env.PEERLINK_TURN_SOAK_SECONDS ?? 20) * 1000;
/** Growth of the test process's heap over the soak that still counts as bounded. */
const MAX_HEAP_GROWTH_BYTES = 64 << 20;

let server: TurnServerHandle;
let peer: ChildProcess;
let peerPort: number;

beforeAll(async () => {
  server = await createTurnServer({
    secret: SECRET,
    port: 0,
    listenAddress: '127.0.0.1',
    allowPeers: ['127.0.0.1/32'],
    relayPorts: { min: 26_100, max: 26_799 },
    quotas: { allocationsPerUser: 500 },
    legacyChannelNumbers: true,
  });
  peerPort = await freeUdpPort();
  peer = spawn('turnutils_peer', ['-p', String(peerPort), '-L', '127.0.0.1'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 200));
});

afterAll(async () => {
  peer.kill('SIGKILL');
  await server.close();
});

function uclient(extra: string[], user: string, timeoutMs = 60_000): Promise<string> {
  const args = ['-W', SECRET, '-u', user, '-e', '127.0.0.1', '-r', String(peerPort), '-p', String(server.udpAddress.port), '-c', '-X', ...extra, '127.0.0.1'];
  return collect('turnutils_uclient', args, timeoutMs);
}

/** Restarts a corrupting client whenever it ends (some -R runs wait forever), until `deadline`. */
async function corruptUntil(deadline: number, extra: string[], user: string): Promise<number> {
  let runs = 0;
  while (Date.now() < deadline) {
    await uclient(['-R', ...extra], user, Math.max(1, deadline - Date.now()));
    runs++;
  }
  return runs;
}

function summary(output: string): { sent: number; received: number; lost: number } {
  const counts = [...output.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
  const lost = /Total lost packets (\d+)/.exec(output);
  return { sent: Number(counts?.[1] ?? -1), received: Number(counts?.[2] ?? -1), lost: Number(lost?.[1] ?? -1) };
}

describe('corruption soak (turnutils_uclient -R)', () => {
  it(
    'survives corrupted traffic while a clean client loses nothing; memory stays bounded',
    async () => {
      const deadline = Date.now() + SOAK_MS;
      const corrupt = Promise.all([
        corruptUntil(deadline, ['-s', '-n', '100', '-m', '10', '-l', '170'], 'corrupt-send'),
        corruptUntil(deadline, ['-n', '100', '-m', '10', '-l', '170'], 'corrupt-channel'),
        corruptUntil(deadline, ['-t', '-n', '50', '-m', '5', '-l', '170'], 'corrupt-tcp'),
      ]);
      let heapAfterFirst: number | undefined;
      let rounds = 0;
      do {
        const clean = summary(await uclient(['-s', '-n', '100', '-m', '5', '-l', '170'], 'clean'));
        expect(clean).toEqual({ sent: 500, received: 500, lost: 0 });
        rounds++;
        heapAfterFirst ??= process.memoryUsage().heapUsed;
      } while (Date.now() < deadline);
      expect((await corrupt).every((runs) => runs > 0)).toBe(true);
      expect(rounds).toBeGreaterThan(0);
      const stun = await collect('turnutils_stunclient', ['-p', String(server.udpAddress.port), '127.0.0.1'], 10_000);
      expect(stun).toMatch(/UDP reflexive addr: 127\.0\.0\.1:\d+/);
      expect(process.memoryUsage().heapUsed - heapAfterFirst).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
      // Allocations left behind by killed or corrupted clients are bounded by the quota and expire.
      expect(server.allocationCount).toBeLessThanOrEqual(1500);
    },
    SOAK_MS + 120_000,
  );
});
