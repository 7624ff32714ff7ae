import { signalingSamples } from '@peerlink/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallStore, Stores } from '../../core/ports.js';
import { SignalingTestEnv } from './testkit.js';

const offer = { type: 'offer' as const, sdp: signalingSamples.CHROMIUM_OFFER };

let env: SignalingTestEnv;
afterEach(() => env.close());

function connectError(socket: ReturnType<SignalingTestEnv['socket']>): Promise<Error & { data?: unknown }> {
  return new Promise((resolve) => socket.once('connect_error', resolve));
}

describe('signaling robustness', () => {
  it('refuses a handshake without a token or with a bad one, with a clear error', async () => {
    env = await SignalingTestEnv.start();
    const missing = await connectError(env.socket({}));
    expect(missing.message).toMatch(/Authentication required/);
    expect(missing.data).toEqual({ code: 'UNAUTHENTICATED', message: missing.message });
    const bad = await connectError(env.socket({ token: 'not-a-jwt' }));
    expect(bad.data).toEqual({ code: 'UNAUTHENTICATED', message: 'Invalid or expired token' });
    const wrongType = await connectError(env.socket({ token: 42 }));
    expect(wrongType.data).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('malformed payloads, SDP and candidates get call:error with a stable code; the socket keeps working', async () => {
    env = await SignalingTestEnv.start({ maxSdpBytes: 8_192 });
    const alice = await env.user();
    const bob = await env.user();
    const chatId = await env.chat(alice, bob);
    const a = await env.connect(alice);
    await env.connect(bob);
    const cases: [unknown, string][] = [
      [undefined, 'VALIDATION_FAILED'],
      ['just a string', 'VALIDATION_FAILED'],
      [{ chatId: 42 }, 'VALIDATION_FAILED'],
      [{ chatId, offer: { type: 'offer', sdp: 'hello' } }, 'INVALID_SDP'],
      [{ chatId, offer: { type: 'answer', sdp: offer.sdp } }, 'INVALID_SDP'],
      [{ chatId, offer: { type: 'offer', sdp: offer.sdp.replace('v=0', 'v=1') } }, 'INVALID_SDP'],
      [{ chatId, offer: { type: 'offer', sdp: `${offer.sdp}a=x-pad:${'x'.repeat(9_000)}\r\n` } }, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [payload, code] of cases) {
      const reply = await a.requestRaw('call:initiate', payload);
      expect(reply).toMatchObject({ ok: false, error: { code } });
      expect(await a.next('call:error')).toMatchObject({ code, event: 'call:initiate' });
    }
    const started = await a.request('call:initiate', { chatId, offer });
    expect(started).toMatchObject({ ok: true });
    for (const [candidate, code] of [
      [{ candidate: 'candidate:1 1 udp 1 999.0.0.1 1 typ host', sdpMid: '0' }, 'INVALID_CANDIDATE'],
      [{ candidate: 'a=candidate:1 1 udp 1 192.0.2.1 1 typ host', sdpMid: '0' }, 'INVALID_CANDIDATE'],
      [{ candidate: signalingSamples.GOOD_CANDIDATES[0] }, 'INVALID_CANDIDATE'], // no sdpMid / sdpMLineIndex
      [{ sdpMid: '0' }, 'VALIDATION_FAILED'],
    ] as const) {
      expect(await a.requestRaw('call:ice-candidate', { chatId, candidate })).toMatchObject({ ok: false, error: { code } });
    }
    expect(await a.requestRaw('call:signal', { callId: 'x', to: 'y', type: 'bogus', signal: null })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await a.requestRaw('call:hack', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    a.socket.emit('call:end', { chatId }); // no ack callback: still handled
    expect(await a.next('call:ended')).toMatchObject({ status: 'cancelled' });
  });

  it('an oversize message closes that connection only; others are still served', async () => {
    env = await SignalingTestEnv.start({ maxMessageBytes: 32_768, maxSdpBytes: 16_384 });
    const big = await env.connect(await env.user());
    const other = await env.connect(await env.user());
    const closed = new Promise<string>((resolve) => big.socket.once('disconnect', resolve));
    big.socket.emit('call:initiate', { chatId: 'x'.repeat(40_000) });
    expect(await closed).toMatch(/transport (close|error)/);
    expect(await other.request('call:stats', { callId: 'nope' })).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
  });

  it('a flood is rate limited, then disconnected; other sockets are still served', async () => {
    env = await SignalingTestEnv.start({ rateLimit: { perSecond: 5, burst: 10, maxViolations: 40 } });
    const flooder = await env.connect(await env.user());
    const other = await env.connect(await env.user());
    const closed = new Promise<string>((resolve) => flooder.socket.once('disconnect', resolve));
    for (let i = 0; i < 100; i++) flooder.socket.emit('call:stats', { callId: `flood-${i}` });
    expect(await flooder.next('call:error', (e) => e.code === 'RATE_LIMITED' && e.message === 'Too many messages')).toBeDefined();
    expect(await closed).toBe('io server disconnect');
    expect(flooder.seen('call:error').filter((e) => (e as { code: string }).code === 'RATE_LIMITED')).toEqual([
      { code: 'RATE_LIMITED', message: 'Too many messages; disconnecting', event: 'call:stats' },
    ]);
    expect(await other.request('call:stats', { callId: 'nope' })).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
  });

  it('a failing history store is logged and reported; signaling goes on', async () => {
    const failing = (real: Stores): Stores => {
      const calls: CallStore = { ...real.calls, createCall: () => Promise.reject(new Error('disk full')) };
      return { ...real, calls };
    };
    env = await SignalingTestEnv.start({}, failing);
    const alice = await env.user();
    const bob = await env.user();
    const chatId = await env.chat(alice, bob);
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    expect(await a.request('call:initiate', { chatId, offer })).toMatchObject({ ok: true });
    expect(await a.next('call:error')).toEqual({ code: 'INTERNAL', message: 'Call history could not be saved' });
    await b.next('call:offer');
    await env.until(() => env.signaling.storeFailures === 1, 'the failure was counted');
  });

  it('close() tells clients, ends live calls in history and refuses new sockets', async () => {
    env = await SignalingTestEnv.start();
    const alice = await env.user();
    const bob = await env.user();
    const chatId = await env.chat(alice, bob);
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    const started = await a.request('call:initiate', { chatId, offer });
    await b.next('call:offer');
    await env.signaling.close();
    expect(await a.next('server:shutdown')).toEqual({ reason: 'shutdown', message: 'Server is shutting down' });
    expect(await b.next('call:ended')).toMatchObject({ status: 'failed', reason: 'server-shutdown' });
    const callId = started.ok ? started.callId! : '';
    expect(await env.stores.calls.getCall(callId)).toMatchObject({ status: 'failed', reason: 'server-shutdown' });
    const refused = await connectError(env.socket({ token: alice.token }));
    expect(refused).toBeInstanceOf(Error);
  });

  it('connection state recovery: a dropped transport comes back with its session and its call', async () => {
    env = await SignalingTestEnv.start({ disconnectGraceMs: 2_000 });
    const alice = await env.user();
    const bob = await env.user();
    const chatId = await env.chat(alice, bob);
    const a = await env.connect(alice);
    const b = await env.connect(bob);
    await a.request('call:initiate', { chatId, offer });
    await b.next('call:offer');
    await b.request('call:answer', { chatId, answer: { type: 'answer', sdp: signalingSamples.CHROMIUM_ANSWER } });
    await a.next('call:answer');
    const id = a.socket.id;
    a.socket.io.engine.close(); // simulate a network drop
    await env.until(() => env.signaling.connectedUsers === 1, 'the server saw the drop');
    await b.request('call:ice-candidate', { chatId, candidate: null }); // sent while alice is away
    const reconnected = new Promise<void>((resolve) => a.socket.once('connect', () => resolve()));
    a.socket.connect();
    await reconnected;
    expect(a.socket.recovered).toBe(true);
    expect(a.socket.id).toBe(id);
    expect(await a.next('call:ice-candidate')).toMatchObject({ from: bob.id, candidate: null }); // replayed
    await b.request('call:end', { chatId });
    expect(await a.next('call:end')).toMatchObject({ userId: bob.id, reason: 'hangup' });
  });
});
