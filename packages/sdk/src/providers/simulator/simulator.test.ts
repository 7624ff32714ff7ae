import { describe, expect, it } from 'vitest';
import { expectP2PError, expectSameBytes } from '../../contract/compliance.js';
import { isP2PError } from '../../contract/errors.js';
import type { P2PConnection } from '../../contract/provider.js';
import { patternBytes, readAll, writeAll } from '../../contract/stream-helpers.js';
import type { LinkKnobs } from './knobs.js';
import type { NatType } from './nat.js';
import { SimulatorNetwork, type SimulatorNetworkOptions } from './network.js';

async function pair(
  options: SimulatorNetworkOptions & { natA?: NatType; natB?: NatType } = {},
): Promise<{ net: SimulatorNetwork; ab: P2PConnection; ba: P2PConnection }> {
  const net = new SimulatorNetwork({ env: false, ...options });
  const a = net.createProvider({ name: 'a', nat: options.natA ?? 'endpoint-independent' });
  const b = net.createProvider({ name: 'b', nat: options.natB ?? 'endpoint-independent' });
  const listener = await b.listen();
  const [ab, ba] = await Promise.all([a.connect(b.localPeerId), listener.accept()]);
  return { net, ab, ba };
}

async function scenario(seed: number): Promise<string> {
  const knobs: Partial<LinkKnobs> = { latencyMs: 15, jitterMs: 10, packetLoss: 0.1 };
  const { net, ab, ba } = await pair({ seed, defaults: knobs });
  for (let i = 0; i < 50; i++) ab.send(Uint8Array.of(i));
  const stream = await ab.openStream();
  const reading = ba.acceptStream().then(readAll);
  await writeAll(stream, patternBytes(200_000, seed));
  await reading;
  await ab.close('done');
  await net.runUntilIdle();
  return JSON.stringify(net.trace);
}

describe('SimulatorNetwork determinism', () => {
  it('gives an identical trace for the same seed, and a different one for another seed', async () => {
    const first = await scenario(7);
    const second = await scenario(7);
    expect(second).toBe(first);
    expect(first).toContain('"retransmit"');
    expect(await scenario(8)).not.toBe(first);
  });

  it('derives the same peer ids from the same seed', () => {
    const ids = (seed: number): string[] => {
      const net = new SimulatorNetwork({ env: false, seed });
      return [net.createProvider().localPeerId, net.createProvider().localPeerId];
    };
    expect(ids(3)).toEqual(ids(3));
    expect(ids(3)).not.toEqual(ids(4));
  });
});

describe('loss below the reliable layer', () => {
  it('delivers 1 MiB through a stream intact under 10% packet loss', async () => {
    const { net, ab, ba } = await pair({ seed: 11, defaults: { packetLoss: 0.1, jitterMs: 5 } });
    const data = patternBytes(1024 * 1024, 3);
    const stream = await ab.openStream();
    const reading = ba.acceptStream().then(readAll);
    await writeAll(stream, data);
    expectSameBytes(await reading, data);
    const lostSegments = net.trace.filter((e) => e.type === 'packet' && e.kind === 'segment' && e.lost).length;
    const retransmits = net.trace.filter((e) => e.type === 'retransmit').length;
    expect(lostSegments).toBeGreaterThan(3);
    expect(retransmits).toBeGreaterThanOrEqual(lostSegments); // every lost segment was sent again
  });

  it('loses about the configured fraction of unreliable messages', async () => {
    const { net, ab, ba } = await pair({ seed: 5, defaults: { packetLoss: 0.2 } });
    const sent = 2_000;
    for (let i = 0; i < sent; i++) ab.send(Uint8Array.of(i & 0xff));
    await net.runUntilIdle();
    const received = ba.stats().messagesReceived;
    // Binomial(2000, 0.8): sd ≈ 18; the bounds are > 5 sd wide and the seed is fixed.
    expect(received).toBeGreaterThan(sent * 0.75);
    expect(received).toBeLessThan(sent * 0.85);
  });

  it('takes the serialisation time the bandwidth implies (virtual time)', async () => {
    const { net, ab, ba } = await pair({ defaults: { bandwidthKbps: 8_000, latencyMs: 1 } });
    const start = net.now;
    const stream = await ab.openStream();
    const reading = ba.acceptStream().then(readAll);
    await writeAll(stream, new Uint8Array(1_000_000));
    expect((await reading).length).toBe(1_000_000);
    expect(net.now - start).toBeGreaterThanOrEqual(1_000); // 8 Mbit at 8 000 kbit/s
    expect(net.now - start).toBeLessThan(2_000);
  });
});

