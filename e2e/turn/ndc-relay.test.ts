/**
 * Two node-datachannel (libdatachannel) peers, both relay-only
 * (`iceTransportPolicy: 'relay'`), exchange data through our TURN servers:
 * each through its own server, and both through the same server (the core
 * hands data between its own allocations; nothing is sent to its own relay
 * ports over the network). Native API with explicit negotiation (see
 * e2e/gateway/webrtc-call.test.ts for why not the W3C polyfill).
 */
import nodeDataChannel from 'node-datachannel';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnServer, restPassword, restUsername, type TurnServerHandle } from '@peerlink/turn-server';

const SECRET = 'ndc-relay-secret-0123456789';
const servers: { handle: TurnServerHandle; registry: Registry }[] = [];

beforeAll(async () => {
  // Relays on 127.0.0.2 and 127.0.0.3, peers allowed only there: libjuice also checks from its host socket under
  // `iceTransportPolicy: 'relay'`, and with relays on the clients' own 127.0.0.1 a permission for the other's relay
  // address would admit those host-sent checks too (a srflx ↔ relay pair). Real relays never share the clients' IP.
  for (const [min, relayAddress] of [[26_800, '127.0.0.2'], [26_900, '127.0.0.3']] as const) {
    const registry = new Registry();
    const handle = await createTurnServer({
      secret: SECRET,
      port: 0,
      listenAddress: '127.0.0.1',
      relayAddress,
      tcp: false,
      allowPeers: ['127.0.0.2/32', '127.0.0.3/32'],
      relayPorts: { min, max: min + 99 },
      registry,
    });
    servers.push({ handle, registry });
  }
});
afterAll(async () => {
  for (const s of servers.splice(0)) await s.handle.close();
});

async function relayed(registry: Registry, metric: string, direction: string): Promise<number> {
  const values = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
  return values.find((v) => v.labels.direction === direction)?.value ?? 0;
}

const text = (msg: string | Buffer | ArrayBuffer): string => (typeof msg === 'string' ? msg : Buffer.from(msg as ArrayBuffer).toString());

function peer(name: string, server: TurnServerHandle): nodeDataChannel.PeerConnection {
  const username = restUsername(Date.now() + 600_000, name);
  const url = `turn:${encodeURIComponent(username)}:${encodeURIComponent(restPassword(SECRET, username))}@127.0.0.1:${server.udpAddress.port}`;
  return new nodeDataChannel.PeerConnection(name, { iceServers: [url], iceTransportPolicy: 'relay', disableAutoNegotiation: true });
}

type Server = (typeof servers)[0];

/** Alice (via `one`) and Bob (via `two`) connect relay-only and echo 20 messages; both ends' selected pair is relay ↔ relay. */
async function relayOnlyExchange(one: Server, two: Server): Promise<void> {
    const pa = peer('alice', one.handle);
    const pb = peer('bob', two.handle);
    try {
      const candidates = { a: [] as [string, string][], b: [] as [string, string][] };
      pa.onLocalCandidate((c, mid) => candidates.a.push([c, mid]));
      pb.onLocalCandidate((c, mid) => candidates.b.push([c, mid]));
      pb.onDataChannel((dc) => dc.onMessage((msg) => dc.sendMessage(`echo ${text(msg)}`)));
      const channel = pa.createDataChannel('relay-test');
      const opened = new Promise<void>((resolve) => channel.onOpen(() => resolve()));
      const replies: string[] = [];
      const gotAll = new Promise<void>((resolve) =>
        channel.onMessage((msg) => {
          replies.push(text(msg));
          if (replies.length === 20) resolve();
        }),
      );
      const offer = new Promise<string>((resolve) => pa.onLocalDescription((sdp) => resolve(sdp)));
      pa.setLocalDescription('offer');
      const answer = new Promise<string>((resolve) => pb.onLocalDescription((sdp) => resolve(sdp)));
      pb.setRemoteDescription(await offer, 'offer');
      pb.setLocalDescription('answer');
      pa.setRemoteDescription(await answer, 'answer');
      // Trickle: candidates gathered so far, then any later ones as they come.
      const deliver = (to: typeof pa, list: [string, string][]) => {
        for (const [c, mid] of list.splice(0)) to.addRemoteCandidate(c, mid);
      };
      const pump = setInterval(() => {
        deliver(pb, candidates.a);
        deliver(pa, candidates.b);
      }, 20);
      try {
        await opened;
      } finally {
        clearInterval(pump);
      }
      for (let i = 0; i < 20; i++) channel.sendMessage(`message ${i}`);
      await gotAll;
      expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `echo message ${i}`));
      const pair = pa.getSelectedCandidatePair();
      expect(pair?.local.type).toBe('relay');
      expect(pair?.remote.type).toBe('relay');
      for (const { registry } of new Set([one, two])) {
        expect(await relayed(registry, 'peerlink_turn_relayed_bytes_total', 'client_to_peer')).toBeGreaterThan(20 * 'message 0'.length);
        expect(await relayed(registry, 'peerlink_turn_relayed_bytes_total', 'peer_to_client')).toBeGreaterThan(20 * 'message 0'.length);
      }
    } finally {
      pa.close();
      pb.close();
    }
}

describe('node-datachannel peers in relay-only mode', () => {
  it('each through its own server: open a data channel over relay candidates and exchange messages; metrics count the relayed bytes', async () => {
    const [one, two] = servers as [Server, Server];
    await relayOnlyExchange(one, two);
  });

  it('both through the same server: the server delivers between its own allocations', async () => {
    const one = servers[0] as Server;
    await relayOnlyExchange(one, one);
  });
});
