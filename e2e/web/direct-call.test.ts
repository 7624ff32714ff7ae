/**
 * Browser calls between two users (issue 6, tests 1–3 and 6): real Chromium
 * contexts with fake camera/mic, the real gateway, media peer to peer on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, framesDecoded, openChat, screenshot, selectChat, startWebStack, type UserPage, type WebStack } from './harness.js';

let stack: WebStack;
let alice: UserPage;
let bob: UserPage;

beforeAll(async () => {
  stack = await startWebStack({ ringTimeoutMs: 1500 });
  alice = await stack.user('alice', { screenshot: 'login' });
  bob = await stack.user('bob');
  await openChat(alice, ['bob']);
  await bob.page.reload();
  await selectChat(bob, 'alice');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(from: UserPage, to: UserPage, kind: 'Video call' | 'Audio call' = 'Video call'): Promise<void> {
  await from.page.getByRole('button', { name: kind }).click();
  await to.page.getByTestId('incoming-call').waitFor();
}

async function connectedCall(from: UserPage, to: UserPage): Promise<void> {
  await call(from, to);
  await to.page.getByTestId('accept').click();
  for (const user of [from, to]) await user.page.locator('[data-testid=in-call][data-phase=connected]').waitFor();
}

async function historyStatuses(user: UserPage): Promise<string[]> {
  return user.page.getByTestId('history-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-status') ?? ''));
}

describe('1:1 browser calls', () => {
  it('connects a video call directly, both sides decode video, and both histories show it completed', async () => {
    await call(alice, bob);
    expect(await bob.page.getByTestId('caller-name').textContent()).toBe('alice');
    await screenshot(bob.page, 'incoming-call');
    await bob.page.getByTestId('accept').click();
    for (const user of [alice, bob]) {
      const frames = await eventually(() => framesDecoded(user.page), (f) => f.length === 1 && f[0]! > 0);
      expect(frames[0]).toBeGreaterThan(0);
      await user.page.locator('[data-testid=connection-badge][data-path=direct]').waitFor();
    }
    expect(await alice.page.getByTestId('connection-badge').textContent()).toContain('Direct');
    await screenshot(alice.page, 'in-call');
    await new Promise((resolve) => setTimeout(resolve, 1200)); // a call with a duration of at least one second
    await alice.page.getByTestId('hangup').click();
    for (const user of [alice, bob]) {
      await user.page.getByTestId('in-call').waitFor({ state: 'detached' });
      const item = user.page.locator('[data-testid=history-item][data-status=completed]').first();
      await item.waitFor();
      const seconds = Number(await item.getByTestId('history-duration').getAttribute('data-seconds'));
      expect(seconds).toBeGreaterThan(0);
    }
    expect(await alice.page.getByTestId('history-item').first().getAttribute('data-direction')).toBe('outgoing');
    expect(await bob.page.getByTestId('history-item').first().getAttribute('data-direction')).toBe('incoming');
    await screenshot(alice.page, 'chat-history');
  });
});