describe('connection failures and path selection', () => {
  it('honours the failure rate', async () => {
    const net = new SimulatorNetwork({ env: false, seed: 9, defaults: { failureRate: 0.3 } });
    const a = net.createProvider();
    const b = net.createProvider();
    await b.listen();
    const attempts = 200;
    let failed = 0;
    for (let i = 0; i < attempts; i++) {
      try {
        const conn = await a.connect(b.localPeerId);
        await conn.close();
      } catch (error) {
        expect(isP2PError(error, 'CONNECTION_FAILED') && error.reason).toBe('simulated-failure');
        failed++;
      }
    }
    // Binomial(200, 0.3): sd ≈ 6.5; fixed seed.
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
    expect(a.stats()).toMatchObject({ attempts, failures: failed, successes: attempts - failed });
  });

  it('fails symmetric <-> symmetric without a relay, with the reason', async () => {
    const net = new SimulatorNetwork({ env: false });
    const a = net.createProvider({ nat: 'symmetric' });
    const b = net.createProvider({ nat: 'symmetric' });
    await b.listen();
    const error: unknown = await a.connect(b.localPeerId).catch((e: unknown) => e);
    expect(isP2PError(error, 'CONNECTION_FAILED')).toBe(true);
    expect(isP2PError(error) && error.reason).toBe('symmetric-nat-both-sides-no-relay');
  });

  it('connects symmetric <-> symmetric through a relay and reports it', async () => {
    const { ab, ba } = await pair({ relay: true, natA: 'symmetric', natB: 'symmetric' });
    expect(ab.path).toEqual({ kind: 'relay', reason: 'symmetric-nat-both-sides', local: 'relay', remote: 'relay' });
    expect(ba.path.kind).toBe('relay');
    ab.send(Uint8Array.of(1));
    expect(await ba.recv()).toEqual(Uint8Array.of(1));
  });

  it('prefers direct when possible even with a relay, and counts paths', async () => {
    const net = new SimulatorNetwork({ env: false, relay: true });
    const open = net.createProvider({ nat: 'open' });
    const sym = net.createProvider({ nat: 'symmetric' });
    const eim = net.createProvider({ nat: 'endpoint-independent' });
    await open.listen();
    await eim.listen();
    const direct = await sym.connect(open.localPeerId);
    expect(direct.path).toMatchObject({ kind: 'direct', local: 'srflx', remote: 'host' });
    const relayed = await sym.connect(eim.localPeerId);
    expect(relayed.path).toMatchObject({ kind: 'relay', reason: 'symmetric-nat-one-side' });
    expect(sym.stats().byPath).toEqual({ direct: 1, relay: 1, tunnel: 0 });
    await expectP2PError(sym.connect(eim.localPeerId, { policy: { allow: ['direct'] } }), 'CONNECTION_FAILED');
  });

  it('times out a connect that cannot finish within policy.timeoutMs', async () => {
    const net = new SimulatorNetwork({ env: false, defaults: { latencyMs: 5_000 } });
    const a = net.createProvider();
    const b = net.createProvider();
    await b.listen();
    const start = net.now;
    await expectP2PError(a.connect(b.localPeerId, { policy: { timeoutMs: 1_000 } }), 'TIMEOUT');
    expect(net.now - start).toBe(1_000);
  });
});

describe('dead peer detection (manual virtual time)', () => {
  it('closes with TIMEOUT within the dead-peer timeout after the link goes silent, not before', async () => {
    const net = new SimulatorNetwork({ env: false, autoRun: false });
    const a = net.createProvider({ name: 'a' });
    const b = net.createProvider({ name: 'b' });
    const listener = await b.listen();
    const connecting = Promise.all([a.connect(b.localPeerId), listener.accept()]);
    await net.advance(1_000);
    const [ab] = await connecting;
    await net.advance(60_000);
    expect(ab.isConnected).toBe(true); // keepalive holds an idle connection open
    const closed = new Promise<unknown>((resolve) => ab.once('closed', resolve));
    net.setLink(a, b, { packetLoss: 1 });
    const cutAt = net.now;
    await net.advance(15_000);
    expect(await closed).toMatchObject({ initiator: 'local', reason: 'keepalive-timeout', error: { code: 'TIMEOUT' } });
    expect(net.trace.find((e) => e.type === 'closed' && e.peer === 'a')?.t).toBeLessThanOrEqual(cutAt + 15_000);
  });

  it('uses a configurable dead-peer timeout', async () => {
    const net = new SimulatorNetwork({ env: false, autoRun: false });
    const session = { deadPeerTimeoutMs: 3_000, keepaliveIntervalMs: 1_000 };
    const a = net.createProvider({ session });
    const b = net.createProvider({ session });
    const listener = await b.listen();
    const connecting = Promise.all([a.connect(b.localPeerId), listener.accept()]);
    await net.advance(1_000);
    const [ab, ba] = await connecting;
    net.setLink(a, b, { packetLoss: 1 });
    await net.advance(3_000);
    expect(ab.isConnected).toBe(false);
    expect(ba.isConnected).toBe(false);
  });
});
