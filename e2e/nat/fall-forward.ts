/**
 * Fall forward on the testbed: the hybrid agent behind an eim router, the
 * client behind the web-only router (UDP blocked), so the pair starts on the
 * tunnel. A long echo stream runs over the tunnel; then the web-only router
 * lets UDP out (it becomes an eim router) and the client must move to p2p
 * within {@link FALL_FORWARD_LIMIT_MS}, the stream in flight must keep
 * echoing byte-exact on the tunnel, and a new stream must go p2p.
 */
import { runExchange, startHybridPair, type HybridEnv } from './hybrid-runner.js';
import { nsProcess } from './ns-process.js';
import { clientNs, nsRun } from './testbed/index.js';
import type { ExchangeResult } from './stream-entry.js';

/** The bound: unblock → p2p, ms. */
export const FALL_FORWARD_LIMIT_MS = 5_000;
/** `--ice-timeout` of this client: one p2p attempt, and the wait before the tunnel. */
const ICE_TIMEOUT_S = 2;
/** `--p2p-retry`: longest pause between attempts while on the tunnel. Worst case unblock → p2p ≈ ICE_TIMEOUT_S + P2P_RETRY_S + setup. */
const P2P_RETRY_S = 1;
/** Lifetime of the long stream: covers tunnel start, unblock, switch and a new stream. */
const LONG_STREAM_MS = 15_000;

export interface FallForwardResult {
  /** Path lines of the client, in order, e.g. `tunnel (p2p failed: timeout)`. */
  readonly pathLog: string[];
  /** UDP unblocked → `path direct|relay` line, ms. */
  readonly fallForwardMs: number | null;
  /** The path the client moved to. */
  readonly movedTo: string | null;
  /** The stream started on the tunnel, checked byte-exact until its end. */
  readonly inFlight: ExchangeResult | null;
  readonly inFlightPath: string | null;
  /** A stream opened after the switch. */
  readonly fresh: ExchangeResult | null;
  readonly freshPath: string | null;
  /** Everything the client, agent and long stream printed (for failure messages). */
  readonly output: string;
}

const ALLOW_UDP = ['-i', 'lan', '-o', 'wan', '-j', 'ACCEPT'];

async function iptables(ns: string, op: '-I' | '-D', rule: readonly string[]): Promise<void> {
  const r = await nsRun(ns, ['iptables', '-w', op, 'FORWARD', ...(op === '-I' ? ['1'] : []), ...rule], 10_000);
  if (r.code !== 0) throw new Error(`iptables ${op} in ${ns}: ${r.stderr}`);
}

export async function runFallForward(env: HybridEnv): Promise<FallForwardResult> {
  const clientName = clientNs('webonly', 'b');
  const router = `${clientName}-r`;
  const pair = await startHybridPair(env, 'fall-forward', clientNs('eim', 'a'), clientName, {
    iceTimeoutS: ICE_TIMEOUT_S,
    connectArgs: ['--p2p-retry', String(P2P_RETRY_S)],
  });
  const long = nsProcess(clientName, ['node', env.tools, 'long', String(pair.port), String(LONG_STREAM_MS)], 'long stream');
  let unblocked = false;
  try {
    await long.waitFor(/^long up$/, 20_000);
    await pair.connect.waitFor(/path tunnel \(/, 5_000);
    // Let the stream run on the tunnel for a moment, then open UDP.
    await new Promise((r) => setTimeout(r, 1_000));
    const unblockAt = Date.now();
    await iptables(router, '-I', ALLOW_UDP);
    unblocked = true;
    const moved = await pair.connect.waitFor(/path (direct|relay) \(/, 20_000).catch(() => null);
    const fresh = moved === null ? null : await runExchange(env.tools, clientName, pair.port, 128 * 1024);
    const freshClosed = fresh?.ok === true ? await pair.connect.waitFor(/stream to echo over (\w+) closed/, 5_000).catch(() => null) : null;
    const inFlightLine = await long.waitFor(/^\{.*\}$/, LONG_STREAM_MS + 10_000).catch(() => null);
    const inFlight = inFlightLine === null ? null : (JSON.parse(inFlightLine.match[0]) as ExchangeResult);
    // The second `closed` line is the long stream's (the fresh one closed first).
    let inFlightPath: string | null = null;
    for (let i = 0; i < 50 && inFlightPath === null; i++) {
      const closed = pair.connect.lines.map((l) => /stream to echo over (\w+) closed/.exec(l.text)?.[1]).filter((p) => p !== undefined);
      inFlightPath = closed.length >= 2 ? (closed[1] ?? null) : null;
      if (inFlightPath === null) await new Promise((r) => setTimeout(r, 100));
    }
    return {
      pathLog: pair.connect.lines.flatMap((l) => /path (\w+ \(.*\))$/.exec(l.text)?.[1] ?? []),
      fallForwardMs: moved === null ? null : moved.line.at - unblockAt,
      movedTo: moved?.match[1] ?? null,
      inFlight,
      inFlightPath,
      fresh,
      freshPath: freshClosed?.match[1] ?? null,
      output: [pair.connect.output(), long.output(), pair.agent.output()].join('\n'),
    };
  } finally {
    await long.kill();
    await pair.stop();
    if (unblocked) await iptables(router, '-D', ALLOW_UDP);
  }
}
