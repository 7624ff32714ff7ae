/**
 * The full connectivity matrix (`npm run test:nat`): every ordered pair of
 * testbed client kinds, (a) STUN only and (b) with TURN, node-datachannel
 * peers signaling through this process. Writes docs/CONNECTIVITY.md, then
 * fails listing every cell that differs from `matrix.ts`.
 *
 * Knob: PL_NAT_KINDS=eim,symmetric limits the kinds (the page is then not written).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConnectivity } from './connectivity-doc.js';
import { bundlePeer, differences, runCells, type CellMode } from './matrix-runner.js';
import { CLIENT_KINDS, REPO, setupTestbed, startGateway, teardownTestbed, type ClientKind, type TestbedGateway } from './testbed/index.js';

/** Cells in flight at once (two node processes each, 2 cores): failures cost their whole timeout, so overlap them. */
const CONCURRENCY = 6;
const kinds: readonly ClientKind[] = process.env.PL_NAT_KINDS
  ? CLIENT_KINDS.filter((k) => process.env.PL_NAT_KINDS!.split(',').includes(k))
  : CLIENT_KINDS;

let gateway: TestbedGateway | undefined;
let peer: { file: string; dir: string } | undefined;

beforeAll(async () => {
  setupTestbed();
  gateway = await startGateway();
  peer = await bundlePeer();
});

afterAll(async () => {
  await gateway?.stop();
  teardownTestbed();
  if (peer) rmSync(peer.dir, { recursive: true, force: true });
});

describe('connectivity matrix on the real-NAT testbed', () => {
  it('every ordered pair matches NAT theory, STUN only and with TURN', async () => {
    const modes: CellMode[] = ['stun', 'turn'];
    const cells = modes.flatMap((mode) => kinds.flatMap((a) => kinds.map((b) => ({ mode, a, b }))));
    const started = Date.now();
    const results = await runCells(peer!.file, gateway!.turnSecret, cells, CONCURRENCY);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (kinds.length === CLIENT_KINDS.length) {
      writeFileSync(join(REPO, 'docs/CONNECTIVITY.md'), renderConnectivity(results, new Date(), seconds));
    }
    for (const r of results) console.log(`${r.mode} ${r.a}→${r.b}: ${r.measured} (expected ${r.expected}) ${r.reason} ${r.peer?.timeToConnectedMs ?? '-'} ms`);
    expect(differences(results)).toEqual([]);
  });
});
