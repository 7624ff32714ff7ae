/**
 * Relay → direct upgrade of `HybridForwarder` (the client of `peerlink
 * connect`), in process with real parts: the harness gateway and `/p2p`
 * signaling, our TURN server on loopback, node-datachannel on both ends.
 *
 * The first peer connection the client creates is relay-only (the test's
 * stand-in for an ICE agent that nominated the relay pair although a direct
 * one exists, as libjuice does in docs/CONNECTIVITY.md); every later one is
 * ordinary. The forwarder must find the direct path in the background, move
 * new streams to it, keep the stream in flight on the relay until it ends,
 * then close the relayed connection.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridForwarder, withEncodedIceCredentials, type HybridEvent } from '@peerlink/agent';
import { createTurnServer, restPassword, restUsername, type TurnServerHandle } from '@peerlink/turn-server';
import type { RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { exchange } from './agent-helpers.js';
import { echo, startTcpService, until, type TcpService } from './harness.js';
import { agentPaths, nodeRtc, openEcho, startP2pWorld, type P2pWorld } from './p2p-world.js';

const SECRET = 'hybrid-upgrade-secret-0123456789';
let service: TcpService;
let world: P2pWorld;
let turn: TurnServerHandle;
/** The agent's own TURN server, as two sites would have: the relayed first connection crosses two servers. */
let agentTurn: TurnServerHandle;
let forwarder: HybridForwarder | undefined;
const registry = new Registry();

/**
 * `rtc`, except that the first connection it constructs can only use relayed
 * pairs: relay-only policy (our relay candidate), and of the device's
 * candidates only its relay candidate is kept. libjuice still checks from its
 * host socket under the relay-only policy, but the one remote address it
 * knows is the device's TURN relay, so every pair crosses a TURN server.
 */
function firstRelayOnly(rtc: RtcPeerConnectionConstructor): { rtc: RtcPeerConnectionConstructor; created: () => number; first: () => RTCPeerConnection | undefined } {
  let created = 0;
  let first: RTCPeerConnection | undefined;
  const wrapped = new Proxy(rtc, {
    construct(target, args: [RTCConfiguration?]) {
      const [configuration = {}] = args;
      if (created++ > 0) return Reflect.construct(target, [configuration]);
      const pc = Reflect.construct(target, [{ ...configuration, iceTransportPolicy: 'relay' }]);
      first = pc;
      const add = pc.addIceCandidate.bind(pc);
      pc.addIceCandidate = (candidate?: RTCIceCandidateInit | null) => (/ typ relay/.test(candidate?.candidate ?? ' typ relay') ? add(candidate ?? undefined) : Promise.resolve());
      return pc;
    },
  });
  return { rtc: wrapped, created: () => created, first: () => first };
}

beforeAll(async () => {
  service = await startTcpService(echo);
  turn = await createTurnServer({ secret: SECRET, port: 0, listenAddress: '127.0.0.1', tcp: false, allowPeers: ['127.0.0.1/32'], relayPorts: { min: 26_000, max: 26_049 }, registry });
  agentTurn = await createTurnServer({ secret: SECRET, port: 0, listenAddress: '127.0.0.1', tcp: false, allowPeers: ['127.0.0.1/32'], relayPorts: { min: 26_050, max: 26_099 } });
  const username = restUsername(Date.now() + 600_000, 'agent');
  const turnServers = [{ url: `turn:127.0.0.1:${agentTurn.udpAddress.port}?transport=udp`, username, password: restPassword(SECRET, username) }];
  world = await startP2pWorld({ mode: 'p2p', deviceId: 'cam-up', tunnelPorts: { min: 21_550, max: 21_599 }, services: [{ name: 'echo', target: service.target }], turnServers });
});

afterAll(async () => {
  await forwarder?.stop();
  await world?.stop();
  await turn?.close();
  await agentTurn?.close();
  await service?.close();
});

describe('hybrid client: relay → direct upgrade', () => {
  it('moves new streams to a direct connection found in the background; the stream in flight stays on the relay until it ends', async () => {
    const username = restUsername(Date.now() + 600_000, 'upgrade');
    const iceServers: RTCIceServer[] = [{ urls: `turn:127.0.0.1:${turn.udpAddress.port}?transport=udp`, username, credential: restPassword(SECRET, username) }];
    const rtc = firstRelayOnly(withEncodedIceCredentials(nodeRtc));
    const events: HybridEvent[] = [];
    forwarder = new HybridForwarder({
      mode: 'p2p',
      gatewayUrl: world.gw.url,
      signalingUrl: world.signalingUrl,
      token: world.owner,
      deviceId: 'cam-up',
      peerId: world.peerId,
      forwards: [{ localPort: 0, service: 'echo' }],
      rtc: rtc.rtc,
      iceServers,
      iceTimeoutMs: 5_000,
      upgrade: { retry: { initialMs: 200, maxMs: 1_000 } },
      onEvent: (e) => events.push(e),
    });
    const [port] = await forwarder.start();
    const allocations = async (): Promise<number> => (await registry.getSingleMetric('peerlink_turn_allocations_active')?.get())?.values[0]?.value ?? 0;

    // The first stream waits for p2p, which comes up relayed.
    const inFlight = await openEcho(port!);
    expect(await inFlight.roundTrip('over the relay')).toBe('over the relay');
    expect(events.find((e) => e.type === 'path')).toMatchObject({ type: 'path', path: 'relay', reason: expect.stringMatching(/^(peer-)?turn-relay$/) });

    await until(() => forwarder!.path === 'direct', 15_000, 'path direct');
    const upgraded = events.find((e) => e.type === 'path' && e.path === 'direct');
    expect(upgraded).toMatchObject({ reason: expect.stringMatching(/^relay-upgraded-to-direct: ice-host-host$/) });
    expect(rtc.created()).toBeGreaterThanOrEqual(2);

    // A new stream goes direct while the first one still flows over the relay.
    const data = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
    expect(Buffer.compare(await exchange(port!, data), Buffer.from(data))).toBe(0);
    await until(() => events.some((e) => e.type === 'stream-closed' && e.path === 'direct'), 5_000, 'direct stream closed');
    expect(await inFlight.roundTrip('still on the relay')).toBe('still on the relay');
    // (The agent labels it by its own selected pair, which may look peer-reflexive: only count it.)
    expect(agentPaths(world.agent)).toHaveLength(1);

    // Its end retires the relayed connection.
    expect(await allocations()).toBeGreaterThan(0);
    expect(rtc.first()?.connectionState).toBe('connected');
    inFlight.close();
    await until(() => events.some((e) => e.type === 'stream-closed' && e.path === 'relay'), 5_000, 'relay stream closed');
    await until(() => rtc.first()?.connectionState === 'closed', 5_000, 'relayed peer connection closed');
    // The direct connection stays in use: exactly two path changes, no redial.
    expect(forwarder.path).toBe('direct');
    expect(events.filter((e) => e.type === 'path').map((e) => e.type === 'path' && e.path)).toEqual(['relay', 'direct']);
  });
});
