/**
 * Cell (c) of the connectivity matrix: the device agent (`peerlink agent`,
 * connection_mode hybrid) in `pl-<a>-a` in front of a TCP echo service, and
 * `peerlink connect --mode hybrid` in `pl-<b>-b`; one byte-exact echo through
 * the forwarded port. The path is the one the forwarder reports for that
 * stream (`stream to echo over <path> closed`), the reason its `path` line.
 * When the first stream went over the relay where theory says direct, the
 * cell waits for the client's relay → direct upgrade and measures a second
 * stream: the cell's path is the one new streams take once settled.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectHybrid, type CellPath } from './matrix.js';
import { turnRestCredentials } from './matrix-runner.js';
import { nsProcess, type NsProcess } from './ns-process.js';
import { GATEWAY, clientNs, nsRun, type ClientKind } from './testbed/index.js';
import type { ExchangeResult } from './stream-entry.js';

/** Seconds a stream waits for p2p before the tunnel (`--ice-timeout`, also the agent's `p2p.ice_timeout`): every tunnel cell costs it. */
export const HYBRID_ICE_TIMEOUT_S = 5;
/** Bytes echoed per cell. */
const ECHO_BYTES = 256 * 1024;
/** Process start-up (node + bundle) under the matrix's CPU load. */
const READY_MS = 20_000;
/** How long a cell that started relayed waits for `path direct (relay-upgraded-to-direct: …)` (first attempt at once, then 1, 2, 4 s backoff). */
export const UPGRADE_WAIT_MS = 12_000;

export interface HybridEnv {
  /** The `peerlink` binary (built or bundled). */
  readonly cli: string;
  /** Bundled `stream-entry.ts`. */
  readonly tools: string;
  readonly turnSecret: string;
  /** Directory for agent.json and key files (visible in every namespace). */
  readonly work: string;
}

export interface HybridCellResult {
  readonly a: ClientKind;
  readonly b: ClientKind;
  readonly expected: CellPath;
  /** The echoed stream's path, or fail (no byte-exact echo). */
  readonly measured: CellPath;
  readonly reason: string;
  /** First stream: client connects to the forwarded port → every byte echoed back, ms (includes waiting for p2p, or for the tunnel fallback). */
  readonly firstStreamMs: number | null;
  /** `connect` listening → its first `path direct|relay` line (p2p dial: signaling + ICE + DTLS + SCTP), ms. */
  readonly p2pMs: number | null;
  /** Path of the first stream (differs from `measured` when the client upgraded relay → direct). */
  readonly firstPath: CellPath;
  /** First p2p path line → the relay → direct upgrade line, ms; null without an upgrade. */
  readonly upgradeMs: number | null;
}

const gatewayUrl = `http://${GATEWAY.ip}:${GATEWAY.httpPort}`;

/** One HTTP call from the gateway's namespace (the test process is not on the testbed network). */
export async function gatewayApi<T>(tools: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: T }> {
  const argv = ['node', tools, 'api', method, `${gatewayUrl}${path}`, token ?? '-', ...(body === undefined ? [] : [JSON.stringify(body)])];
  const r = await nsRun(GATEWAY.ns, argv, 15_000);
  const m = /^(\d{3}) ([\s\S]*)$/.exec(r.stdout.trim());
  if (m === null) throw new Error(`${method} ${path}: no answer (${r.code}) ${r.stderr}`);
  return { status: Number(m[1]), body: (m[2] === '' ? undefined : JSON.parse(m[2]!)) as T };
}

/** True once the agent's local API (inside `agentNs`) lists its p2p transport as online, i.e. its listener is registered on `/p2p`. */
async function p2pListening(agentNs: string, tools: string, localApi: string): Promise<boolean> {
  const r = await nsRun(agentNs, ['node', tools, 'api', 'GET', `${localApi}/p2p/connections`, '-'], 15_000);
  const m = /^200 ([\s\S]*)$/.exec(r.stdout.trim());
  if (m === null) return false;
  const body = JSON.parse(m[1]!) as { transports?: { kind?: string; state?: string }[] };
  return (body.transports ?? []).some((t) => t.kind === 'p2p' && t.state === 'online');
}

/** A user account of its own (its TURN allocations count against its own quota) and a device with service `echo`. */
export async function registerDevice(tools: string, name: string): Promise<{ token: string; deviceId: string; credential: string }> {
  const user = await gatewayApi<{ token: string }>(tools, 'POST', '/api/auth/register', undefined, { username: `u-${name}`, password: `pw-${name}-secret` });
  if (user.status !== 201) throw new Error(`register u-${name}: ${user.status} ${JSON.stringify(user.body)}`);
  const deviceId = `dev-${name}`;
  const device = await gatewayApi<{ credential: string }>(tools, 'POST', '/api/devices', user.body.token, { id: deviceId, services: ['echo'] });
  if (device.status !== 201) throw new Error(`POST /api/devices: ${device.status} ${JSON.stringify(device.body)}`);
  return { token: user.body.token, deviceId, credential: device.body.credential };
}

