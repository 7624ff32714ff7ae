import { Attr, StunClass, StunMessageBuilder, StunMethod, decodeChannelData, decodeStunMessage, decodeXorAddress, encodeChannelData, getAttribute } from '@peerlink/protocol';
import { describe, expect, it } from 'vitest';
import type { TurnAction } from './actions.js';
import { restPassword, restUsername } from './credentials.js';
import { FakeClock, PEER, SECRET, TestClient, allocate, newCore, peerAddr, requestedTransport, restClient, udpTuple } from './test-support.js';

describe('permissions, channels and the data path', () => {
  function ready(init: Parameters<typeof newCore>[1] = {}) {
    const clock = new FakeClock();
    const core = newCore(clock, init);
    const client = restClient(core, clock, 1);
    const { allocationId } = allocate(client);
    return { clock, core, client, allocationId };
  }

  function sendIndication(client: TestClient, data: Uint8Array, peer = PEER): TurnAction[] {
    const bytes = peerAddr(new StunMessageBuilder(StunMethod.Send, StunClass.Indication, new Uint8Array(12).fill(9)), peer).add(Attr.DATA, data).build();
    return client.core.handleClientPacket(client.tuple, bytes);
  }

  it('Send needs a permission; permissions last 300 s; peer data comes back as Data indications', () => {
    const { clock, core, client, allocationId } = ready();
    expect(sendIndication(client, new Uint8Array([1]))).toEqual([{ type: 'drop', reason: 'no-permission' }]);
    expect(core.handleRelayPacket(allocationId, PEER, new Uint8Array([2]))).toEqual([{ type: 'drop', reason: 'no-permission' }]);
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b)).code).toBeUndefined();
    expect(sendIndication(client, new Uint8Array([1, 2, 3]))).toEqual([{ type: 'send-to-peer', allocationId, peer: PEER, bytes: new Uint8Array([1, 2, 3]) }]);
    const [back] = core.handleRelayPacket(allocationId, { ...PEER, port: 7000 }, new Uint8Array([4, 5]));
    const data = decodeStunMessage(back?.type === 'send-to-client' ? back.bytes : new Uint8Array(0));
    expect(data.ok && data.value.method).toBe(StunMethod.Data);
    expect(data.ok && Array.from(getAttribute(data.value, Attr.DATA)!.value)).toEqual([4, 5]);
    clock.advance(300_000);
    expect(sendIndication(client, new Uint8Array([1]))).toEqual([{ type: 'drop', reason: 'no-permission' }]);
  });

  it('403 Forbidden IP for denied peers on CreatePermission, ChannelBind; Send to them is dropped', () => {
    const { client } = ready();
    for (const address of ['127.0.0.1', '0.0.0.0', '10.1.2.3', '169.254.169.254']) {
      const refused = client.request(StunMethod.CreatePermission, (b) => peerAddr(b, { family: 'IPv4', address, port: 1 }));
      expect(refused.code).toBe(403);
      const bind = client.request(StunMethod.ChannelBind, (b) => peerAddr(b, { family: 'IPv4', address, port: 1 }).add(Attr.CHANNEL_NUMBER, new Uint8Array([0x40, 0, 0, 0])));
      expect(bind.code).toBe(403);
    }
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b, { family: 'IPv4', address: '10.0.0.1', port: 1 })).actions).toContainEqual({
      type: 'refused',
      code: 403,
      reason: 'forbidden-ip',
      peerDenied: 'private',
    });
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b, { family: 'IPv6', address: '2001:db8::1', port: 1 })).code).toBe(443);
  });

  it('the allow-list opens loopback for tests', () => {
    const { client } = ready({ allowPeers: ['127.0.0.1/32'] });
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b, { family: 'IPv4', address: '127.0.0.1', port: 1 })).code).toBeUndefined();
  });

  it('508 past the permissions-per-allocation quota, all or nothing', () => {
    const { client } = ready({ quotas: { permissionsPerAllocation: 2 } });
    const peer = (n: number) => ({ family: 'IPv4' as const, address: `203.0.113.${n}`, port: 1 });
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(peerAddr(b, peer(1)), peer(2))).code).toBeUndefined();
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b, peer(1))).code).toBeUndefined();
    expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b, peer(3))).code).toBe(508);
  });

  it('ChannelBind: ChannelData both ways, rebinding rules, out-of-range numbers', () => {
    const { core, client, allocationId } = ready();
    const bind = (channel: number, peer: { family: 'IPv4'; address: string; port: number } = PEER) =>
      client.request(StunMethod.ChannelBind, (b) => peerAddr(b, peer).add(Attr.CHANNEL_NUMBER, new Uint8Array([channel >> 8, channel & 0xff, 0, 0]))).code;
    expect(bind(0x4000)).toBeUndefined();
    expect(bind(0x4000)).toBeUndefined();
    expect(bind(0x4000, { ...PEER, port: 6001 })).toBe(400);
    expect(bind(0x4001)).toBe(400);
    expect(bind(0x3fff)).toBe(400);
    expect(bind(0x5000)).toBe(400);
    expect(core.handleClientPacket(client.tuple, encodeChannelData(0x4000, new Uint8Array([7])))).toEqual([
      { type: 'send-to-peer', allocationId, peer: PEER, bytes: new Uint8Array([7]) },
    ]);
    expect(core.handleClientPacket(client.tuple, encodeChannelData(0x4002, new Uint8Array([7])))).toEqual([{ type: 'drop', reason: 'no-channel' }]);
    const [back] = core.handleRelayPacket(allocationId, PEER, new Uint8Array([8, 9]));
    const datagram = back?.type === 'send-to-client' ? new Uint8Array([...back.bytes, ...(back.payload ?? [])]) : new Uint8Array(0);
    const decoded = decodeChannelData(datagram);
    expect(decoded.ok && { channel: decoded.value.channel, data: Array.from(decoded.value.data) }).toEqual({ channel: 0x4000, data: [8, 9] });
  });

  it('drops relayed packets over the bandwidth quota', () => {
    const { client, core, allocationId } = ready({ quotas: { bandwidthBytesPerSecond: 1000 } });
    client.request(StunMethod.CreatePermission, (b) => peerAddr(b));
    expect(core.handleRelayPacket(allocationId, PEER, new Uint8Array(900))[0]?.type).toBe('send-to-client');
    expect(core.handleRelayPacket(allocationId, PEER, new Uint8Array(900))).toEqual([{ type: 'drop', reason: 'bandwidth-exceeded' }]);
  });

  it('drops malformed and unknown packets as values, never throws', () => {
    const { core, client } = ready();
    expect(core.handleClientPacket(client.tuple, new Uint8Array([0, 1, 0, 4]))).toEqual([{ type: 'drop', reason: 'malformed' }]);
    expect(core.handleClientPacket(client.tuple, new Uint8Array([0x80, 1]))).toEqual([{ type: 'drop', reason: 'unknown-packet' }]);
    expect(core.handleClientPacket(client.tuple, new Uint8Array([0x40, 0, 0, 9, 0]))).toEqual([{ type: 'drop', reason: 'malformed' }]);
    for (let i = 0; i < 2000; i++) {
      const junk = new Uint8Array(4 + (i % 80)).map((_, j) => (i * 31 + j * 17) & 0xff);
      junk[0] = i % 4;
      expect(() => core.handleClientPacket(client.tuple, junk)).not.toThrow();
    }
  });

  it('TCP connection close deletes the allocation', () => {
    const clock = new FakeClock();
    const core = newCore(clock);
    const tcp = { ...udpTuple(5), transport: 'tcp' as const };
    const username = restUsername(clock.nowMs + 60_000, 'bob');
    const client = new TestClient(core, tcp, username, restPassword(SECRET, username));
    const { allocationId } = allocate(client);
    expect(core.handleConnectionClosed(tcp)).toContainEqual({ type: 'close-relay', allocationId, reason: 'connection-closed' });
  });
});

