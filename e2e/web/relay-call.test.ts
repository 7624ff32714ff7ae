/**
 * Relay-only browser call (issue 6 test 4, issue 3): alice's browser uses
 * `iceTransportPolicy: 'relay'` (the app's `?relay=1`) with ICE servers from
 * the gateway's `/api/ice-servers` (TURN REST credentials), and the TURN server
 * is ours (`@peerlink/turn-server`, the one `peerlink serve` embeds).
 *
 * Bob keeps all candidate types, so the relay sends to his host candidate:
 * those are on loopback (Chromium runs with --allow-loopback-in-peer-connection),
 * so the server allows 127.0.0.1/32 as peers, like PEERLINK_TURN_ALLOW_PEERS
 * does for `peerlink serve`. Carol is relay-only too: a call between her and
 * alice goes relay ↔ relay through the one server, which hands the media
 * between its own two allocations (see the turn-server README).
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnServer, type TurnServerHandle } from '@peerlink/turn-server';
import { eventually, framesDecoded, openChat, selectChat, startWebStack, type UserPage, type WebStack } from './harness.js';

let turn: TurnServerHandle | undefined;
let stack: WebStack | undefined;
let alice: UserPage;
let bob: UserPage;
let carol: UserPage;
const registry = new Registry();

async function relayedPackets(direction: 'client_to_peer' | 'peer_to_client'): Promise<number> {
  const metric = await registry.getSingleMetric('peerlink_turn_relayed_packets_total')?.get();
  return metric?.values.find((v) => v.labels.direction === direction)?.value ?? 0;
}

beforeAll(async () => {
  const secret = randomBytes(24).toString('hex');
  turn = await createTurnServer({ secret, port: 0, listenAddress: '127.0.0.1', allowPeers: ['127.0.0.1/32'], relayPorts: { min: 25_000, max: 25_999 }, registry });
  const port = turn.udpAddress.port;
  stack = await startWebStack({ turnUrls: `stun:127.0.0.1:${port},turn:127.0.0.1:${port}?transport=udp`, turnSecret: secret });
  alice = await stack.user('alice', { query: '?relay=1' });
  bob = await stack.user('bob');
  await openChat(alice, ['bob']);
  await bob.page.reload();
  await selectChat(bob, 'alice');
  carol = await stack.user('carol', { query: '?relay=1' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await turn?.close();
});

describe('relayed calls through our TURN server', () => {
  it('connects through TURN: frames decoded, relay candidate selected, badge says relayed, packets relayed both ways', async () => {
    await alice.page.getByRole('button', { name: 'Video call' }).click();
    await bob.page.getByTestId('accept').click();
    for (const user of [alice, bob]) await eventually(() => framesDecoded(user.page), (f) => (f[0] ?? 0) > 0, 20_000);
    const alicePair = await alice.page.evaluate(async () => Object.values(await window.__peerlink!.stats())[0]);
    expect(alicePair?.localCandidateType).toBe('relay');
    expect(alicePair?.path).toBe('relayed');
    await alice.page.locator('[data-testid=connection-badge][data-path=relayed]').waitFor();
    expect(await alice.page.getByTestId('connection-badge').textContent()).toContain('Relayed');
    // Bob may have learned alice's relay address from her checks (prflx) before signaling named it.
    const bobPair = await bob.page.evaluate(async () => Object.values(await window.__peerlink!.stats())[0]);
    expect(['relay', 'prflx']).toContain(bobPair?.remoteCandidateType);
    expect(turn!.allocationCount).toBeGreaterThan(0);
    expect(await relayedPackets('client_to_peer')).toBeGreaterThan(10);
    expect(await relayedPackets('peer_to_client')).toBeGreaterThan(10);
    await alice.page.getByTestId('hangup').click();
    await bob.page.locator('[data-testid=call-outcome][data-reason=remote-hangup]').waitFor();
  });

  it('both sides relay-only through the one server: frames decoded, relay ↔ relay on both ends', async () => {
    await openChat(carol, ['alice']);
    await alice.page.reload();
    await selectChat(alice, 'carol');
    await carol.page.getByRole('button', { name: 'Video call' }).click();
    await alice.page.getByTestId('accept').click();
    for (const user of [alice, carol]) await eventually(() => framesDecoded(user.page), (f) => (f[0] ?? 0) > 0, 20_000);
    for (const user of [alice, carol]) {
      const pair = await user.page.evaluate(async () => Object.values(await window.__peerlink!.stats())[0]);
      expect(pair?.localCandidateType).toBe('relay');
      // The remote relay address may first be learned from the peer's checks (prflx); either way it is a relay port of ours.
      expect(['relay', 'prflx']).toContain(pair?.remoteCandidateType);
      expect(pair?.path).toBe('relayed');
    }
    await carol.page.getByTestId('hangup').click();
    await alice.page.locator('[data-testid=call-outcome][data-reason=remote-hangup]').waitFor();
  });
});
