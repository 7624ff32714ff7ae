import { Attr, StunClass, StunMessageBuilder, StunMethod, decodeXorAddress, getAttribute } from '@peerlink/protocol';
import { describe, expect, it } from 'vitest';
import { restPassword, restUsername } from './credentials.js';
import { FakeClock, RELAYED, SECRET, TestClient, allocate, lifetimeOf, newCore, requestedTransport, responseOf, restClient, textAttr, udpTuple } from './test-support.js';

describe('Binding', () => {
  it('answers without authentication with XOR-MAPPED-ADDRESS, no SOFTWARE, FINGERPRINT mirrored', () => {
    const core = newCore(new FakeClock());
    const tuple = udpTuple(40000);
    const request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(12).fill(3)).build({ fingerprint: true });
    const { response } = responseOf(core.handleClientPacket(tuple, request));
    expect(response?.class).toBe(StunClass.SuccessResponse);
    const mapped = decodeXorAddress(getAttribute(response!, Attr.XOR_MAPPED_ADDRESS)!.value, response!.transactionId);
    expect(mapped).toEqual({ ok: true, value: tuple.client });
    expect(getAttribute(response!, Attr.SOFTWARE)).toBeUndefined();
    expect(getAttribute(response!, Attr.FINGERPRINT)).toBeDefined();
  });

  it('answers 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes', () => {
    const core = newCore(new FakeClock());
    const request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(12)).add(0x0003, new Uint8Array(4)).add(0x7777, new Uint8Array(4)).build();
    const { response, code } = responseOf(core.handleClientPacket(udpTuple(1), request));
    expect(code).toBe(420);
    expect(Array.from(getAttribute(response!, Attr.UNKNOWN_ATTRIBUTES)!.value)).toEqual([0x00, 0x03, 0x77, 0x77]);
  });

  it('rate-limits unauthenticated replies per source, with bounded state', () => {
    const clock = new FakeClock();
    const core = newCore(clock, { unauthenticatedRateLimit: { burst: 3, repliesPerSecond: 1, maxSources: 2 } });
    const request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(12)).build();
    const kinds = [0, 1, 2, 3].map(() => core.handleClientPacket(udpTuple(1), request)[0]?.type);
    expect(kinds).toEqual(['send-to-client', 'send-to-client', 'send-to-client', 'drop']);
    expect(core.handleClientPacket(udpTuple(1, '198.51.100.8'), request)[0]?.type).toBe('send-to-client');
    clock.advance(1000);
    expect(core.handleClientPacket(udpTuple(1), request)[0]?.type).toBe('send-to-client');
  });
});

describe('unauthenticated replies are bounded in size', () => {
  it('challenges a 28-byte Allocate (as Chromium sends) within the challenge floor, and drops it in strict mode', () => {
    const request = new StunMessageBuilder(StunMethod.Allocate, StunClass.Request, new Uint8Array(12)).add(Attr.REQUESTED_TRANSPORT, new Uint8Array([17, 0, 0, 0])).build();
    expect(request.length).toBe(28);
    const lenient = responseOf(newCore(new FakeClock()).handleClientPacket(udpTuple(1), request));
    expect(lenient.code).toBe(401);
    expect(lenient.response!.raw.length).toBeLessThanOrEqual(20 + 8 + 4 + 16 + 4 + 16 + 8);
    expect(getAttribute(lenient.response!, Attr.SOFTWARE)).toBeUndefined();
    const strict = newCore(new FakeClock(), { strictReplySize: true }).handleClientPacket(udpTuple(1), request);
    expect(strict).toEqual([{ type: 'drop', reason: 'reply-too-large' }]);
  });

  it('in strict mode a large enough request gets its 401, never larger than itself', () => {
    const request = new StunMessageBuilder(StunMethod.Allocate, StunClass.Request, new Uint8Array(12))
      .add(Attr.REQUESTED_TRANSPORT, new Uint8Array([17, 0, 0, 0]))
      .addString(Attr.SOFTWARE, 'x'.repeat(60))
      .build();
    const { code, response } = responseOf(newCore(new FakeClock(), { strictReplySize: true }).handleClientPacket(udpTuple(1), request));
    expect(code).toBe(401);
    expect(response!.raw.length).toBeLessThanOrEqual(request.length);
  });
});

