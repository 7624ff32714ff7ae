/**
 * The P2P provider contract as one shared test suite (after js-libp2p's
 * interface-compliance-tests). Every provider runs it:
 *
 *   runProviderCompliance('simulator', async () => harness);
 *
 * Import from `@peerlink/sdk/compliance` inside a vitest test file.
 */
import type { PeerId } from '@peerlink/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isP2PError, type P2PErrorCode } from './errors.js';
import type { P2PConnection, P2PProvider } from './provider.js';
import { firstDifference, patternBytes, readAll, writeAll } from './stream-helpers.js';

export interface ComplianceHarness {
  /** A fresh provider on a shared, lossless network (so unreliable messages do arrive). */
  createProvider(): Promise<P2PProvider>;
  /** A well-formed peer id that nobody on the network uses. */
  unknownPeerId(): PeerId;
  /** Lets in-flight work finish (simulator: run virtual time until idle). Used before asserting on backpressure. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<ComplianceHarness>;

export interface ConnectedPair {
  readonly a: P2PProvider;
  readonly b: P2PProvider;
  /** a's side (dialled). */
  readonly ab: P2PConnection;
  /** b's side (accepted). */
  readonly ba: P2PConnection;
}

export async function connectPair(h: ComplianceHarness): Promise<ConnectedPair> {
  const [a, b] = [await h.createProvider(), await h.createProvider()];
  const listener = await b.listen();
  const [ab, ba] = await Promise.all([a.connect(b.localPeerId), listener.accept()]);
  return { a, b, ab, ba };
}

export async function expectP2PError(promise: Promise<unknown>, code: P2PErrorCode): Promise<void> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(isP2PError(error), `expected a P2PError ${code}, got ${String(error)}`).toBe(true);
  if (isP2PError(error)) expect(error.code).toBe(code);
}

/** Asserts byte equality without a slow deep diff. */
export function expectSameBytes(actual: Uint8Array | undefined, expected: Uint8Array | undefined): void {
  expect(actual?.length).toBe(expected?.length);
  expect(firstDifference(actual ?? new Uint8Array(), expected ?? new Uint8Array())).toBe(-1);
}

