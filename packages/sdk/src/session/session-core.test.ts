import { decodeFrame, encodeFrame, type P2PFrame } from '@peerlink/protocol';
import { describe, expect, it } from 'vitest';
import type { SessionAction } from './actions.js';
import { resolveSessionOptions } from './options.js';
import { SessionCore } from './session-core.js';

const frames = (actions: SessionAction[]): P2PFrame[] =>
  actions.flatMap((a) => {
    if (a.type !== 'transmit') return [];
    const d = decodeFrame(a.parts);
    return d.ok ? [d.frame] : [];
  });
const closed = (actions: SessionAction[]) => actions.find((a) => a.type === 'closed');

/** Two cores wired back to back, delivering every transmitted frame at once. */
function connectedPair(): { a: SessionCore; b: SessionCore; pump(from: SessionCore, actions: SessionAction[]): SessionAction[] } {
  const a = new SessionCore({ isInitiator: true, hasUnreliableChannel: false });
  const b = new SessionCore({ isInitiator: false, hasUnreliableChannel: false });
  const pump = (from: SessionCore, actions: SessionAction[]): SessionAction[] => {
    const to = from === a ? b : a;
    const out: SessionAction[] = [];
    for (const act of actions) if (act.type === 'transmit') out.push(...to.receive(act.parts, act.channel, 0));
    return out;
  };
  const fromA = a.start(0);
  const fromB = b.start(0);
  pump(a, fromA);
  pump(b, fromB);
  return { a, b, pump };
}

describe('SessionCore handshake', () => {
  it('sends HELLO first and becomes ready with the highest common version and shared capabilities', () => {
    const a = new SessionCore({ isInitiator: true, hasUnreliableChannel: true, options: { versions: [1, 2], capabilities: ['streams', 'x'] } });
    expect(frames(a.start(0))).toEqual([{ type: 'HELLO', versions: [1, 2], capabilities: ['streams', 'x'] }]);
    const out = a.receive(encodeFrame({ type: 'HELLO', versions: [2, 3], capabilities: ['x', 'y'] }), 'reliable', 5);
    expect(out).toContainEqual({ type: 'ready', version: 2, capabilities: ['x'] });
    expect(a.phase).toBe('open');
  });

  it('disconnects with PROTOCOL_ERROR when no version is shared', () => {
    const a = new SessionCore({ isInitiator: true, hasUnreliableChannel: false });
    a.start(0);
    const out = a.receive(encodeFrame({ type: 'HELLO', versions: [9], capabilities: [] }), 'reliable', 0);
    expect(frames(out)).toEqual([{ type: 'DISCONNECT', reason: 'no-common-version' }]);
    expect(closed(out)).toMatchObject({ code: 'PROTOCOL_ERROR', reason: 'no-common-version', initiator: 'local' });
  });

  it('times out a handshake that never completes', () => {
    const a = new SessionCore({ isInitiator: true, hasUnreliableChannel: false });
    a.start(0);
    expect(a.nextDeadline()).toBe(15_000);
    expect(closed(a.handleTimeout(15_000))).toMatchObject({ code: 'TIMEOUT', reason: 'handshake-timeout' });
  });
});

describe('SessionCore input validation', () => {
  it('treats a malformed reliable frame as fatal and a malformed unreliable one as a drop', () => {
    const { a } = connectedPair();
    expect(a.receive(Uint8Array.of(0x7f), 'unreliable', 1)).toEqual([{ type: 'dropped', reason: 'malformed-unreliable-frame' }]);
    expect(a.receive(encodeFrame({ type: 'PING', opaque: new Uint8Array(8) }), 'unreliable', 1)).toEqual([
      { type: 'dropped', reason: 'unexpected-unreliable-frame' },
    ]);
    const out = a.receive(Uint8Array.of(0x7f, 0, 0, 0, 0, 0, 0, 0, 0), 'reliable', 1);
    expect(closed(out)).toMatchObject({ code: 'PROTOCOL_ERROR', reason: 'protocol-error: UNKNOWN_TYPE' });
  });

  it('enforces the receive window (flow-control violation)', () => {
    const { a, b, pump } = connectedPair();
    const opened = a.openStream();
    expect(opened.streamId).toBe(1);
    pump(a, opened.actions);
    const flood = new Uint8Array(65_536);
    // The opener's initial credit is 64 KiB; b granted more on open. Send beyond everything granted.
    let out: SessionAction[] = [];
    for (let i = 0; i < 6 && closed(out) === undefined; i++) {
      out = b.receive(encodeFrame({ type: 'STREAM_DATA', streamId: 1, payload: flood }), 'reliable', 1);
    }
    expect(closed(out)).toMatchObject({ code: 'PROTOCOL_ERROR', reason: 'protocol-error: flow-control-violation' });
  });

  it('rejects a stream id of the wrong parity as protocol error', () => {
    const { a } = connectedPair();
    const out = a.receive(encodeFrame({ type: 'STREAM_OPEN', streamId: 5, initialWindow: 1 }), 'reliable', 1);
    expect(closed(out)).toMatchObject({ code: 'PROTOCOL_ERROR', reason: 'protocol-error: stream-id-reused' });
  });
});

