/**
 * Identity over WebRTC through a real gateway: a peer that does not hold the
 * key behind the dialled peer id, and a man in the middle that swaps the DTLS
 * fingerprints in the SDP, both fail with AUTHENTICATION_FAILED.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectP2PError } from '@peerlink/sdk/compliance';
import { createEd25519Identity } from '@peerlink/sdk';
import { mitmInterceptor } from './mitm.js';
import { nodePeer, startP2pGateway, type NodePeer, type P2pGateway } from './support.js';

let gw: P2pGateway;
const peers: NodePeer[] = [];
beforeAll(async () => {
  gw = await startP2pGateway();
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await gw.stop();
});

async function peer(options: Parameters<typeof nodePeer>[1] = {}): Promise<NodePeer> {
  const p = await nodePeer(gw, options);
  peers.push(p);
  return p;
}

describe('WebRTC identity proof', () => {
  it('reports setup phases and a direct host path for an honest pair', async () => {
    const [a, b] = [await peer(), await peer()];
    const listener = await b.provider.listen();
    const [ab] = await Promise.all([a.provider.connect(b.provider.localPeerId), listener.accept()]);
    const stats = ab.stats();
    expect(ab.path).toMatchObject({ kind: 'direct', local: 'host' });
    expect(ab.path.reason).toMatch(/^ice-host-/);
    let total = 0;
    for (const phase of Object.values(stats.setup) as number[]) {
      expect(phase).toBeGreaterThanOrEqual(0);
      total += phase;
    }
    expect(Math.abs(total - stats.establishmentMs)).toBeLessThan(1);
  });

  it('fails with AUTHENTICATION_FAILED when the gateway routes to a peer without the key', async () => {
    const victim = createEd25519Identity().peerId; // nobody holds this key
    const mallory = await peer();
    await mallory.provider.listen();
    const impostor = mallory.provider.localPeerId;
    // A compromised gateway: sends Alice's signals for `victim` to Mallory, and labels Mallory's replies as `victim`'s.
    const alice = await peer({
      interceptor: {
        outgoing: (s) => (s.to === victim ? { ...s, to: impostor } : s),
        incoming: (s) => (s.from === impostor ? { ...s, from: victim } : s),
      },
    });
    await expectP2PError(alice.provider.connect(victim), 'AUTHENTICATION_FAILED');
    expect(alice.provider.stats()).toMatchObject({ failures: 1, active: 0 });
    expect(mallory.provider.stats().active).toBe(0);
  });

  it('detects DTLS fingerprints swapped in transit by a man in the middle', async () => {
    const mitm = mitmInterceptor();
    try {
      const bob = await peer();
      const listener = await bob.provider.listen();
      const alice = await peer({ interceptor: mitm });
      const accepted = listener.accept({ signal: AbortSignal.timeout(1_500) }).then(
        () => 'accepted',
        () => 'not accepted',
      );
      await expectP2PError(alice.provider.connect(bob.provider.localPeerId), 'AUTHENTICATION_FAILED');
      expect(await accepted).toBe('not accepted');
      // DTLS worked on both legs and the proofs crossed the MITM; only the identity proof caught it.
      expect(mitm.relayed).toBeGreaterThanOrEqual(1);
    } finally {
      mitm.close();
    }
  });
});