describe('authentication', () => {
  it('401 first with REALM and NONCE, then succeeds; authenticated responses carry SOFTWARE and integrity', () => {
    const clock = new FakeClock();
    const client = restClient(newCore(clock), clock, 1);
    const first = client.send(StunMethod.Allocate, requestedTransport(), { signed: false });
    expect(first.code).toBe(401);
    expect(textAttr(first.response!, Attr.REALM)).toBe('peerlink.test');
    expect(client.nonce).toBeDefined();
    const { actions } = allocate(client);
    const { response } = responseOf(actions);
    expect(response!.class).toBe(StunClass.SuccessResponse);
    expect(textAttr(response!, Attr.SOFTWARE)).toBe('peerlink');
    expect(getAttribute(response!, Attr.MESSAGE_INTEGRITY)).toBeDefined();
    expect(decodeXorAddress(getAttribute(response!, Attr.XOR_RELAYED_ADDRESS)!.value, response!.transactionId)).toEqual({ ok: true, value: RELAYED });
    expect(lifetimeOf(actions)).toBe(600);
  });

  it('438 Stale Nonce after the nonce lifetime, then the fresh nonce works', () => {
    const clock = new FakeClock();
    const client = restClient(newCore(clock, { nonceLifetimeMs: 60_000 }), clock, 1);
    allocate(client);
    clock.advance(60_000);
    const stale = client.send(StunMethod.Refresh);
    expect(stale.code).toBe(438);
    expect(client.send(StunMethod.Refresh).code).toBeUndefined();
  });

  it('401 for expired TURN REST credentials, wrong passwords and unknown users', () => {
    const clock = new FakeClock();
    const core = newCore(clock);
    const expiring = restClient(core, clock, 1, 'bob', 10_000);
    expect(expiring.request(StunMethod.Allocate, requestedTransport()).actions.some((a) => a.type === 'open-relay')).toBe(true);
    clock.advance(10_000);
    const again = expiring.request(StunMethod.Refresh);
    expect(again.code).toBe(401);
    expect(again.actions).toContainEqual({ type: 'refused', code: 401, reason: 'expired-credentials' });
    const wrong = new TestClient(core, udpTuple(2), restUsername(clock.nowMs + 60_000, 'eve'), 'guess');
    expect(wrong.request(StunMethod.Allocate, requestedTransport()).actions).toContainEqual({ type: 'refused', code: 401, reason: 'integrity-mismatch' });
    const unknown = new TestClient(core, udpTuple(3), 'mallory', 'x');
    expect(unknown.request(StunMethod.Allocate, requestedTransport()).actions).toContainEqual({ type: 'refused', code: 401, reason: 'wrong-credentials' });
  });

  it('serves static users', () => {
    const clock = new FakeClock();
    const client = new TestClient(newCore(clock, { staticUsers: { alice: 'pw' } }), udpTuple(1), 'alice', 'pw');
    expect(allocate(client).allocationId).toBeGreaterThan(0);
  });

  it('420 lists unknown comprehension-required attributes, including DONT-FRAGMENT on Allocate', () => {
    const clock = new FakeClock();
    const client = restClient(newCore(clock), clock, 1);
    const { code, response } = client.request(StunMethod.Allocate, (b) => requestedTransport()(b).add(Attr.DONT_FRAGMENT, new Uint8Array(0)));
    expect(code).toBe(420);
    expect(Array.from(getAttribute(response!, Attr.UNKNOWN_ATTRIBUTES)!.value)).toEqual([0x00, 0x1a]);
  });
});

