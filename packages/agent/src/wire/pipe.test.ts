import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { FrameBytes } from '@peerlink/protocol';
import { SessionConnection, systemClock, type SessionLink, type SessionLinkEvents } from '@peerlink/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeSocketStream } from './pipe.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Two session connections over an in-memory reliable link (frames delivered on the next microtask, in order). */
async function sessionPair(): Promise<[SessionConnection, SessionConnection]> {
  const sides: { events?: SessionLinkEvents; peer?: { events?: SessionLinkEvents } }[] = [{}, {}];
  sides[0]!.peer = sides[1]!;
  sides[1]!.peer = sides[0]!;
  const link = (side: (typeof sides)[number]): SessionLink => ({
    hasUnreliableChannel: false,
    send: (_channel, bytes) => queueMicrotask(() => side.peer?.events?.receive('reliable', bytes)),
    sendParts: (_channel, parts: readonly Uint8Array[]) => {
      const copy: FrameBytes = parts.map((p) => p.slice());
      queueMicrotask(() => side.peer?.events?.receive('reliable', copy));
    },
    close: () => {},
  });
  const init = (i: 0 | 1) => ({ peerId: 'p'.repeat(52) as never, path: { kind: 'tunnel', reason: 'test' } as never, link: link(sides[i]!), clock: systemClock, isInitiator: i === 0, startedAt: 0 });
  const [a, b] = await Promise.all([0, 1].map((i) => SessionConnection.establish(init(i as 0 | 1), (events) => (sides[i]!.events = events))));
  cleanups.push(() => void a!.close(), () => void b!.close());
  return [a!, b!];
}

async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer({ allowHalfOpen: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  const [accepted] = (await once(server, 'connection')) as [Socket];
  cleanups.push(() => client.destroy(), () => accepted.destroy(), () => server.close());
  return [client, accepted];
}

describe('pipeSocketStream (session streams)', () => {
  it('stops reading the stream while the socket is backed up, and delivers everything in order', async () => {
    const [a, b] = await sessionPair();
    const [client, served] = await socketPair();
    const streamA = await a.openStream();
    const streamB = await b.acceptStream();
    void pipeSocketStream(served, streamA);
    client.pause();
    const data = Buffer.alloc(2 << 20);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const writer = streamB.writable.getWriter();
    const wrote = writer.write(data).then(() => writer.close());
    // Unread bytes stay within the stream window plus the socket's buffers, not the whole 2 MiB.
    await new Promise((r) => setTimeout(r, 50));
    expect(served.writableLength).toBeLessThan(512 * 1024);
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    client.resume();
    await once(client, 'end');
    await wrote;
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });
});