describe('two allocations on the same server (both clients relay-only)', () => {
  const RELAY_IP = '203.0.113.1';
  const at = (port: number) => ({ family: 'IPv4' as const, address: RELAY_IP, port });
  function pair() {
    const clock = new FakeClock();
    const core = newCore(clock, { ownAddresses: { relayIps: [RELAY_IP], relayPorts: { min: 50_000, max: 50_100 }, listeners: [{ ip: RELAY_IP, port: 3478 }] } });
    const alice = restClient(core, clock, 1, 'alice');
    const bob = restClient(core, clock, 2, 'bob');
    const a = allocate(alice, requestedTransport(), at(50_000)).allocationId;
    const b = allocate(bob, requestedTransport(), at(50_001)).allocationId;
    return { core, alice, bob, a, b };
  }
  const permit = (client: TestClient) => expect(client.request(StunMethod.CreatePermission, (b) => peerAddr(b, at(1))).code).toBeUndefined();
  const send = (client: TestClient, peer: ReturnType<typeof at>, data: number[]) =>
    client.core.handleClientPacket(
      client.tuple,
      peerAddr(new StunMessageBuilder(StunMethod.Send, StunClass.Indication, new Uint8Array(12).fill(5)), peer).add(Attr.DATA, new Uint8Array(data)).build(),
    );
  const bind = (client: TestClient, channel: number, peer: ReturnType<typeof at>) =>
    client.request(StunMethod.ChannelBind, (b) => peerAddr(b, peer).add(Attr.CHANNEL_NUMBER, new Uint8Array([channel >> 8, channel & 0xff, 0, 0]))).code;

  it('a Send to the other relayed address reaches its client as a Data indication from the sender relay, after both permissions', () => {
    const { alice, bob } = pair();
    expect(send(alice, at(50_001), [1])).toEqual([{ type: 'drop', reason: 'no-permission' }]);
    permit(alice);
    expect(send(alice, at(50_001), [1])).toEqual([{ type: 'drop', reason: 'no-permission' }]); // bob has not permitted alice's relay IP
    permit(bob);
    const actions = send(alice, at(50_001), [1, 2, 3]);
    expect(actions).toHaveLength(1);
    const [out] = actions;
    expect(out?.type === 'send-to-client' && [out.fiveTuple, out.internalBytes]).toEqual([bob.tuple, 3]);
    const data = decodeStunMessage(out?.type === 'send-to-client' ? out.bytes : new Uint8Array(0));
    expect(data.ok && data.value.method).toBe(StunMethod.Data);
    if (!data.ok) return;
    expect(Array.from(getAttribute(data.value, Attr.DATA)!.value)).toEqual([1, 2, 3]);
    const from = decodeXorAddress(getAttribute(data.value, Attr.XOR_PEER_ADDRESS)!.value, data.value.transactionId);
    expect(from.ok && from.value).toEqual(at(50_000));
  });

  it('never sends to an own relay port over the network: free port, own address and listener are dropped', () => {
    const { alice, bob } = pair();
    permit(alice);
    permit(bob);
    expect(send(alice, at(50_050), [1])).toEqual([{ type: 'drop', reason: 'peer-denied' }]);
    expect(send(alice, at(50_000), [1])).toEqual([{ type: 'drop', reason: 'peer-denied' }]);
    expect(send(alice, at(3478), [1])).toEqual([{ type: 'drop', reason: 'peer-denied' }]);
    expect(bind(alice, 0x4000, at(3478))).toBe(403);
  });

  it('ChannelData between the two allocations, and dropped (not sent out) once the target is gone', () => {
    const { core, alice, bob } = pair();
    permit(bob);
    expect(bind(alice, 0x4000, at(50_001))).toBeUndefined();
    expect(bind(bob, 0x4001, at(50_000))).toBeUndefined();
    const [out, ...rest] = core.handleClientPacket(alice.tuple, encodeChannelData(0x4000, new Uint8Array([7, 8])));
    expect(rest).toEqual([]);
    expect(out?.type === 'send-to-client' && out.fiveTuple).toEqual(bob.tuple);
    const datagram = out?.type === 'send-to-client' ? new Uint8Array([...out.bytes, ...(out.payload ?? [])]) : new Uint8Array(0);
    const decoded = decodeChannelData(datagram);
    expect(decoded.ok && { channel: decoded.value.channel, data: Array.from(decoded.value.data) }).toEqual({ channel: 0x4001, data: [7, 8] });
    expect(bob.request(StunMethod.Refresh, (b) => b.addUint32(Attr.LIFETIME, 0)).code).toBeUndefined();
    expect(core.handleClientPacket(alice.tuple, encodeChannelData(0x4000, new Uint8Array([9])))).toEqual([{ type: 'drop', reason: 'peer-denied' }]);
  });
});
