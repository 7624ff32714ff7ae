import { Attr, StunClass, StunMessageBuilder, StunMethod, decodeAddress, decodeStunMessage, decodeXorAddress, getAttribute } from '@peerlink/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock, PEER, allocate, newCore, peerAddr, restClient, udpTuple } from './test-support.js';

const channelNumber = (n: number) => new Uint8Array([n >> 8, n & 0xff, 0, 0]);
const channelData = (n: number, data: number[], pad = 0) => new Uint8Array([n >> 8, n & 0xff, 0, data.length, ...data, ...new Array<number>(pad).fill(0)]);

describe('legacyChannelNumbers (RFC 5766 channel range)', () => {
  function ready(legacyChannelNumbers: boolean) {
    const clock = new FakeClock();
    const core = newCore(clock, { legacyChannelNumbers });
    const client = restClient(core, clock, 1);
    const { allocationId } = allocate(client);
    return { core, client, allocationId };
  }

  it('is strict by default: 0x5000 and 0x7FFE are 400, their ChannelData is an unknown packet', () => {
    const { core, client } = ready(false);
    for (const n of [0x5000, 0x7ffe]) expect(client.request(StunMethod.ChannelBind, (b) => peerAddr(b).add(Attr.CHANNEL_NUMBER, channelNumber(n))).code).toBe(400);
    expect(core.handleClientPacket(client.tuple, channelData(0x5000, [1]))).toEqual([{ type: 'drop', reason: 'unknown-packet' }]);
  });

  it('when enabled, binds 0x5000–0x7FFE and relays both ways; 0x7FFF and malformed frames stay refused', () => {
    const { core, client, allocationId } = ready(true);
    expect(client.request(StunMethod.ChannelBind, (b) => peerAddr(b).add(Attr.CHANNEL_NUMBER, channelNumber(0x7ffe))).code).toBeUndefined();
    expect(client.request(StunMethod.ChannelBind, (b) => peerAddr(b, { ...PEER, port: 6001 }).add(Attr.CHANNEL_NUMBER, channelNumber(0x7fff))).code).toBe(400);
    expect(core.handleClientPacket(client.tuple, channelData(0x7ffe, [1, 2], 2))).toEqual([{ type: 'send-to-peer', allocationId, peer: PEER, bytes: new Uint8Array([1, 2]) }]);
    expect(core.handleClientPacket(client.tuple, channelData(0x7ffe, [1, 2], 4))).toEqual([{ type: 'drop', reason: 'malformed' }]);
    expect(core.handleClientPacket(client.tuple, new Uint8Array([0x7f, 0xfe, 0, 9, 1]))).toEqual([{ type: 'drop', reason: 'malformed' }]);
    expect(core.handleClientPacket(client.tuple, channelData(0x6000, [1]))).toEqual([{ type: 'drop', reason: 'no-channel' }]);
    const [back] = core.handleRelayPacket(allocationId, PEER, new Uint8Array([8, 9]));
    expect(back?.type === 'send-to-client' && [...back.bytes, ...(back.payload ?? [])]).toEqual([0x7f, 0xfe, 0, 2, 8, 9]);
  });
});

describe('alternate listener (RFC 5780 RESPONSE-ORIGIN / OTHER-ADDRESS)', () => {
  const primary = { family: 'IPv4', address: '192.0.2.10', port: 3478 } as const;
  const alternate = { family: 'IPv4', address: '192.0.2.10', port: 3479 } as const;
  const binding = () => new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(12).fill(3)).build();

  function answer(actions: ReturnType<ReturnType<typeof newCore>['handleClientPacket']>) {
    const sent = actions[0]?.type === 'send-to-client' ? decodeStunMessage(actions[0].bytes) : undefined;
    if (!sent?.ok) throw new Error('no Binding response');
    const address = (type: number) => {
      const attr = getAttribute(sent.value, type);
      const decoded = attr === undefined ? undefined : type === Attr.XOR_MAPPED_ADDRESS ? decodeXorAddress(attr.value, sent.value.transactionId) : decodeAddress(attr.value);
      return decoded?.ok ? `${decoded.value.address}:${decoded.value.port}` : undefined;
    };
    return { mapped: address(Attr.XOR_MAPPED_ADDRESS), origin: address(Attr.RESPONSE_ORIGIN), other: address(Attr.OTHER_ADDRESS) };
  }

  it('each listener names itself and the other; the alternate answers nothing but Binding', () => {
    const core = newCore(new FakeClock(), { alternateListener: { primary, alternate } });
    const onPrimary = { ...udpTuple(5000), server: primary };
    const onAlternate = { ...udpTuple(5000), server: alternate };
    expect(answer(core.handleClientPacket(onPrimary, binding()))).toEqual({ mapped: '198.51.100.7:5000', origin: '192.0.2.10:3478', other: '192.0.2.10:3479' });
    expect(answer(core.handleAlternatePacket(onAlternate, binding()))).toEqual({ mapped: '198.51.100.7:5000', origin: '192.0.2.10:3479', other: '192.0.2.10:3478' });
    const allocateRequest = new StunMessageBuilder(StunMethod.Allocate, StunClass.Request, new Uint8Array(12).fill(4)).build();
    expect(core.handleAlternatePacket(onAlternate, allocateRequest)).toEqual([{ type: 'drop', reason: 'unsupported-method' }]);
    expect(core.handleAlternatePacket(onAlternate, channelData(0x4000, [1]))).toEqual([{ type: 'drop', reason: 'unknown-packet' }]);
  });

  it('without one, Binding responses carry only XOR-MAPPED-ADDRESS', () => {
    const core = newCore(new FakeClock());
    expect(answer(core.handleClientPacket(udpTuple(5000), binding()))).toEqual({ mapped: '198.51.100.7:5000', origin: undefined, other: undefined });
  });
});
