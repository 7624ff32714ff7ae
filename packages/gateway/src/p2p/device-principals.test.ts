import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { peerIdFromPublicKey } from '@peerlink/protocol';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '../auth/tokens.js';
import { hashDeviceCredential } from '../devices/credentials.js';
import { registrationMessage, type P2pErrorMessage } from './messages.js';
import { deviceSignalingToken, parseDeviceAuth, type P2pDeviceDirectory } from './principals.js';
import { attachP2pSignaling } from './signaling.js';

const tokens = new TokenService({ secret: 'p2p-device-test-secret-0123456789abcdef' });
const CREDENTIAL = 'cred-0123456789abcdef';

/** In-memory registry: one device `cam-1` owned by `owner`, grants in a set. */
function directory(): P2pDeviceDirectory & { grants: Set<string>; boundKey: string | undefined } {
  return {
    grants: new Set<string>(),
    boundKey: undefined,
    async findSecret(id) {
      return id === 'cam-1' ? { credentialHash: hashDeviceCredential(CREDENTIAL) } : undefined;
    },
    async bindKey(_id, publicKey) {
      this.boundKey ??= publicKey;
      return this.boundKey === publicKey;
    },
    async canAccess(deviceId, userId) {
      return deviceId === 'cam-1' && (userId === 'owner' || this.grants.has(userId));
    },
  };
}

function newPeer(): { peerId: string; key: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { peerId: peerIdFromPublicKey(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')), key: privateKey };
}

const next = <T,>(socket: Socket, event: string): Promise<T> => new Promise((resolve) => socket.once(event, resolve));

describe('/p2p device principals', () => {
  let http: HttpServer;
  let io: Server | undefined;
  let url: string;
  const sockets: Socket[] = [];

  async function start(devices: P2pDeviceDirectory): Promise<void> {
    http = createServer();
    io = new Server(http);
    attachP2pSignaling(io, { tokens, devices });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  async function client(auth: Record<string, string>): Promise<Socket> {
    const socket = connectClient(`${url}/p2p`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }
  const user = async (id: string): Promise<Socket> => client({ token: await tokens.issue({ id, username: id }) });

  async function registerAs(socket: Socket, peer: { peerId: string; key: KeyObject }): Promise<string> {
    const challenge = next<{ nonce: string }>(socket, 'p2p:challenge');
    socket.emit('p2p:register', { peerId: peer.peerId });
    const { nonce } = await challenge;
    const reply = Promise.race([next(socket, 'p2p:registered').then(() => 'registered'), next<P2pErrorMessage>(socket, 'p2p:error').then((e) => e.code)]);
    socket.emit('p2p:prove', { peerId: peer.peerId, signature: sign(null, registrationMessage(nonce, peer.peerId), peer.key).toString('base64url') });
    return reply;
  }

  /** Sends a dial from `a` to `to`; resolves with what `b` received or the error `a` got. */
  function dial(a: Socket, b: Socket, from: string, to: string, sid: string): Promise<string> {
    const payload = { type: 'dial', sid, nonce: 'n0nce-n0nce-n0nce-1' };
    const outcome = Promise.race([next<{ payload: { sid: string } }>(b, 'p2p:signal').then((s) => `signal:${s.payload.sid}`), next<P2pErrorMessage>(a, 'p2p:error').then((e) => e.code)]);
    a.emit('p2p:signal', { to, from, payload });
    return outcome;
  }

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await io?.close();
    io = undefined;
  });

  it('parses both device auth forms and rejects malformed ones', () => {
    expect(parseDeviceAuth({ deviceId: 'cam-1', credential: CREDENTIAL })).toEqual({ deviceId: 'cam-1', credential: CREDENTIAL });
    expect(parseDeviceAuth({ token: deviceSignalingToken('cam-1', CREDENTIAL) })).toEqual({ deviceId: 'cam-1', credential: CREDENTIAL });
    expect(parseDeviceAuth({ deviceId: '-bad', credential: CREDENTIAL })).toBeUndefined();
    expect(parseDeviceAuth({ token: 'device:cam-1:short' })).toBeUndefined();
    expect(parseDeviceAuth({ token: 'eyJhbGciOi.jwt' })).toBeUndefined();
  });

  it('admits a device by credential, refuses a wrong credential', async () => {
    await start(directory());
    await expect(client({ deviceId: 'cam-1', credential: CREDENTIAL })).resolves.toBeDefined();
    await expect(client({ deviceId: 'cam-1', credential: 'wrong-0123456789abcdef' })).rejects.toThrow(/wrong credential/);
    await expect(client({ token: deviceSignalingToken('cam-9', CREDENTIAL) })).rejects.toThrow(/wrong credential/);
  });

  it('binds the device to its first key and refuses another key later', async () => {
    await start(directory());
    const device = await client({ deviceId: 'cam-1', credential: CREDENTIAL });
    expect(await registerAs(device, newPeer())).toBe('registered');
    expect(await registerAs(device, newPeer())).toBe('CHALLENGE_FAILED');
  });

  it('lets the owner and granted users reach the device (both ways), checks the grant at every signal', async () => {
    const devices = directory();
    await start(devices);
    const device = await client({ token: deviceSignalingToken('cam-1', CREDENTIAL) });
    const [owner, viewer] = [await user('owner'), await user('viewer')];
    const [pd, po, pv] = [newPeer(), newPeer(), newPeer()];
    expect(await registerAs(device, pd)).toBe('registered');
    expect(await registerAs(owner, po)).toBe('registered');
    expect(await registerAs(viewer, pv)).toBe('registered');
    expect(await dial(owner, device, po.peerId, pd.peerId, 'sid-owner-1')).toBe('signal:sid-owner-1');
    expect(await dial(device, owner, pd.peerId, po.peerId, 'sid-owner-2')).toBe('signal:sid-owner-2');
    expect(await dial(viewer, device, pv.peerId, pd.peerId, 'sid-viewer-1')).toBe('ACCESS_DENIED');
    devices.grants.add('viewer');
    expect(await dial(viewer, device, pv.peerId, pd.peerId, 'sid-viewer-2')).toBe('signal:sid-viewer-2');
    devices.grants.delete('viewer');
    expect(await dial(viewer, device, pv.peerId, pd.peerId, 'sid-viewer-3')).toBe('ACCESS_DENIED');
    expect(await dial(device, viewer, pd.peerId, pv.peerId, 'sid-viewer-4')).toBe('ACCESS_DENIED');
  });
});
