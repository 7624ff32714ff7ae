import { signalingSamples } from '@peerlink/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSignalingOptions } from './options.js';
import { SignalingTestEnv, type TestClient } from './testkit.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };
const answer = { type: 'answer' as const, sdp: signalingSamples.CHROMIUM_ANSWER };
const candidate = (i: number) => ({ candidate: `candidate:${i} 1 udp 2122260223 198.51.100.7 ${5000 + i} typ host`, sdpMid: '0' });

let env: SignalingTestEnv;
afterEach(() => env.close());

interface HeldCount {
  readonly heldPackets: number;
}

/** A 1:1 call in progress between two fresh users; returns both clients. */
async function activeCall(): Promise<{ a: TestClient; b: TestClient; chatId: string }> {
  const alice = await env.user();
  const bob = await env.user();
  const chatId = await env.chat(alice, bob);
  const a = await env.connect(alice);
  const b = await env.connect(bob);
  await a.request('call:initiate', { chatId, offer });
  await b.next('call:offer');
  await b.request('call:answer', { chatId, answer });
  await a.next('call:answer');
  return { a, b, chatId };
}

/** Drops `a`'s transport, lets `send` run while it is away, then reconnects it. */
async function dropAndReconnect(a: TestClient, send: () => Promise<void>): Promise<void> {
  const users = env.signaling.connectedUsers;
  a.socket.io.engine.close();
  await env.until(() => env.signaling.connectedUsers === users - 1, 'the server saw the drop');
  await send();
  const reconnected = new Promise<void>((resolve) => a.socket.once('connect', () => resolve()));
  a.socket.connect();
  await reconnected;
}

describe('connection state recovery buffer', () => {
  it('replays what a recovered client missed, in order', async () => {
    env = await SignalingTestEnv.start({ disconnectGraceMs: 2_000, recoveryBufferPackets: 100 });
    const { a, b, chatId } = await activeCall();
    const id = a.socket.id;
    await dropAndReconnect(a, async () => {
      for (let i = 1; i <= 3; i++) await b.request('call:ice-candidate', { chatId, candidate: candidate(i) });
    });
    expect(a.socket.recovered).toBe(true);
    expect(a.socket.id).toBe(id);
    for (let i = 1; i <= 3; i++) expect((await a.next('call:ice-candidate')).candidate).toEqual(candidate(i));
  });

  it('holds at most recoveryBufferPackets: past it the client reconnects unrecovered and the call goes on', async () => {
    env = await SignalingTestEnv.start({ disconnectGraceMs: 2_000, recoveryBufferPackets: 2 });
    const { a, b, chatId } = await activeCall();
    const adapter = env.signaling.io.of('/').adapter as unknown as HeldCount;
    const id = a.socket.id;
    await dropAndReconnect(a, async () => {
      for (let i = 1; i <= 3; i++) await b.request('call:ice-candidate', { chatId, candidate: candidate(i) });
      expect(adapter.heldPackets).toBe(2);
    });
    expect(a.socket.recovered).toBe(false);
    expect(a.socket.id).not.toBe(id);
    // The participant was rebound to the new socket within the grace period: the call still relays.
    await b.request('call:ice-candidate', { chatId, candidate: candidate(9) });
    expect((await a.next('call:ice-candidate')).candidate).toEqual(candidate(9));
    expect(env.signaling.liveCalls).toBe(1);
  });

  it('drops packets older than the grace period', async () => {
    env = await SignalingTestEnv.start({ disconnectGraceMs: 1_000, recoveryBufferPackets: 100 });
    const { a, b, chatId } = await activeCall();
    const adapter = env.signaling.io.of('/').adapter as unknown as HeldCount;
    await b.request('call:ice-candidate', { chatId, candidate: candidate(1) });
    await a.next('call:ice-candidate');
    expect(adapter.heldPackets).toBeGreaterThan(0);
    await env.until(() => adapter.heldPackets === 0, 'the sweep dropped expired packets');
  });

  it('validates the limit', () => {
    expect(() => resolveSignalingOptions({ recoveryBufferPackets: 0 })).toThrow(RangeError);
    expect(resolveSignalingOptions().recoveryBufferPackets).toBe(20_000);
  });
});
