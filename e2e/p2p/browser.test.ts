/**
 * The browser WebRtcProvider (native RTCPeerConnection in headless Chromium)
 * exchanges data with a Node peer (node-datachannel) through a real gateway.
 * The page is the provider bundled with Vite's build API.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAll, writeAll } from '@peerlink/sdk';
import type { BrowserRunInput, BrowserRunResult } from './browser/entry.js';
import { nodePeer, startP2pGateway, type NodePeer, type P2pGateway } from './support.js';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../support/chromium.js';

const CHROMIUM = CHROMIUM_PATH;
/** Plus real host candidates instead of mDNS names (libdatachannel does not resolve `.local`). */
const ARGS = [...CHROMIUM_BASE_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'];

let gw: P2pGateway;
let browser: Browser;
let bundle: string;
let node: NodePeer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'peerlink-p2p-browser-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
    build: {
      outDir: dir,
      emptyOutDir: true,
      minify: false,
      lib: { entry: join(import.meta.dirname, 'browser', 'entry.ts'), formats: ['iife'], name: 'PeerlinkP2PBundle', fileName: () => 'p2p.js' },
    },
  });
  bundle = await readFile(join(dir, 'p2p.js'), 'utf8');
  gw = await startP2pGateway();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  node = await nodePeer(gw);
}, 60_000);

afterAll(async () => {
  await node?.close();
  await browser?.close();
  await gw?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('a Chromium page dials a Node peer by peer id and exchanges a stream and a message', async () => {
  const listener = await node.provider.listen();
  const served = (async () => {
    const conn = await listener.accept();
    const stream = await conn.acceptStream();
    const request = new TextDecoder().decode(await readAll(stream));
    await writeAll(stream, new TextEncoder().encode(request.toUpperCase()));
    const ping = await conn.recv();
    conn.send(Uint8Array.from([...new TextEncoder().encode('pong:'), ...ping]));
    return conn.peerId;
  })();
  served.catch(() => undefined); // asserted below; avoid an unhandled rejection if the page fails first
  const page = await browser.newPage();
  page.on('console', (m) => process.stdout.write(`[page] ${m.text()}\n`));
  // Same origin as the gateway: Chromium blocks about:blank → loopback (local network access checks).
  await page.goto(`${gw.url}/healthz`);
  await page.addScriptTag({ content: bundle });
  const input: BrowserRunInput = { url: gw.url, path: gw.path, token: gw.account.token, target: node.provider.localPeerId };
  const result = await page.evaluate(
    (i) => (globalThis as unknown as { peerlinkP2P: { run(i: BrowserRunInput): Promise<BrowserRunResult> } }).peerlinkP2P.run(i),
    input,
  );
  expect(result.echoed).toBe('HELLO FROM CHROMIUM');
  expect(result.message).toBe('pong:ping');
  expect(result.path.kind).toBe('direct');
  expect(await served).toBe(result.peerId);
  expect(node.provider.stats()).toMatchObject({ successes: 1 });
}, 30_000);
