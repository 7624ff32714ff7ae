/**
 * Browser calls between two users (issue 6, tests 1–3 and 6): real Chromium
 * contexts with fake camera/mic, the real gateway, media peer to peer on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSignaling, eventually, framesDecoded, signalingStatus, openChat, screenshot, selectChat, startWebStack, type UserPage, type WebStack } from './harness.js';

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
    await new Promise((resolve) => setTimeout(resolve, 1200)); // a call with a duration of at least one second
    await screenshot(alice.page, 'in-call');
    await alice.page.getByTestId('hangup').click();
    await alice.page.locator('[data-testid=call-outcome][data-reason=hangup]').waitFor();
    await bob.page.locator('[data-testid=call-outcome][data-reason=remote-hangup]').waitFor();
    for (const user of [alice, bob]) {
      await user.page.getByTestId('in-call').waitFor({ state: 'detached' });
      const item = user.page.locator('[data-testid=history-item][data-status=completed]').first();
      await item.waitFor();
      const seconds = Number(await item.getByTestId('history-duration').getAttribute('data-seconds'));
      expect(seconds).toBeGreaterThan(0);
    }
    expect(await alice.page.getByTestId('history-item').first().getAttribute('data-direction')).toBe('outgoing');
    expect(await bob.page.getByTestId('history-item').first().getAttribute('data-direction')).toBe('incoming');
  });
});

describe('refusals and timeouts', () => {
  it('a rejected call is recorded as rejected and the caller is told', async () => {
    await call(alice, bob);
    await bob.page.getByTestId('reject').click();
    const outcome = alice.page.locator('[data-testid=call-outcome][data-reason=rejected]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('Call rejected.');
    for (const user of [alice, bob]) {
      await eventually(() => historyStatuses(user), (s) => s[0] === 'rejected');
    }
    await alice.page.getByTestId('call-outcome').getByRole('button', { name: 'OK' }).click();
    await bob.page.getByTestId('call-outcome').getByRole('button', { name: 'OK' }).click();
  });

  it('an unanswered call stops ringing after the ring timeout and is recorded as missed', async () => {
    await call(alice, bob);
    await bob.page.getByTestId('incoming-call').waitFor({ state: 'detached' });
    await alice.page.locator('[data-testid=call-outcome][data-reason=no-answer]').waitFor();
    await bob.page.locator('[data-testid=call-outcome][data-reason=missed]').waitFor();
    for (const user of [alice, bob]) {
      await eventually(() => historyStatuses(user), (s) => s[0] === 'missed');
    }
    expect(await alice.page.getByTestId('history-item').first().getAttribute('data-direction')).toBe('outgoing');
    await alice.page.getByTestId('call-outcome').getByRole('button', { name: 'OK' }).click();
    await bob.page.getByTestId('call-outcome').getByRole('button', { name: 'OK' }).click();
  });
});

describe('during a call', () => {
  it('mute and camera-off on one side are shown on the other, and undone', async () => {
    await connectedCall(alice, bob);
    const tile = bob.page.getByTestId('remote-tile-alice');
    await tile.waitFor();
    expect(await tile.getByTestId('remote-tile-alice-muted').count()).toBe(0);
    await alice.page.getByTestId('toggle-audio').click();
    await tile.getByTestId('remote-tile-alice-muted').waitFor();
    await alice.page.getByTestId('toggle-video').click();
    await tile.getByTestId('remote-tile-alice-camera-off').waitFor();
    expect(await tile.textContent()).toContain('Camera off');
    await alice.page.getByTestId('local-tile-muted').waitFor();
    await alice.page.getByTestId('toggle-audio').click();
    await tile.getByTestId('remote-tile-alice-muted').waitFor({ state: 'detached' });
    await alice.page.getByTestId('toggle-video').click();
    await tile.getByTestId('remote-tile-alice-camera-off').waitFor({ state: 'detached' });
    await bob.page.getByTestId('hangup').click();
    await alice.page.locator('[data-testid=call-outcome][data-reason=remote-hangup]').waitFor();
    await alice.page.getByTestId('call-outcome').getByRole('button', { name: 'OK' }).click();
  });

  it('a signaling reconnect mid-call keeps media flowing', async () => {
    await connectedCall(alice, bob);
    const before = await eventually(() => framesDecoded(bob.page), (f) => (f[0] ?? 0) > 0);
    const signaling = await signalingStatus(alice.page);
    expect(signaling?.status).toBe('online');
    await dropSignaling(alice.page);
    await eventually(() => signalingStatus(alice.page), (s) => s?.status === 'online' && s.connects === signaling!.connects + 1);
    // After the reconnect (and the ICE restart it triggers) frames keep arriving on both sides.
    await eventually(() => framesDecoded(bob.page), (f) => (f[0] ?? 0) > before[0]! + 30);
    const aliceBefore = await framesDecoded(alice.page);
    await eventually(() => framesDecoded(alice.page), (f) => (f[0] ?? 0) > aliceBefore[0]! + 30);
    for (const user of [alice, bob]) {
      expect(await user.page.getByTestId('in-call').getAttribute('data-phase')).toBe('connected');
    }
    await alice.page.getByTestId('hangup').click();
    for (const user of [alice, bob]) {
      await eventually(() => historyStatuses(user), (s) => s[0] === 'completed');
    }
    expect(await historyStatuses(alice)).toEqual(['completed', 'completed', 'missed', 'rejected', 'completed']);
    await alice.page.getByTestId('call-outcome').getByRole('button', { name: 'OK' }).click();
    await screenshot(alice.page, 'chat-history');
  });
});

describe('failure messages', () => {
  it('tells the caller the user is offline', async () => {
    const dave = await stack.user('dave');
    await dave.context.close(); // dave's only socket goes away
    await openChat(alice, ['dave']);
    await alice.page.getByRole('button', { name: 'Video call' }).click();
    const outcome = alice.page.locator('[data-testid=call-outcome][data-reason=user-offline]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('User is offline');
    await outcome.getByRole('button', { name: 'OK' }).click();
  });

  it('tells the user when the camera or microphone is denied, and the callee side stays clean', async () => {
    const erin = await stack.user('erin');
    await erin.page.evaluate(() => {
      // What Chromium does when the user blocks the site's camera/microphone permission.
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await openChat(erin, ['alice']);
    await erin.page.getByRole('button', { name: 'Audio call' }).click();
    const outcome = erin.page.locator('[data-testid=call-outcome][data-reason=media-denied]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('Camera or microphone access was denied');
    expect(await alice.page.getByTestId('incoming-call').count()).toBe(0);
    await erin.context.close();
  });
});
