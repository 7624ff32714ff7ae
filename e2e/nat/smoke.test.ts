/**
 * NAT testbed smoke: real namespaces, real NAT (iptables), the built gateway
 * with its embedded STUN/TURN and coturn as second STUN server. `peerlink
 * doctor` (bundled from source) runs behind each router kind and must
 * classify it: mapping behaviour and likely path. Two matrix cells (the full
 * matrix is `npm run test:nat`): eim↔eim connects directly with STUN only,
 * eim↔symmetric only through the TURN relay. One hybrid cell: the agent
 * (`peerlink agent`, hybrid) behind web-only reaches an open client through
 * the gateway tunnel (`peerlink connect --mode hybrid`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '@peerlink/sdk/doctor';
import { EXPECTED_DOCTOR } from './matrix.js';
import { runHybridCell } from './hybrid-runner.js';
import { bundlePeer, runCell } from './matrix-runner.js';
import { killAllNsProcesses } from './ns-process.js';
import { CLIENT_KINDS, GATEWAY, REPO, bundleEntry, cliPath, clientNs, nsRun, publicIp, setupTestbed, startGateway, teardownTestbed, type TestbedGateway } from './testbed/index.js';

let gateway: TestbedGateway | undefined;
let doctorJs: string;
let toolsJs: string;
let peer: { file: string; dir: string } | undefined;
const work = mkdtempSync(join(tmpdir(), 'pl-nat-smoke-'));

beforeAll(async () => {
  setupTestbed();
  gateway = await startGateway();
  doctorJs = await bundleEntry(join(REPO, 'e2e/nat/doctor-entry.ts'), work);
  toolsJs = await bundleEntry(join(REPO, 'e2e/nat/stream-entry.ts'), work);
  peer = await bundlePeer();
}, 60_000);

afterAll(async () => {
  await killAllNsProcesses();
  await gateway?.stop();
  teardownTestbed();
  rmSync(work, { recursive: true, force: true });
  if (peer) rmSync(peer.dir, { recursive: true, force: true });
});

async function doctor(ns: string): Promise<DoctorReport> {
  const options = {
    gateway: gateway!.url,
    stun: [
      { host: GATEWAY.ip, port: GATEWAY.turnPort },
      { host: GATEWAY.ip, port: GATEWAY.altStunPort },
    ],
    timeoutMs: 1500,
  };
  const r = await nsRun(ns, ['node', doctorJs, JSON.stringify(options)], 15_000);
  if (r.code !== 0) throw new Error(`doctor in ${ns} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as DoctorReport;
}

describe('peerlink doctor behind each router kind of the testbed', () => {
  it('classifies every kind as NAT theory says', async () => {
    const reports = await Promise.all(CLIENT_KINDS.map((kind) => doctor(clientNs(kind, 'a'))));
    CLIENT_KINDS.forEach((kind, i) => {
      const report = reports[i]!;
      const expected = EXPECTED_DOCTOR[kind];
      expect({ kind, mapping: report.mapping, path: report.path, reason: report.reason }).toEqual({ kind, ...expected });
      if (kind !== 'webonly') expect(report.publicAddress?.address).toBe(publicIp(kind, 'a'));
      expect(report.probes.tunnel.reachable).toBe(true);
    });
  });
});

describe('WebRTC across the testbed routers (node-datachannel, gateway STUN/TURN)', () => {
  it('eim ↔ eim connects directly with STUN only (simultaneous punching)', async () => {
    const cell = await runCell(peer!.file, gateway!.turnSecret, 'stun', 'eim', 'eim');
    expect(cell.measured, cell.reason).toBe('direct');
    // Both ends are NATed: the selected pair uses server-reflexive (or, when a
    // check beat the trickled candidate, peer-reflexive) addresses, never host.
    expect(['srflx', 'prflx']).toContain(cell.peer?.localType);
    expect(['srflx', 'prflx']).toContain(cell.peer?.remoteType);
    expect(cell.peer?.roundTripMs).toBeTypeOf('number');
  });

  it('eim ↔ symmetric connects only through the TURN relay', async () => {
    const cell = await runCell(peer!.file, gateway!.turnSecret, 'turn', 'eim', 'symmetric');
    expect(cell.measured, cell.reason).toBe('relay');
    expect(cell.peer?.connected).toBe(true);
  });
});

describe('hybrid agent across the testbed (built peerlink agent and connect)', () => {
  it('web-only agent ↔ open client: the stream goes through the gateway tunnel, byte-exact', async () => {
    const cell = await runHybridCell({ cli: cliPath(), tools: toolsJs, turnSecret: gateway!.turnSecret, work }, 'webonly', 'open');
    expect(cell.measured, cell.reason).toBe('tunnel');
    expect(cell.reason).toMatch(/p2p failed|no p2p within/);
  }, 30_000);
});
