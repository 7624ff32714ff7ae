/**
 * Run connectivity matrix cells on the NAT testbed: two bundled
 * `peer-entry.ts` processes, one per client namespace, signaling through this
 * process (stdin/stdout JSON lines), against the gateway's embedded STUN/TURN.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerConfig, PeerResult, PeerToRunner } from './peer-entry.js';
import { onJsonLines } from './json-lines.js';
import { expectStunOnly, expectWithTurn, meetsExpectation, type CellPath } from './matrix.js';
import { GATEWAY, REPO, bundleEntry, clientNs, type ClientKind } from './testbed/index.js';

/** (a) STUN only, (b) STUN + TURN (UDP) with `iceTransportPolicy: 'all'`. */
export type CellMode = 'stun' | 'turn';

/**
 * Offerer's deadline from offer to an echoed data-channel message. Every
 * expected failure costs all of it. Most pairs connect in under 1.5 s, but a
 * relayed pair on the lossy link (1 % loss each way) once reached "ICE
 * connected" and still had no DTLS after 8 s: DTLS retransmits a lost flight
 * after 1 s, then 2 s, then 4 s, so 12 s covers two lost flights.
 */
export const CELL_TIMEOUT_MS = 12_000;
/** Extra time for process start-up and exit before the runner kills both peers. */
const PROCESS_GRACE_MS = 7_000;
/** Lifetime of the TURN REST credentials the runner mints. */
const CREDENTIAL_TTL_SECONDS = 600;

export interface CellResult {
  readonly a: ClientKind;
  readonly b: ClientKind;
  readonly mode: CellMode;
  readonly expected: CellPath;
  /** What happened: direct (no relay candidate selected), relay (either side relay) or fail. */
  readonly measured: CellPath;
  readonly peer: PeerResult | null;
  /** Why, in words: selected candidate types, or the ICE state at the deadline / process error. */
  readonly reason: string;
}

/** TURN REST credentials (coturn's `use-auth-secret`): user `<expiry>:<user>`, password base64(HMAC-SHA1(secret, user)). */
export function turnRestCredentials(secret: string, user: string, nowMs: number): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + CREDENTIAL_TTL_SECONDS}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * libdatachannel ICE server URLs for a mode. Only TURN over UDP: libjuice
 * (node-datachannel's ICE agent) does not allocate over TCP.
 */
export function iceServersFor(mode: CellMode, turnSecret: string, user: string, nowMs: number): string[] {
  const stun = `stun:${GATEWAY.ip}:${GATEWAY.turnPort}`;
  if (mode === 'stun') return [stun];
  const { username, credential } = turnRestCredentials(turnSecret, user, nowMs);
  return [stun, `turn:${encodeURIComponent(username)}:${encodeURIComponent(credential)}@${GATEWAY.ip}:${GATEWAY.turnPort}?transport=udp`];
}

export const expectedFor = (mode: CellMode, a: ClientKind, b: ClientKind): CellPath => (mode === 'stun' ? expectStunOnly(a, b) : expectWithTurn(a, b));

/**
 * Bundle the peer program. The bundle lives under the repository's
 * node_modules so its external `node-datachannel` import (a native addon)
 * resolves from there.
 */
export async function bundlePeer(): Promise<{ file: string; dir: string }> {
  const cache = join(REPO, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'pl-nat-peer-'));
  return { file: await bundleEntry(join(REPO, 'e2e/nat/peer-entry.ts'), dir), dir };
}

function startPeer(ns: string, peerJs: string, config: PeerConfig): ChildProcess {
  // PL_NAT_PEER_LOG=Debug (env) turns on libdatachannel's log on the peers' stderr, printed per cell.
  const child = spawn('ip', ['netns', 'exec', ns, 'node', peerJs, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin?.on('error', () => undefined); // the other side may exit first (EPIPE)
  return child;
}

function onLines(child: ChildProcess, cb: (m: PeerToRunner) => void): void {
  if (child.stdout) onJsonLines(child.stdout, cb);
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('close', () => r()));

function classify(peer: PeerResult | null): CellPath {
  if (!peer?.connected) return 'fail';
  return peer.localType === 'relay' || peer.remoteType === 'relay' ? 'relay' : 'direct';
}

function reasonOf(peer: PeerResult | null, stderr: string): string {
  if (!peer) return `peer process gave no result${stderr ? `: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}` : ''}`;
  if (peer.connected) return `selected pair ${peer.localType ?? '?'} → ${peer.remoteType ?? '?'}`;
  return `not connected within ${CELL_TIMEOUT_MS / 1000} s (ICE ${peer.iceState}, connection ${peer.state})`;
}

/** One ordered pair: `a` (side a, offerer) ↔ `b` (side b, answerer). Both processes have exited when it resolves. */
export async function runCell(peerJs: string, turnSecret: string, mode: CellMode, a: ClientKind, b: ClientKind): Promise<CellResult> {
  // One TURN user per peer and cell: the server allows 10 live allocations per
  // user (486 Allocation Quota Reached beyond), and a killed peer's allocation
  // lives until it expires.
  const servers = (side: string): string[] => iceServersFor(mode, turnSecret, `matrix-${mode}-${a}-${b}-${side}`, Date.now());
  const offerer = startPeer(clientNs(a, 'a'), peerJs, { role: 'offerer', iceServers: servers('a'), timeoutMs: CELL_TIMEOUT_MS });
  const answerer = startPeer(clientNs(b, 'b'), peerJs, { role: 'answerer', iceServers: servers('b'), timeoutMs: CELL_TIMEOUT_MS });
  let stderr = '';
  for (const child of [offerer, answerer]) child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  let peer: PeerResult | null = null;
  const relay = (from: ChildProcess, to: ChildProcess): void =>
    onLines(from, (m) => {
      if (m.type === 'result') peer = m.result;
      else to.stdin?.write(`${JSON.stringify(m)}\n`);
    });
  relay(offerer, answerer);
  relay(answerer, offerer);
  const killer = setTimeout(() => offerer.kill('SIGKILL'), CELL_TIMEOUT_MS + PROCESS_GRACE_MS);
  await exited(offerer);
  clearTimeout(killer);
  answerer.kill('SIGKILL');
  await exited(answerer);
  if (process.env.PL_NAT_PEER_LOG) process.stderr.write(`--- ${mode} ${a}→${b}\n${stderr}`);
  const measured = classify(peer);
  return { a, b, mode, expected: expectedFor(mode, a, b), measured, peer, reason: reasonOf(peer, stderr) };
}

/** Run cells with at most `concurrency` at a time (each cell is two node processes); results in input order. */
export async function runCells(
  peerJs: string,
  turnSecret: string,
  cells: readonly { mode: CellMode; a: ClientKind; b: ClientKind }[],
  concurrency: number,
): Promise<CellResult[]> {
  const results = new Array<CellResult>(cells.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cells.length) {
      const i = next++;
      const cell = cells[i]!;
      results[i] = await runCell(peerJs, turnSecret, cell.mode, cell.a, cell.b);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cells.length) }, worker));
  return results;
}

/** Cells whose measurement differs from the written expectation, one line each. */
export function differences(results: readonly CellResult[]): string[] {
  return results.filter((r) => !meetsExpectation(r.mode, r.expected, r.measured)).map((r) => `${r.mode} ${r.a}→${r.b}: expected ${r.expected}, measured ${r.measured} (${r.reason})`);
}
