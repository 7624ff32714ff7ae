/**
 * A mesh group call in the browser (issue 6, test 5): three users in one
 * chat, everyone decodes video from everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, framesDecoded, openChat, screenshot, selectChat, startWebStack, type UserPage, type WebStack } from './harness.js';

let stack: WebStack;
let users: UserPage[];

beforeAll(async () => {
  stack = await startWebStack({ ringTimeoutMs: 10_000 });
  users = [await stack.user('alice'), await stack.user('bob'), await stack.user('carol')];
  await openChat(users[0]!, ['bob', 'carol'], 'Team');
  for (const user of users.slice(1)) {
    await user.page.reload();
    await selectChat(user, 'Team');
  }
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('group calls', () => {
  it('three participants all decode each other, and leaving one by one completes the call', async () => {
    const [alice, bob, carol] = users as [UserPage, UserPage, UserPage];
    await alice.page.getByRole('button', { name: 'Video call' }).click();
    await alice.page.getByTestId('in-call').waitFor();
    for (const user of [bob, carol]) {
      await user.page.getByTestId('incoming-call').waitFor();
      await user.page.getByTestId('accept').click();
    }
    for (const user of users) {
      const frames = await eventually(() => framesDecoded(user.page), (f) => f.length === 2 && f.every((n) => n > 0), 20_000);
      expect(frames).toHaveLength(2);
      expect(await user.page.getByTestId('in-call').getAttribute('data-phase')).toBe('connected');
    }
    for (const name of ['bob', 'carol']) await alice.page.getByTestId(`remote-tile-${name}`).waitFor();
    await screenshot(alice.page, 'group-call');

    await carol.page.getByTestId('hangup').click();
    for (const user of [alice, bob]) {
      await eventually(() => framesDecoded(user.page), (f) => f.length === 1);
    }
    await bob.page.getByTestId('hangup').click();
    // Alone in the room, alice leaves too; the call ends completed for everyone.
    await alice.page.locator('[data-testid=call-outcome]').waitFor();
    for (const user of users) {
      const status = user.page.locator('[data-testid=history-item]').first();
      await eventually(() => status.getAttribute('data-status'), (s) => s === 'completed');
    }
  });
});