/** Echo service + hybrid agent in one namespace, its device online with a peer id. */
export interface AgentSide {
  readonly agent: NsProcess;
  readonly echo: NsProcess;
  /** The device owner's token and the device. */
  readonly token: string;
  readonly deviceId: string;
  /** The device's peer id (what a WebRTC client dials). */
  readonly peerId: string;
  stop(): Promise<void>;
}

export interface HybridPair {
  readonly agent: NsProcess;
  readonly echo: NsProcess;
  readonly connect: NsProcess;
  /** The forwarded port in the client namespace. */
  readonly port: number;
  /** When `connect` printed its listening line. */
  readonly listeningAt: number;
  stop(): Promise<void>;
}

/** Registers an account and device `name`, starts the echo service and the hybrid agent (`p2p.ice_timeout` `iceTimeoutS`) in `agentNs`. */
export async function startAgentSide(env: HybridEnv, name: string, agentNs: string, iceTimeoutS: number = HYBRID_ICE_TIMEOUT_S): Promise<AgentSide> {
  const { token, deviceId, credential } = await registerDevice(env.tools, name);
  const started: NsProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.kill()));
  };
  try {
    const echo = nsProcess(agentNs, ['node', env.tools, 'echo-server'], `echo ${name}`);
    started.push(echo);
    const echoPort = (await echo.waitFor(/^echo (\d+)$/, READY_MS)).match[1]!;
    const turn = turnRestCredentials(env.turnSecret, `agent-${name}`, Date.now());
    const config = {
      agent: { agent_id: deviceId, connection_mode: 'hybrid' },
      p2p: {
        enabled: true,
        stun_servers: [`stun:${GATEWAY.ip}:${GATEWAY.turnPort}`],
        turn_servers: [{ url: `turn:${GATEWAY.ip}:${GATEWAY.turnPort}?transport=udp`, username: turn.username, password: turn.credential }],
        registry_url: gatewayUrl,
        ice_timeout: iceTimeoutS,
      },
      tunnel_server_url: gatewayUrl,
      services: [{ name: 'echo', target: `127.0.0.1:${echoPort}` }],
      device_credential: credential,
      key_file: join(env.work, `${name}.key`),
      local_api: '127.0.0.1:0',
    };
    const configPath = join(env.work, `${name}.agent.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const agent = nsProcess(agentNs, ['node', env.cli, 'agent', '--config', configPath], `agent ${name}`);
    started.push(agent);
    const localApi = (await agent.waitFor(/local API (http:\/\/[\d.:]+)\//, READY_MS)).match[1]!;
    // Clients need the device's peer id, bound once the agent has signed in to /p2p, and the agent's p2p listener
    // registered there: the peer id is stored when the agent proves its key, a moment before its listener holds it, and
    // a client dialling in between gets peer_not_found (seen on the lossy link, where the sign-in takes longest).
    let peerId: string | undefined;
    for (let i = 0; ; i++) {
      if (peerId === undefined) {
        const device = await gatewayApi<{ peerId?: string | null; status?: string }>(env.tools, 'GET', `/api/devices/${deviceId}`, token);
        if (typeof device.body.peerId === 'string' && device.body.status === 'online') peerId = device.body.peerId;
      }
      if (peerId !== undefined && (await p2pListening(agentNs, env.tools, localApi))) return { agent, echo, token, deviceId, peerId, stop };
      if (i >= 100) throw new Error(`device ${deviceId} never online with a peer id and a p2p listener (peer id ${peerId ?? 'none'})\n${agent.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Echo service + hybrid agent in `agentNs`, `peerlink connect --mode hybrid`
 * in `clientNs`, both against the testbed gateway; `iceTimeoutS` for both
 * (default {@link HYBRID_ICE_TIMEOUT_S}), `connectArgs` extra `connect` flags.
 */
export async function startHybridPair(env: HybridEnv, name: string, agentNs: string, clientNsName: string, options: { iceTimeoutS?: number; connectArgs?: readonly string[] } = {}): Promise<HybridPair> {
  const iceTimeoutS = options.iceTimeoutS ?? HYBRID_ICE_TIMEOUT_S;
  const side = await startAgentSide(env, name, agentNs, iceTimeoutS);
  let connect: NsProcess | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([side.stop(), connect?.kill()]);
  };
  try {
    connect = nsProcess(
      clientNsName,
      ['node', env.cli, 'connect', side.deviceId, '--forward', '0:echo', '--mode', 'hybrid', '--gateway', gatewayUrl, '--token', side.token, '--ice-timeout', String(iceTimeoutS), ...(options.connectArgs ?? [])],
      `connect ${name}`,
    );
    const listening = await connect.waitFor(/listening on 127\.0\.0\.1:(\d+)/, READY_MS);
    return { agent: side.agent, echo: side.echo, connect, port: Number(listening.match[1]), listeningAt: listening.line.at, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs one stream tool command (`exchange`/`long`) in the client namespace and parses its result. */
export async function runExchange(tools: string, ns: string, port: number, bytes: number): Promise<ExchangeResult | null> {
  const r = await nsRun(ns, ['node', tools, 'exchange', String(port), String(bytes)], 30_000);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return last.startsWith('{') ? (JSON.parse(last) as ExchangeResult) : null;
}

const PATH_LINE = /path (direct|relay|tunnel|none) \((.*)\)$/;
const CLOSED_LINE = /stream to echo over (direct|relay|tunnel|none) closed/g;
const UPGRADE_LINE = /path direct \((relay-upgraded-to-direct: .*)\)$/;

let cellCount = 0;

/** The path of the `n`-th closed stream (1-based), waiting for its line. */
async function closedPath(pair: HybridPair, n: number): Promise<CellPath | null> {
  for (let i = 0; i < 50; i++) {
    const paths = pair.connect.lines.flatMap((l) => [...l.text.matchAll(CLOSED_LINE)].map((m) => m[1] as CellPath));
    if (paths.length >= n) return paths[n - 1]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** Cell (c) for one ordered pair: agent on side a, client on side b. */
export async function runHybridCell(env: HybridEnv, a: ClientKind, b: ClientKind): Promise<HybridCellResult> {
  const expected = expectHybrid(a, b);
  let pair: HybridPair | undefined;
  try {
    // Account and device names are unique per run: the same pair may run twice (time to connected).
    pair = await startHybridPair(env, `${a}-${b}-${++cellCount}`, clientNs(a, 'a'), clientNs(b, 'b'));
    const first = await runExchange(env.tools, clientNs(b, 'b'), pair.port, ECHO_BYTES);
    const firstPath: CellPath = first?.ok === true ? ((await closedPath(pair, 1)) ?? 'fail') : 'fail';
    let result = first;
    let measured = firstPath;
    if (firstPath === 'relay' && expected === 'direct') {
      // Relayed where a direct path exists: the client keeps trying direct-only in the background.
      const upgraded = await pair.connect.waitFor(UPGRADE_LINE, UPGRADE_WAIT_MS).catch(() => null);
      if (upgraded !== null) {
        result = await runExchange(env.tools, clientNs(b, 'b'), pair.port, ECHO_BYTES);
        measured = result?.ok === true ? ((await closedPath(pair, 2)) ?? 'fail') : 'fail';
      }
    }
    const p2pLine = pair.connect.lines.find((l) => /path (direct|relay) \(/.test(l.text));
    const upgradeLine = pair.connect.lines.find((l) => UPGRADE_LINE.test(l.text));
    const pathLine = upgradeLine ?? pair.connect.lines.find((l) => PATH_LINE.test(l.text));
    const reason = result?.ok !== true ? `echo ${result === null ? 'gave no result' : `${result.received}/${result.sent} B, not byte-exact`}` : (PATH_LINE.exec(pathLine?.text ?? '')?.[2] ?? 'no path line');
    return {
      a,
      b,
      expected,
      measured,
      reason: measured === expected ? reason : `${reason}\n${pair.connect.output()}\n${pair.agent.output()}`,
      firstStreamMs: first?.ok === true ? first.ms : null,
      p2pMs: p2pLine ? p2pLine.at - pair.listeningAt : null,
      firstPath,
      upgradeMs: upgradeLine && p2pLine ? upgradeLine.at - p2pLine.at : null,
    };
  } catch (err) {
    return { a, b, expected, measured: 'fail', reason: err instanceof Error ? err.message : String(err), firstStreamMs: null, p2pMs: null, firstPath: 'fail', upgradeMs: null };
  } finally {
    await pair?.stop();
  }
}

/** Cells with at most `concurrency` in flight (each is four processes); results in input order. */
export async function runHybridCells(env: HybridEnv, cells: readonly { a: ClientKind; b: ClientKind }[], concurrency: number): Promise<HybridCellResult[]> {
  const results = new Array<HybridCellResult>(cells.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cells.length) {
      const i = next++;
      results[i] = await runHybridCell(env, cells[i]!.a, cells[i]!.b);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cells.length) }, worker));
  return results;
}

/**
 * Hybrid cells whose measurement differs from `expectHybrid`, one line each.
 * No exception: where (b)'s ICE agent nominated the relay pair although a
 * direct one exists, the hybrid client upgrades relay → direct, so the cell
 * must end up direct.
 */
export function hybridDifferences(results: readonly HybridCellResult[]): string[] {
  return results.filter((r) => r.measured !== r.expected).map((r) => `hybrid ${r.a}→${r.b}: expected ${r.expected}, measured ${r.measured} (${r.reason})`);
}