describe('Allocate', () => {
  it('442 for a non-UDP REQUESTED-TRANSPORT, 400 without it, 440 for IPv6 when not offered, 508 for a reservation token', () => {
    const clock = new FakeClock();
    const client = restClient(newCore(clock), clock, 1);
    expect(client.request(StunMethod.Allocate, requestedTransport(6)).code).toBe(442);
    expect(client.request(StunMethod.Allocate).code).toBe(400);
    expect(client.request(StunMethod.Allocate, (b) => requestedTransport()(b).add(Attr.REQUESTED_ADDRESS_FAMILY, new Uint8Array([2, 0, 0, 0]))).code).toBe(440);
    expect(client.request(StunMethod.Allocate, (b) => requestedTransport()(b).add(Attr.RESERVATION_TOKEN, new Uint8Array(8))).code).toBe(508);
  });

  it('437 for a second Allocate on the same 5-tuple; a retransmission gets the same success', () => {
    const clock = new FakeClock();
    const client = restClient(newCore(clock), clock, 1);
    client.send(StunMethod.Allocate, requestedTransport(), { signed: false });
    const txid = client.nextTransactionId();
    const first = client.send(StunMethod.Allocate, requestedTransport(), { txid });
    const open = first.actions.find((a) => a.type === 'open-relay')!;
    expect(client.send(StunMethod.Allocate, requestedTransport(), { txid }).actions).toEqual([{ type: 'drop', reason: 'allocation-pending' }]);
    const done = client.core.handleRelayOpened(open.type === 'open-relay' ? open.allocationId : -1, RELAYED);
    const retransmit = client.send(StunMethod.Allocate, requestedTransport(), { txid });
    expect(retransmit.actions[0]).toEqual(done[0]);
    expect(client.request(StunMethod.Allocate, requestedTransport()).code).toBe(437);
  });

  it('grants LIFETIME within [600, 3600] s and passes EVEN-PORT to the driver', () => {
    const clock = new FakeClock();
    const core = newCore(clock);
    const lifetime = (s: number) => (b: StunMessageBuilder) => requestedTransport()(b).addUint32(Attr.LIFETIME, s);
    expect(lifetimeOf(allocate(restClient(core, clock, 1), lifetime(60)).actions)).toBe(600);
    expect(lifetimeOf(allocate(restClient(core, clock, 2), lifetime(1200)).actions)).toBe(1200);
    expect(lifetimeOf(allocate(restClient(core, clock, 3), lifetime(86_400)).actions)).toBe(3600);
    const even = restClient(core, clock, 4).request(StunMethod.Allocate, (b) => requestedTransport()(b).add(Attr.EVEN_PORT, new Uint8Array([0])));
    expect(even.actions).toContainEqual(expect.objectContaining({ type: 'open-relay', evenPort: true, family: 'IPv4' }));
  });

  it('486 past the per-user quota (default 10), 508 past the total', () => {
    const clock = new FakeClock();
    const core = newCore(clock, { quotas: { allocations: 12 } });
    for (let port = 1; port <= 10; port++) allocate(restClient(core, clock, port, 'bob'));
    expect(restClient(core, clock, 11, 'bob').request(StunMethod.Allocate, requestedTransport()).code).toBe(486);
    allocate(restClient(core, clock, 12, 'carol'));
    allocate(restClient(core, clock, 13, 'carol'));
    expect(restClient(core, clock, 14, 'dave').request(StunMethod.Allocate, requestedTransport()).code).toBe(508);
  });

  it('508 when the driver cannot bind a relay port, and the quota slot is released', () => {
    const clock = new FakeClock();
    const core = newCore(clock, { quotas: { allocationsPerUser: 1 } });
    const client = restClient(core, clock, 1);
    const open = client.request(StunMethod.Allocate, requestedTransport()).actions.find((a) => a.type === 'open-relay');
    expect(responseOf(core.handleRelayFailed(open?.type === 'open-relay' ? open.allocationId : -1)).code).toBe(508);
    expect(allocate(restClient(core, clock, 2)).allocationId).toBeGreaterThan(0);
  });
});

describe('Refresh and expiry', () => {
  it('expires at the deadline unless refreshed; Refresh 0 deletes', () => {
    const clock = new FakeClock();
    const core = newCore(clock);
    const client = restClient(core, clock, 1);
    const { allocationId } = allocate(client);
    expect(core.nextDeadline()).toBe(clock.nowMs + 600_000);
    clock.advance(500_000);
    expect(lifetimeOf(client.request(StunMethod.Refresh, (b) => b.addUint32(Attr.LIFETIME, 900)).actions)).toBe(900);
    clock.advance(100_000);
    expect(core.handleTimer()).toEqual([]);
    clock.advance(800_000);
    expect(core.handleTimer()).toEqual([
      { type: 'close-relay', allocationId, reason: 'expired' },
      { type: 'allocation-changed', allocationId, live: false, username: client.username },
    ]);
    expect(client.request(StunMethod.Refresh).code).toBe(437);
    const second = restClient(core, clock, 2);
    const next = allocate(second);
    const deleted = second.request(StunMethod.Refresh, (b) => b.addUint32(Attr.LIFETIME, 0));
    expect(lifetimeOf(deleted.actions)).toBe(0);
    expect(deleted.actions).toContainEqual({ type: 'close-relay', allocationId: next.allocationId, reason: 'deleted' });
    expect(core.allocationCount).toBe(0);
  });

  it('441 when another user touches the allocation', () => {
    const clock = new FakeClock();
    const core = newCore(clock);
    const owner = restClient(core, clock, 1, 'bob');
    allocate(owner);
    const intruder = new TestClient(core, owner.tuple, restUsername(clock.nowMs + 60_000, 'eve'), restPassword(SECRET, restUsername(clock.nowMs + 60_000, 'eve')));
    expect(intruder.request(StunMethod.Refresh).code).toBe(441);
  });
});

