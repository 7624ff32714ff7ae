// A TURN client over UDP for load generation: Allocate (with the 401 nonce
// dance), CreatePermission, ChannelBind, ChannelData send/receive, Refresh(0).
import dgram from 'node:dgram';
import { ATTR, CLASS, METHOD, buildRequest, decodeXorAddress, errorCode, longTermKey, parseMessage, u32, xorAddress } from './stun.js';

const REQUEST_TIMEOUT_MS = 500;
const REQUEST_TRIES = 4;

export class TurnClient {
  /** @param {{ host: string, port: number, username: string, password: string }} server */
  constructor(server) {
    this.server = server;
    this.socket = dgram.createSocket('udp4');
    this.pending = new Map();
    this.onChannelData = () => {};
    this.realm = undefined;
    this.nonce = undefined;
    this.key = undefined;
    this.socket.on('message', (buf) => this.#receive(buf));
  }

  async open() {
    await new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, '127.0.0.1', () => resolve());
    });
    // Large buffers so that bursts are measured, not the kernel's default queue.
    this.socket.setRecvBufferSize(4 * 1024 * 1024);
    this.socket.setSendBufferSize(4 * 1024 * 1024);
  }

  #receive(buf) {
    const first = buf[0];
    if (first >= 0x40 && first <= 0x4f) {
      if (buf.length < 4) return;
      const length = buf.readUInt16BE(2);
      if (4 + length <= buf.length) this.onChannelData(buf.readUInt16BE(0), buf.subarray(4, 4 + length));
      return;
    }
    const msg = parseMessage(buf);
    if (!msg) return;
    const entry = this.pending.get(msg.transactionId.toString('hex'));
    if (entry) {
      this.pending.delete(msg.transactionId.toString('hex'));
      clearTimeout(entry.timer);
      entry.resolve(msg);
    }
  }

  #transact(bytes, transactionId) {
    const id = transactionId.toString('hex');
    return new Promise((resolve, reject) => {
      let tries = 0;
      const send = () => {
        if (++tries > REQUEST_TRIES) {
          this.pending.delete(id);
          reject(new Error(`TURN request timed out after ${REQUEST_TRIES} tries`));
          return;
        }
        this.socket.send(bytes, this.server.port, this.server.host);
        const entry = this.pending.get(id);
        if (entry) entry.timer = setTimeout(send, REQUEST_TIMEOUT_MS * tries);
      };
      this.pending.set(id, { resolve, timer: undefined });
      send();
    });
  }

  /** Send an authenticated request, refreshing realm/nonce on 401/438 (RFC 8656 §7). */
  async #request(method, attrs) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const auth = this.key
        ? [
            [ATTR.USERNAME, Buffer.from(this.server.username)],
            [ATTR.REALM, this.realm],
            [ATTR.NONCE, this.nonce],
          ]
        : [];
      const { bytes, transactionId } = buildRequest(method, [...attrs, ...auth], this.key);
      const res = await this.#transact(bytes, transactionId);
      if (res.cls === CLASS.Success) return res;
      const code = errorCode(res);
      if ((code === 401 && !this.key) || code === 438) {
        this.realm = res.attrs.get(ATTR.REALM) ?? this.realm;
        this.nonce = res.attrs.get(ATTR.NONCE);
        if (!this.realm || !this.nonce) throw new Error(`error ${code} without REALM/NONCE`);
        this.key = longTermKey(this.server.username, this.realm.toString('utf8'), this.server.password);
        continue;
      }
      throw new Error(`TURN method 0x${method.toString(16)} failed with error ${code}`);
    }
    throw new Error('TURN authentication did not converge');
  }

  async allocate(lifetimeSeconds = 600) {
    const res = await this.#request(METHOD.Allocate, [
      [ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0])],
      [ATTR.LIFETIME, u32(lifetimeSeconds)],
    ]);
    const relayed = decodeXorAddress(res.attrs.get(ATTR.XOR_RELAYED_ADDRESS) ?? Buffer.alloc(0));
    if (!relayed) throw new Error('Allocate success without an IPv4 XOR-RELAYED-ADDRESS');
    this.relayed = relayed;
    return relayed;
  }

  async bindChannel(channel, peer) {
    const peerAttr = xorAddress(peer.address, peer.port);
    await this.#request(METHOD.CreatePermission, [[ATTR.XOR_PEER_ADDRESS, peerAttr]]);
    const number = Buffer.alloc(4);
    number.writeUInt16BE(channel);
    await this.#request(METHOD.ChannelBind, [
      [ATTR.CHANNEL_NUMBER, number],
      [ATTR.XOR_PEER_ADDRESS, peerAttr],
    ]);
  }

  /** Send one ChannelData message (UDP: no padding). `frame` must have 4 spare header bytes. */
  sendChannelData(frame) {
    this.socket.send(frame, this.server.port, this.server.host);
  }

  async close() {
    try {
      if (this.relayed) await this.#request(METHOD.Refresh, [[ATTR.LIFETIME, u32(0)]]);
    } catch {
      // best effort: the allocation expires on its own
    }
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    await new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
