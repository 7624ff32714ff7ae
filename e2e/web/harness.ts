/**
 * End-to-end harness for the web app: the web app built with Vite into a temp
 * dir, a gateway in-process on 127.0.0.1:0 serving it, and one headless
 * Chromium (Debian's) with fake media devices, one browser context per user.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { createGateway, loadGatewayConfig, type Gateway } from '@peerlink/gateway';
import type { CallClientSnapshot, MediaStatsSummary } from '@peerlink/sdk/calls';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../support/chromium.js';

/** The web app's debug hook (apps/web/src/app/debug.ts), as the tests see it. */
interface PeerlinkDebugHook {
  stats(): Promise<Record<string, MediaStatsSummary>>;
  snapshot(): CallClientSnapshot | null;
  dropSignaling(): void;
}

declare global {
  interface Window {
    __peerlink?: PeerlinkDebugHook;
  }
}

const WEB_ROOT = join(import.meta.dirname, '..', '..', 'apps', 'web');
const CHROMIUM = CHROMIUM_PATH;

/** Plus autoplay of remote media without a user gesture. */
export const CHROMIUM_ARGS = [...CHROMIUM_BASE_ARGS, '--autoplay-policy=no-user-gesture-required'];

export interface WebStackOptions {
  /** Gateway ring timeout in ms (the gateway's minimum is 1000). */
  readonly ringTimeoutMs?: number;
  /** Gateway disconnect grace in ms. */
  readonly disconnectGraceMs?: number;
  /** STUN/TURN URLs the gateway hands out (comma separated), and the TURN REST secret. */
  readonly turnUrls?: string;
  readonly turnSecret?: string;
}

export interface WebStack {
  readonly baseUrl: string;
  readonly gateway: Gateway;
  readonly browser: Browser;
  /** Opens a fresh browser context for a new user, registers them through the UI; `query` is appended to the app URL. */
  user(username: string, options?: { screenshot?: string; query?: string }): Promise<UserPage>;
  stop(): Promise<void>;
}

export interface UserPage {
  readonly username: string;
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Screenshots go to docs/screenshots only with PEERLINK_SCREENSHOTS=1 (keeps test runs from touching the tree). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.PEERLINK_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(import.meta.dirname, '..', '..', 'docs', 'screenshots', `${name}.png`) });
}

export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const dir = mkdtempSync(join(tmpdir(), 'peerlink-web-e2e-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const webRoot = join(dir, 'web');
    await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: webRoot, sourcemap: false } });
    const config = loadGatewayConfig({
      flags: {
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        turnEnabled: false,
        webRoot,
        ringTimeoutMs: options.ringTimeoutMs ?? 30_000,
        disconnectGraceMs: options.disconnectGraceMs ?? 10_000,
        logLevel: 'warn',
        turnUrls: options.turnUrls,
        turnSecret: options.turnSecret,
      },
      env: {},
    });
    const gateway = await createGateway(config);
    cleanups.push(() => gateway.close());
    const { port } = await gateway.listen();
    const baseUrl = `http://127.0.0.1:${port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    return {
      baseUrl,
      gateway,
      browser,
      async user(username, { screenshot: shot, query = '' } = {}) {
        const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
        await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
        const page = await context.newPage();
        await page.goto(`${baseUrl}/${query}`);
        await page.getByRole('tab', { name: 'Create account' }).click();
        await page.locator('input[name=username]').fill(username);
        await page.locator('input[name=password]').fill(`${username}-password-1`);
        if (shot !== undefined) await screenshot(page, shot);
        await page.getByRole('button', { name: 'Create account' }).last().click();
        await page.getByTestId('me').waitFor();
        return { username, context, page };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts a chat with these users from `user`'s sidebar; resolves when it is open. */
export async function openChat(user: UserPage, members: readonly string[], title = ''): Promise<void> {
  await user.page.locator('input[name=members]').fill(members.join(', '));
  await user.page.locator('input[name=title]').fill(title);
  await user.page.getByRole('button', { name: 'Start chat' }).click();
  await user.page.getByTestId('chat-title').waitFor();
}

/** Opens the chat whose sidebar entry has this text (chats created by others need a refresh first). */
export async function selectChat(user: UserPage, name: string): Promise<void> {
  await user.page.getByRole('navigation', { name: 'Chats' }).getByText(name, { exact: true }).click();
}

/** Frames decoded from each remote participant, via the app's debug hook. */
export async function framesDecoded(page: Page): Promise<number[]> {
  return page.evaluate(async (): Promise<number[]> => {
    const stats = await window.__peerlink!.stats();
    return Object.values(stats).map((s) => s.framesDecoded);
  });
}

/** The signaling connection state the app shows, and how often it has connected. */
export async function signalingStatus(page: Page): Promise<{ status: string; connects: number } | null> {
  return page.evaluate(() => {
    const snapshot = window.__peerlink!.snapshot();
    return snapshot === null ? null : { status: snapshot.signaling, connects: snapshot.signalingConnects };
  });
}

/** Closes the app's Socket.IO transport (it reconnects by itself). */
export async function dropSignaling(page: Page): Promise<void> {
  await page.evaluate(() => window.__peerlink!.dropSignaling());
}

/** Polls `probe` until `accept` holds (or throws after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}
