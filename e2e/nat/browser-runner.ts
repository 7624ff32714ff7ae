/**
 * Cell (d) of the connectivity matrix: headless Debian Chromium running
 * inside a client namespace (`ip netns exec pl-<b>-b chromium …`, so all its
 * traffic crosses that router) dials the hybrid agent in `pl-<a>-a` through
 * the gateway with the browser WebRtcProvider (`browser-entry.ts`), ICE
 * servers (STUN + TURN) from `/api/ice-servers`, and reads back one stream
 * from the agent's echo service.
 *
 * Subset: browser behind open, eim, symmetric, double × agent behind eim and
 * symmetric. These cover each NAT-theory outcome with a different ICE agent
 * (Chromium's) on the dialling side: direct through a public address, direct
 * by simultaneous punching (eim↔eim, eim↔double), relay for a symmetric side
 * against a port-dependent filter (either way round), and symmetric↔open
 * direct via a peer-reflexive candidate. Left out: web-only (a browser has
 * no tunnel provider, so it can only fail, as (b) shows), lossy (a link
 * property, measured in (a)–(c)), and agents behind open/double (the same
 * NAT classes as the included ones).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import type { BrowserCellInput, BrowserCellOutput } from './browser-entry.js';
import { startAgentSide, type AgentSide, type HybridEnv } from './hybrid-runner.js';
import { expectBrowser, type CellPath } from './matrix.js';
import { GATEWAY, clientNs, type ClientKind } from './testbed/index.js';

/** Browser sides of (d). */
export const BROWSER_CLIENT_KINDS: readonly ClientKind[] = ['open', 'eim', 'symmetric', 'double'];
/** Agent sides of (d). */
export const BROWSER_AGENT_KINDS: readonly ClientKind[] = ['eim', 'symmetric'];
/** Bytes echoed per cell. */
const BROWSER_BYTES = 256 * 1024;
/** `policy.timeoutMs` of the browser's dial (as the (a)/(b) cell deadline). */
const BROWSER_CONNECT_TIMEOUT_MS = 12_000;
/** Real host candidates instead of mDNS names (libdatachannel does not resolve `.local`). */
const ARGS = [...CHROMIUM_BASE_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'];

export interface BrowserCellResult {
  /** Agent side. */
  readonly a: ClientKind;
  /** Browser side. */
  readonly b: ClientKind;
  readonly expected: CellPath;
  readonly measured: CellPath;
  readonly reason: string;
  /** Page's `connect()` → connection up (signaling, ICE, DTLS, SCTP, identity proof), ms. */
  readonly connectMs: number | null;
  /** Stream opened → every byte back, ms. */
  readonly streamMs: number | null;
}

const gatewayUrl = `http://${GATEWAY.ip}:${GATEWAY.httpPort}`;

/** `browser-entry.ts` bundled with Vite's build API as one IIFE script. */
export async function bundleBrowserEntry(dir: string): Promise<string> {
  const outDir = join(dir, 'browser');
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: { entry: join(import.meta.dirname, 'browser-entry.ts'), formats: ['iife'], name: 'PeerlinkNatBundle', fileName: () => 'nat.js' },
    },
  });
  return readFile(join(outDir, 'nat.js'), 'utf8');
}

/** Chromium launched through `ip netns exec <ns>` (a wrapper script as the executable: Playwright's pipe fds pass through the exec). */
export async function launchInNamespace(ns: string, dir: string): Promise<Browser> {
  const wrapper = join(dir, `chromium-${ns}.sh`);
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return chromium.launch({ executablePath: wrapper, args: ARGS, timeout: 30_000 });
}

let cellCount = 0;

async function runBrowserCell(env: HybridEnv, browser: Browser, bundle: string, a: ClientKind, b: ClientKind): Promise<BrowserCellResult> {
  const expected = expectBrowser(a, b);
  let side: AgentSide | undefined;
  const page = await browser.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[page] ${m.text()}`));
  try {
    side = await startAgentSide(env, `d-${a}-${b}-${++cellCount}`, clientNs(a, 'a'));
    // Same origin as the gateway (Socket.IO and /api/ice-servers without CORS).
    await page.goto(`${gatewayUrl}/healthz`);
    await page.addScriptTag({ content: bundle });
    const input: BrowserCellInput = { url: gatewayUrl, token: side.token, target: side.peerId, service: 'echo', bytes: BROWSER_BYTES, timeoutMs: BROWSER_CONNECT_TIMEOUT_MS };
    const out = await page.evaluate((i) => (globalThis as unknown as { peerlinkNat: { run(i: BrowserCellInput): Promise<BrowserCellOutput> } }).peerlinkNat.run(i), input);
    const measured: CellPath = out.ok && out.path !== null ? (out.path.kind === 'relay' ? 'relay' : 'direct') : 'fail';
    const reason = out.ok ? (out.path?.reason ?? 'no path') : `${out.error ?? `echo ${out.received}/${BROWSER_BYTES} B`}`;
    return {
      a,
      b,
      expected,
      measured,
      reason: measured === expected ? reason : `${reason}\n${log.join('\n')}\n${side.agent.output()}`,
      connectMs: out.connectMs,
      streamMs: out.ok ? out.streamMs : null,
    };
  } catch (err) {
    return { a, b, expected, measured: 'fail', reason: err instanceof Error ? err.message : String(err), connectMs: null, streamMs: null };
  } finally {
    await page.close().catch(() => undefined);
    await side?.stop();
  }
}

/** Every (agent, browser) cell of the subset; one Chromium per browser namespace, the namespaces in parallel. Results ordered by agent, then browser kind. */
export async function runBrowserCells(env: HybridEnv, dir: string, agentKinds: readonly ClientKind[] = BROWSER_AGENT_KINDS, browserKinds: readonly ClientKind[] = BROWSER_CLIENT_KINDS): Promise<BrowserCellResult[]> {
  const bundle = await bundleBrowserEntry(dir);
  const perBrowser = await Promise.all(
    browserKinds.map(async (b) => {
      const browser = await launchInNamespace(clientNs(b, 'b'), dir);
      try {
        const results: BrowserCellResult[] = [];
        for (const a of agentKinds) results.push(await runBrowserCell(env, browser, bundle, a, b));
        return results;
      } finally {
        await browser.close();
      }
    }),
  );
  const all = perBrowser.flat();
  return agentKinds.flatMap((a) => browserKinds.flatMap((b) => all.filter((r) => r.a === a && r.b === b)));
}

/** (d) cells whose measurement differs from `expectBrowser`, one line each. */
export function browserDifferences(results: readonly BrowserCellResult[]): string[] {
  return results.filter((r) => r.measured !== r.expected).map((r) => `browser ${r.a}→${r.b}: expected ${r.expected}, measured ${r.measured} (${r.reason})`);
}