export function runProviderCompliance(name: string, factory: HarnessFactory): void {
  describe(`P2P provider compliance: ${name}`, () => {
    let h: ComplianceHarness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h.close();
    });

    describe('connect and accept', () => {
      it('connects both sides to each other with a reported path', async () => {
        const { a, b, ab, ba } = await connectPair(h);
        expect(ab.peerId).toBe(b.localPeerId);
        expect(ba.peerId).toBe(a.localPeerId);
        expect(a.localPeerId).not.toBe(b.localPeerId);
        for (const conn of [ab, ba]) {
          expect(conn.isConnected).toBe(true);
          expect(['direct', 'relay', 'tunnel']).toContain(conn.path.kind);
          expect(conn.path.reason.length).toBeGreaterThan(0);
          expect(conn.stats().establishmentMs).toBeGreaterThanOrEqual(0);
        }
        expect(a.stats()).toMatchObject({ attempts: 1, successes: 1, failures: 0, active: 1 });
        expect(b.stats()).toMatchObject({ successes: 1, active: 1 });
      });

      it('emits connection-established on both providers', async () => {
        const [a, b] = [await h.createProvider(), await h.createProvider()];
        const seen: string[] = [];
        a.on('connection-established', (e) => seen.push(`a:${e.direction}`));
        b.on('connection-established', (e) => seen.push(`b:${e.direction}`));
        const listener = await b.listen();
        await Promise.all([a.connect(b.localPeerId), listener.accept()]);
        expect(seen.sort()).toEqual(['a:outbound', 'b:inbound']);
      });

      it('fails with PEER_NOT_FOUND for an unknown peer id and counts the failure', async () => {
        const a = await h.createProvider();
        await expectP2PError(a.connect(h.unknownPeerId()), 'PEER_NOT_FOUND');
        expect(a.stats()).toMatchObject({ attempts: 1, failures: 1, active: 0 });
      });

      it('fails with PEER_NOT_FOUND when the peer stopped listening', async () => {
        const [a, b] = [await h.createProvider(), await h.createProvider()];
        const listener = await b.listen();
        await listener.close();
        await expectP2PError(listener.accept(), 'CLOSED');
        await expectP2PError(a.connect(b.localPeerId), 'PEER_NOT_FOUND');
      });

      it('allows one listener at a time', async () => {
        const b = await h.createProvider();
        const listener = await b.listen();
        await expectP2PError(b.listen(), 'NETWORK_ERROR');
        await listener.close();
        await (await b.listen()).close();
      });
    });

    describe('messages (unreliable send)', () => {
      it('delivers messages both ways, via recv() and async iteration', async () => {
        const { ab, ba } = await connectPair(h);
        for (let i = 0; i < 5; i++) ab.send(Uint8Array.of(i));
        ba.send(new TextEncoder().encode('pong'));
        const got = new Set<number>();
        for (let i = 0; i < 5; i++) got.add((await ba.recv())[0] ?? -1);
        expect([...got].sort()).toEqual([0, 1, 2, 3, 4]);
        expect(new TextDecoder().decode(await ab.recv())).toBe('pong');
        ab.send(Uint8Array.of(9));
        const iterator = ba[Symbol.asyncIterator]();
        expect((await iterator.next()).value).toEqual(Uint8Array.of(9));
        expect(ab.stats().messagesSent).toBe(6);
        expect(ba.stats().messagesReceived).toBe(6);
      });

      it('rejects messages above 64 KiB', async () => {
        const { ab } = await connectPair(h);
        expect(() => ab.send(new Uint8Array(65_537))).toThrow(RangeError);
      });

      it('recv() honours an AbortSignal and the connection stays usable', async () => {
        const { ab, ba } = await connectPair(h);
        const controller = new AbortController();
        const pending = ba.recv({ signal: controller.signal });
        controller.abort();
        await expectP2PError(pending, 'ABORTED');
        await expectP2PError(ba.recv({ signal: AbortSignal.abort() }), 'ABORTED');
        ab.send(Uint8Array.of(7));
        expect(await ba.recv()).toEqual(Uint8Array.of(7));
      });
    });

    describe('streams', () => {
      it('carries bytes both ways with half-close', async () => {
        const { ab, ba } = await connectPair(h);
        const request = patternBytes(50_000, 1);
        const response = patternBytes(70_000, 2);
        const opened = await ab.openStream();
        const accepted = ba.acceptStream();
        const serverSide = (async () => {
          const s = await accepted;
          const got = await readAll(s);
          await writeAll(s, response);
          return got;
        })();
        await writeAll(opened, request);
        expectSameBytes(await readAll(opened), response);
        expectSameBytes(await serverSide, request);
      });

      it('multiplexes several concurrent streams without mixing bytes', async () => {
        const { ab, ba } = await connectPair(h);
        const payloads = [patternBytes(200_000, 11), patternBytes(150_000, 12), patternBytes(1, 13)];
        const streams = await Promise.all(payloads.map(() => ab.openStream()));
        expect(new Set(streams.map((s) => s.id)).size).toBe(3);
        const received = Promise.all(
          payloads.map(async () => {
            const s = await ba.acceptStream();
            return { id: s.id, bytes: await readAll(s) };
          }),
        );
        await Promise.all(streams.map((s, i) => writeAll(s, payloads[i] ?? new Uint8Array(), 10_000)));
        const byId = new Map((await received).map((r) => [r.id, r.bytes]));
        streams.forEach((s, i) => expectSameBytes(byId.get(s.id), payloads[i]));
      });

      it('applies backpressure: a writer stalls while the reader does not read', async () => {
        const { ab, ba } = await connectPair(h);
        const stream = await ab.openStream();
        const writer = stream.writable.getWriter();
        const total = 4 * 1024 * 1024;
        const chunk = 16_384;
        const data = patternBytes(total, 5);
        let written = 0;
        const writes: Promise<void>[] = [];
        for (let at = 0; at < total; at += chunk) {
          writes.push(writer.write(data.subarray(at, at + chunk)).then(() => void (written += chunk)));
        }
        const remote = await ba.acceptStream();
        await h.settle();
        expect(written).toBeGreaterThan(0);
        expect(written).toBeLessThanOrEqual(2 * 1024 * 1024);
        const reading = readAll(remote);
        await Promise.all(writes);
        await writer.close();
        expectSameBytes(await reading, data);
      });

      it('reset fails both halves on the other side with CLOSED', async () => {
        const { ab, ba } = await connectPair(h);
        const stream = await ab.openStream();
        const writer = stream.writable.getWriter();
        await writer.write(Uint8Array.of(1));
        const remote = await ba.acceptStream();
        const reader = remote.readable.getReader();
        expect((await reader.read()).value).toEqual(Uint8Array.of(1));
        remote.reset();
        await h.settle();
        await expectP2PError(writer.write(Uint8Array.of(2)), 'CLOSED');
        await expectP2PError(reader.read(), 'CLOSED');
      });
    });

    describe('close', () => {
      it('tells the peer the reason and fails pending and later operations with CLOSED', async () => {
        const { a, b, ab, ba } = await connectPair(h);
        const closed = new Promise<{ reason: string; initiator: string; error: unknown }>((resolve) => ba.once('closed', resolve));
        const stream = await ab.openStream();
        const remoteStream = await ba.acceptStream();
        const pendingRecv = ba.recv();
        const pendingAccept = ba.acceptStream();
        const reading = remoteStream.readable.getReader().read();
        await ab.close('going away');
        expect(await closed).toEqual({ reason: 'going away', initiator: 'remote', error: undefined });
        expect(ab.isConnected).toBe(false);
        expect(ba.isConnected).toBe(false);
        await expectP2PError(pendingRecv, 'CLOSED');
        await expectP2PError(pendingAccept, 'CLOSED');
        await expectP2PError(reading, 'CLOSED');
        await expectP2PError(stream.writable.getWriter().write(Uint8Array.of(1)), 'CLOSED');
        await expectP2PError(ab.openStream(), 'CLOSED');
        expect(() => ab.send(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'CLOSED' }) as Error);
        await ab.close('again');
        const iterator = ba[Symbol.asyncIterator]();
        expect((await iterator.next()).done).toBe(true);
        await h.settle();
        expect(a.stats().active).toBe(0);
        expect(b.stats().active).toBe(0);
      });

      it('closing the provider closes its connections and refuses new work', async () => {
        const { a, ba } = await connectPair(h);
        const closed = new Promise<string>((resolve) => ba.once('closed', (e) => resolve(e.initiator)));
        await a.close();
        expect(await closed).toBe('remote');
        await expectP2PError(a.connect(h.unknownPeerId()), 'CLOSED');
        await expectP2PError(a.listen(), 'CLOSED');
        await a.close();
      });
    });

    describe('abort', () => {
      it('connect() rejects with ABORTED for a pre-aborted or later-aborted signal', async () => {
        const [a, b] = [await h.createProvider(), await h.createProvider()];
        await b.listen();
        await expectP2PError(a.connect(b.localPeerId, { signal: AbortSignal.abort() }), 'ABORTED');
        const controller = new AbortController();
        const attempt = a.connect(b.localPeerId, { signal: controller.signal });
        controller.abort();
        await expectP2PError(attempt, 'ABORTED');
        expect(a.stats().failures).toBe(0);
      });

      it('accept() and acceptStream() honour their signals', async () => {
        const { ba } = await connectPair(h);
        const c = await h.createProvider();
        const listener = await c.listen();
        const abortAccept = new AbortController();
        const accepting = listener.accept({ signal: abortAccept.signal });
        abortAccept.abort();
        await expectP2PError(accepting, 'ABORTED');
        await expectP2PError(listener.accept({ signal: AbortSignal.abort() }), 'ABORTED');
        const controller = new AbortController();
        const pending = ba.acceptStream({ signal: controller.signal });
        controller.abort();
        await expectP2PError(pending, 'ABORTED');
      });
    });
  });
}
