import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { peerIdFromPublicKey } from '@peerlink/protocol';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenService } from '../auth/tokens.js';
import { registrationMessage, type P2pErrorMessage } from './messages.js';
import type { P2pSignalingDeps } from './signaling.js';
import { attachP2pSignaling } from './signaling.js';

const tokens = new TokenService({ secret: 'p2p-signaling-test-secret-0123456789abcdef' });

interface Peer {
  readonly peerId: string;
  readonly key: KeyObject;
}

function newPeer(): Peer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return { peerId: peerIdFromPublicKey(raw), key: privateKey };
}

function next<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, resolve));
}

describe('/p2p signaling namespace', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  let handle: ReturnType<typeof attachP2pSignaling>;
  const sockets: Socket[] = [];

  async function start(deps: Partial<P2pSignalingDeps> = {}): Promise<void> {
    http = createServer();
    io = new Server(http);
    handle = attachP2pSignaling(io, { tokens, ...deps });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  async function client(userId: string, token?: string): Promise<Socket> {
    const socket = connectClient(`${url}/p2p`, {
      auth: { token: token ?? (await tokens.issue({ id: userId, username: userId })) },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  async function registerAs(socket: Socket, peer: Peer, signer: KeyObject = peer.key): Promise<string> {
    const challenge = next<{ peerId: string; nonce: string }>(socket, 'p2p:challenge');
    socket.emit('p2p:register', { peerId: peer.peerId });
    const { nonce, peerId } = await challenge;
    expect(peerId).toBe(peer.peerId);
    const reply = Promise.race([
      next<{ peerId: string }>(socket, 'p2p:registered').then(() => 'registered'),
      next<P2pErrorMessage>(socket, 'p2p:error').then((e) => e.code),
    ]);
    const signature = sign(null, registrationMessage(nonce, peer.peerId), signer).toString('base64url');
    socket.emit('p2p:prove', { peerId: peer.peerId, signature });
    return reply;
  }

  const dial = (sid: string) => ({ type: 'dial', sid, nonce: 'n0nce-n0nce-n0nce-1' });

  beforeEach(() => {
    sockets.length = 0;
  });
  afterEach(async () => {
    for (const s of sockets) s.close();
    await io.close();
  });

  it('registers a peer id by challenge-response and routes signals between peers of one user', async () => {
    await start();
    const [a, b] = [await client('u1'), await client('u1')];
    const [pa, pb] = [newPeer(), newPeer()];
    expect(await registerAs(a, pa)).toBe('registered');
    expect(await registerAs(b, pb)).toBe('registered');
    const received = next<unknown>(b, 'p2p:signal');
    a.emit('p2p:signal', { to: pb.peerId, from: pa.peerId, payload: dial('attempt-1') });
    expect(await received).toEqual({ from: pa.peerId, to: pb.peerId, payload: dial('attempt-1') });
  });

  it('refuses a signature by another key, and signals from ids the socket does not hold', async () => {
    await start();
    const a = await client('u1');
    const [pa, pb] = [newPeer(), newPeer()];
    expect(await registerAs(a, pa, pb.key)).toBe('CHALLENGE_FAILED');
    const error = next<P2pErrorMessage>(a, 'p2p:error');
    a.emit('p2p:signal', { to: pb.peerId, from: pa.peerId, payload: dial('attempt-2') });
    expect(await error).toMatchObject({ code: 'NOT_REGISTERED', to: pb.peerId, sid: 'attempt-2' });
  });

  it('refuses a proof without a challenge (replay of an old signature)', async () => {
    await start();
    const a = await client('u1');
    const pa = newPeer();
    const error = next<P2pErrorMessage>(a, 'p2p:error');
    const signature = sign(null, registrationMessage('x'.repeat(43), pa.peerId), pa.key).toString('base64url');
    a.emit('p2p:prove', { peerId: pa.peerId, signature });
    expect((await error).code).toBe('CHALLENGE_FAILED');
  });

  it('answers PEER_NOT_FOUND for unknown ids and ACCESS_DENIED across users', async () => {
    await start();
    const [a, b] = [await client('u1'), await client('u2')];
    const [pa, pb] = [newPeer(), newPeer()];
    await registerAs(a, pa);
    await registerAs(b, pb);
    let error = next<P2pErrorMessage>(a, 'p2p:error');
    a.emit('p2p:signal', { to: newPeer().peerId, from: pa.peerId, payload: dial('attempt-3') });
    expect(await error).toMatchObject({ code: 'PEER_NOT_FOUND', sid: 'attempt-3' });
    error = next<P2pErrorMessage>(a, 'p2p:error');
    a.emit('p2p:signal', { to: pb.peerId, from: pa.peerId, payload: dial('attempt-4') });
    expect(await error).toMatchObject({ code: 'ACCESS_DENIED', sid: 'attempt-4' });
  });

  it('uses the injected mayReach policy', async () => {
    await start({ mayReach: (from, to) => from === 'u1' && to === 'u2' });
    const [a, b] = [await client('u1'), await client('u2')];
    const [pa, pb] = [newPeer(), newPeer()];
    await registerAs(a, pa);
    await registerAs(b, pb);
    const received = next<{ from: string }>(b, 'p2p:signal');
    a.emit('p2p:signal', { to: pb.peerId, from: pa.peerId, payload: dial('attempt-5') });
    expect((await received).from).toBe(pa.peerId);
    const error = next<P2pErrorMessage>(b, 'p2p:error');
    b.emit('p2p:signal', { to: pa.peerId, from: pb.peerId, payload: dial('attempt-6') });
    expect((await error).code).toBe('ACCESS_DENIED');
  });

  it('keeps an id with its user, hands it over between sockets of that user, and releases it on disconnect', async () => {
    await start();
    const [a1, other] = [await client('u1'), await client('u2')];
    const pa = newPeer();
    expect(await registerAs(a1, pa)).toBe('registered');
    expect(await registerAs(other, pa)).toBe('PEER_ID_IN_USE');
    const a2 = await client('u1');
    expect(await registerAs(a2, pa)).toBe('registered');
    a2.close();
    // The id is free once the gateway has processed the disconnect.
    while (handle.registeredPeers > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await registerAs(other, pa)).toBe('registered');
  });

  it('rejects malformed and oversized payloads', async () => {
    await start();
    const [a, b] = [await client('u1'), await client('u1')];
    const [pa, pb] = [newPeer(), newPeer()];
    await registerAs(a, pa);
    await registerAs(b, pb);
    let error = next<P2pErrorMessage>(a, 'p2p:error');
    a.emit('p2p:signal', { to: pb.peerId, from: pa.peerId, payload: { type: 'exploit', sid: 'attempt-7' } });
    expect((await error).code).toBe('INVALID_MESSAGE');
    error = next<P2pErrorMessage>(a, 'p2p:error');
    const sdp = '"'.repeat(40_000); // 80 000 characters once JSON-escaped
    a.emit('p2p:signal', { to: pb.peerId, from: pa.peerId, payload: { type: 'description', sid: 'attempt-8', description: { type: 'offer', sdp } } });
    expect(await error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', sid: 'attempt-8' });
  });

  it('rate-limits each socket', async () => {
    await start({ options: { rate: { perSecond: 1, burst: 3 } } });
    const a = await client('u1');
    const errors: string[] = [];
    a.on('p2p:error', (e: P2pErrorMessage) => errors.push(e.code));
    for (let i = 0; i < 5; i++) a.emit('p2p:unregister', { peerId: newPeer().peerId });
    const challenge = next(a, 'p2p:challenge');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('none'), 300));
    a.emit('p2p:register', { peerId: newPeer().peerId });
    expect(await Promise.race([challenge, timeout])).toBe('none');
    expect(errors).toContain('RATE_LIMITED');
  });

  it('refuses sockets without a valid token', async () => {
    await start();
    await expect(client('u1', 'not-a-token')).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
  });
});
