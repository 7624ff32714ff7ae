/**
 * The shared P2P contract suite against the WebRtcProvider: Node peers
 * (node-datachannel) signaling through a real gateway on loopback.
 */
import { afterAll, beforeAll } from 'vitest';
import { createEd25519Identity } from '@peerlink/sdk';
import { runProviderCompliance } from '@peerlink/sdk/compliance';
import { nodePeer, startP2pGateway, type NodePeer, type P2pGateway } from './support.js';

/** Lets frames in flight on loopback arrive (resets, closes). */
const SETTLE_MS = 300;

let gw: P2pGateway;
beforeAll(async () => {
  gw = await startP2pGateway();
});
afterAll(async () => {
  await gw.stop();
});

runProviderCompliance('WebRtcProvider (node-datachannel, real gateway)', async () => {
  const peers: NodePeer[] = [];
  return {
    async createProvider() {
      const peer = await nodePeer(gw);
      peers.push(peer);
      return peer.provider;
    },
    unknownPeerId: () => createEd25519Identity().peerId,
    settle: () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS)),
    async close() {
      await Promise.all(peers.map((p) => p.close()));
    },
  };
});
