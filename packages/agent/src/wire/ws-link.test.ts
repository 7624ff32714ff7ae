import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { tuneHeapForStreaming } from './heap-tuning.js';
import { WebSocketLink } from './ws-link.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real ws server and an open client; resolves the client and the server's next message. */
async function pair(): Promise<{ client: WebSocket; messages: Buffer[]; nextMessage: () => Promise<Buffer> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', r));
  cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
  const messages: Buffer[] = [];
  const waiters: ((b: Buffer) => void)[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const w = waiters.shift();
      if (w !== undefined) w(data);
      else messages.push(data);
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  cleanups.push(() => client.terminate());
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const nextMessage = (): Promise<Buffer> => {
    const m = messages.shift();
    return m !== undefined ? Promise.resolve(m) : new Promise((r) => waiters.push(r));
  };
  return { client, messages, nextMessage };
}

function rawSocketOf(ws: WebSocket): Socket {
  const socket: unknown = (ws as unknown as { _socket?: unknown })._socket;
  if (!(socket instanceof Socket)) throw new Error('ws no longer keeps its socket in _socket');
  return socket;
}

describe('WebSocketLink', () => {
  it('holds the sends of one event-loop turn in the corked socket and writes them together at its end', async () => {
    const { client, nextMessage } = await pair();
    const link = new WebSocketLink(client);
    const socket = rawSocketOf(client);
    const header = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const payload = new Uint8Array(70_000).map((_, i) => i % 251);
    link.sendParts('reliable', [header, payload]);
    link.send('reliable', Uint8Array.from([42]));
    expect(link.corked).toBe(true);
    expect(socket.writableCorked).toBe(1);
    // Both messages wait in the socket's buffer until the turn's check phase.
    expect(socket.writableLength).toBeGreaterThan(payload.length);
    await new Promise((r) => process.nextTick(r));
    expect(link.corked).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(link.corked).toBe(false);
    expect(socket.writableCorked).toBe(0);
    // On the wire: one message for the two fragments, then the next message.
    expect(Buffer.compare(await nextMessage(), Buffer.concat([header, payload]))).toBe(0);
    expect([...(await nextMessage())]).toEqual([42]);
  });

  it('does not cork a socket that is not open (sends are dropped, nothing is held)', async () => {
    const { client } = await pair();
    const link = new WebSocketLink(client);
    client.terminate();
    link.sendParts('reliable', [Uint8Array.from([1]), Uint8Array.from([2])]);
    expect(link.corked).toBe(false);
  });
});

describe('tuneHeapForStreaming', () => {
  it('leaves a growing factor the user chose on the command line or in NODE_OPTIONS alone', () => {
    expect(tuneHeapForStreaming(['--heap-growing-percent=50'], '')).toBe(false);
    expect(tuneHeapForStreaming([], '--max-old-space-size=512 --heap-growing-percent=50')).toBe(false);
    expect(tuneHeapForStreaming(['--max-old-space-size=512'], '--inspect')).toBe(true);
  });
});
