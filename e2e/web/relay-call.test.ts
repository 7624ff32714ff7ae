/**
 * Relay-only browser call (issue 6, test 4): both browsers use
 * `iceTransportPolicy: 'relay'` (the app's `?relay=1`), ICE servers come from
 * the gateway's `/api/ice-servers` (TURN REST credentials), the TURN server is
 * Debian's coturn until the embedded one is wired in.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type Coturn } from './coturn.js';
import { eventually, framesDecoded, openChat, selectChat, startWebStack, type UserPage, type WebStack } from './harness.js';

let coturn: Coturn | undefined;
let stack: WebStack | undefined;
let alice: UserPage;
let bob: UserPage;

beforeAll(async () => {
  const secret = randomBytes(24).toString('hex');
  coturn = await startCoturn(secret);
  stack = await startWebStack({ turnUrls: coturn.url, turnSecret: secret });
  alice = await stack.user('alice', { query: '?relay=1' });
  bob = await stack.user('bob', { query: '?relay=1' });
  await openChat(alice, ['bob']);
  await bob.page.reload();
  await selectChat(bob, 'alice');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await coturn?.stop();
});

describe('relayed calls', () => {
  it('connects through TURN only: frames decoded, relay candidates selected, badge says relayed', async () => {
    await alice.page.getByRole('button', { name: 'Video call' }).click();
    await bob.page.getByTestId('accept').click();
    for (const user of [alice, bob]) {
      await eventually(() => framesDecoded(user.page), (f) => (f[0] ?? 0) > 0, 20_000);
      const pair = await user.page.evaluate(async () => Object.values(await window.__peerlink!.stats())[0]);
      expect(pair?.localCandidateType).toBe('relay');
      expect(pair?.path).toBe('relayed');
      await user.page.locator('[data-testid=connection-badge][data-path=relayed]').waitFor();
    }
    expect(await alice.page.getByTestId('connection-badge').textContent()).toContain('Relayed');
    await alice.page.getByTestId('hangup').click();
    await bob.page.locator('[data-testid=call-outcome][data-reason=remote-hangup]').waitFor();
  });
});