describe('SessionCore streams and keepalive', () => {
  it('limits sends to credit and resumes on STREAM_WINDOW', () => {
    const { a, b, pump } = connectedPair();
    const { streamId, actions } = a.openStream();
    expect(a.writeStream(streamId ?? 0, new Uint8Array(1)).accepted).toBe(1); // 64 KiB default credit before any grant
    pump(b, pump(a, actions)); // STREAM_OPEN to b; b's STREAM_WINDOW (grant up to its 256 KiB window) back to a
    const write = a.writeStream(streamId ?? 0, new Uint8Array(400_000));
    expect(write.accepted).toBe(262_143);
    const delivered = pump(a, write.actions).filter((x) => x.type === 'stream-data').length;
    expect(delivered).toBe(16); // 16 KiB chunks
    const credit = b.consumed(streamId ?? 0, 65_536);
    expect(frames(credit)).toEqual([{ type: 'STREAM_WINDOW', streamId: 1, increment: 65_536 }]);
    expect(pump(b, credit)).toContainEqual({ type: 'stream-credit', streamId: 1 });
    expect(a.writeStream(streamId ?? 0, new Uint8Array(100_000)).accepted).toBe(65_536);
  });

  it('reopens the window in windowUpdateBytes steps (default a quarter window)', () => {
    const grants = (options: { streamWindow: number; windowUpdateBytes?: number }, consumed: number[]): P2PFrame[] => {
      const b = new SessionCore({ isInitiator: false, hasUnreliableChannel: false, options });
      b.start(0);
      b.receive(encodeFrame({ type: 'HELLO', versions: [1], capabilities: ['streams'] }), 'reliable', 0);
      b.receive(encodeFrame({ type: 'STREAM_OPEN', streamId: 1, initialWindow: options.streamWindow }), 'reliable', 0);
      return consumed.flatMap((n) => frames(b.consumed(1, n)));
    };
    // Default: a STREAM_WINDOW per quarter window consumed.
    expect(grants({ streamWindow: 1_048_576 }, [200_000, 100_000])).toEqual([{ type: 'STREAM_WINDOW', streamId: 1, increment: 300_000 }]);
    // 1 MiB steps on a 2 MiB window: nothing until 1 MiB was consumed, then all of it at once.
    expect(grants({ streamWindow: 2_097_152, windowUpdateBytes: 1_048_576 }, [524_288, 524_287])).toEqual([]);
    expect(grants({ streamWindow: 2_097_152, windowUpdateBytes: 1_048_576 }, [524_288, 524_288])).toEqual([{ type: 'STREAM_WINDOW', streamId: 1, increment: 1_048_576 }]);
    expect(() => resolveSessionOptions({ streamWindow: 262_144, windowUpdateBytes: 262_145 })).toThrow(/windowUpdateBytes/);
    expect(resolveSessionOptions({ streamWindow: 262_144 }).windowUpdateBytes).toBe(65_536);
  });

  it('pings after the keepalive interval, measures rtt, and detects a dead peer', () => {
    const { a, b, pump } = connectedPair();
    expect(a.nextDeadline()).toBe(5_000);
    const ping = a.handleTimeout(5_000);
    expect(frames(ping)[0]?.type).toBe('PING');
    const pong = b.receive((ping[0] as { parts: readonly Uint8Array[] }).parts, 'reliable', 5_010);
    const rtt = a.receive((pong[0] as { parts: readonly Uint8Array[] }).parts, 'reliable', 5_040);
    expect(rtt).toEqual([{ type: 'rtt', rttMs: 40 }]);
    expect(closed(a.handleTimeout(20_039))).toBeUndefined();
    expect(closed(a.handleTimeout(20_040))).toMatchObject({ code: 'TIMEOUT', reason: 'keepalive-timeout' });
    void pump;
  });

  it('validates options once, naming the bad one', () => {
    expect(() => resolveSessionOptions({ deadPeerTimeoutMs: 50 })).toThrow(/deadPeerTimeoutMs/);
    expect(() => resolveSessionOptions({ keepaliveIntervalMs: 20_000 })).toThrow(/keepaliveIntervalMs/);
    expect(() => resolveSessionOptions({ streamWindow: 1_000 })).toThrow(/streamWindow/);
  });
});
