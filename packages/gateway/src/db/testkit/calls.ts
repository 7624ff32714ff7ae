import { describe, expect, it } from 'vitest';
import type { CallStats } from '../../core/model.js';
import type { Stores } from '../../core/ports.js';
import { codeOf, seed, type Seeded, T0, useStores } from './fixtures.js';

async function ringing(s: Seeded, id = 'call-1', createdAt = T0 + 1000, chatId = s.chatAB): Promise<string> {
  const participantIds = chatId === s.chatAB ? [s.alice, s.bob] : [s.bob, s.carol];
  const initiatorId = participantIds[0]!;
  await s.stores.calls.createCall({ id, chatId, mode: 'direct', initiatorId, createdAt, participantIds });
  return id;
}

function stats(userId: string, reportedAt: number, bytes: number): CallStats {
  return { userId, reportedAt, localCandidateType: 'host', remoteCandidateType: 'srflx', rttMs: 12.5, packetsLost: 3, bytesSent: bytes, bytesReceived: bytes + 1 };
}

export function describeCallContract(name: string, factory: () => Promise<Stores>): void {
  describe(`${name}: call lifecycle`, () => {
    const open = useStores(factory);

    it('creates a ringing call; the initiator has joined, the others not yet', async () => {
      const s = await seed(await open());
      await ringing(s);
      expect(await s.stores.calls.getCall('call-1')).toEqual({
        id: 'call-1',
        chatId: s.chatAB,
        mode: 'direct',
        status: 'ringing',
        reason: null,
        initiatorId: s.alice,
        createdAt: T0 + 1000,
        answeredAt: null,
        endedAt: null,
        durationSeconds: null,
        participants: [
          { userId: s.alice, joinedAt: T0 + 1000, leftAt: null },
          { userId: s.bob, joinedAt: null, leftAt: null },
        ],
        stats: [],
      });
      expect(await s.stores.calls.getCall('nope')).toBeUndefined();
      expect(await codeOf(ringing(s))).toBe('CALL_STATE');
      expect(await codeOf(ringing(s, 'call-2', T0, 'no-such-chat'))).toBe('VALIDATION_FAILED');
    });

    it('answers, joins, leaves, re-joins, records stats and ends a call', async () => {
      const s = await seed(await open());
      const { calls } = s.stores;
      await ringing(s);
      await calls.markAnswered('call-1', T0 + 3000);
      await calls.participantJoined('call-1', s.bob, T0 + 3000);
      expect(await codeOf(calls.markAnswered('call-1', T0 + 3500))).toBe('CALL_STATE');
      await calls.participantLeft('call-1', s.bob, T0 + 5000);
      await calls.participantLeft('call-1', s.bob, T0 + 5500); // second leave: no change
      await calls.participantJoined('call-1', s.bob, T0 + 6000); // re-join keeps the first joinedAt
      await calls.participantJoined('call-1', s.carol, T0 + 6500); // not listed at creation: appended
      const big = 2 ** 40; // beyond int4: bigint columns
      await calls.addStats('call-1', stats(s.bob, T0 + 7000, 100));
      await calls.addStats('call-1', stats(s.bob, T0 + 8000, big)); // replaces bob's earlier report
      await calls.addStats('call-1', stats(s.alice, T0 + 7500, 5));
      await calls.participantLeft('call-1', s.carol, T0 + 9000);
      await calls.endCall('call-1', { status: 'completed', reason: 'hangup', endedAt: T0 + 13_000, durationSeconds: 10 });
      const call = await calls.getCall('call-1');
      expect(call).toMatchObject({ status: 'completed', reason: 'hangup', answeredAt: T0 + 3000, endedAt: T0 + 13_000, durationSeconds: 10 });
      expect(call?.participants).toEqual([
        { userId: s.alice, joinedAt: T0 + 1000, leftAt: T0 + 13_000 },
        { userId: s.bob, joinedAt: T0 + 3000, leftAt: T0 + 13_000 },
        { userId: s.carol, joinedAt: T0 + 6500, leftAt: T0 + 9000 },
      ]);
      expect(call?.stats).toEqual([stats(s.alice, T0 + 7500, 5), stats(s.bob, T0 + 8000, big)]);
      expect(typeof call?.stats[1]?.bytesSent).toBe('number');
      expect(await codeOf(calls.endCall('call-1', { status: 'failed', reason: 'x', endedAt: T0 + 20_000, durationSeconds: 0 }))).toBe('CALL_STATE');
      expect((await calls.getCall('call-1'))?.status).toBe('completed');
    });

    it('ends an unanswered call as missed; nobody who never joined gets a leave time', async () => {
      const s = await seed(await open());
      await ringing(s);
      await s.stores.calls.endCall('call-1', { status: 'missed', reason: 'timeout', endedAt: T0 + 31_000, durationSeconds: 0 });
      const call = await s.stores.calls.getCall('call-1');
      expect(call).toMatchObject({ status: 'missed', reason: 'timeout', answeredAt: null, durationSeconds: 0 });
      expect(call?.participants.map((p) => p.leftAt)).toEqual([T0 + 31_000, null]);
    });

    it('reports unknown calls with CALL_NOT_FOUND', async () => {
      const s = await seed(await open());
      const { calls } = s.stores;
      expect(await codeOf(calls.markAnswered('ghost', T0))).toBe('CALL_NOT_FOUND');
      expect(await codeOf(calls.endCall('ghost', { status: 'cancelled', reason: 'x', endedAt: T0, durationSeconds: 0 }))).toBe('CALL_NOT_FOUND');
      expect(await codeOf(calls.participantJoined('ghost', s.alice, T0))).toBe('CALL_NOT_FOUND');
      expect(await codeOf(calls.addStats('ghost', stats(s.alice, T0, 1)))).toBe('CALL_NOT_FOUND');
      await calls.participantLeft('ghost', s.alice, T0); // harmless no-op
    });
  });

  describe(`${name}: call history queries`, () => {
    const open = useStores(factory);

    it('lists only calls of chats the user is a member of, newest first, with chatId filter and limit', async () => {
      const s = await seed(await open());
      await ringing(s, 'ab-1', T0 + 1000);
      await ringing(s, 'bc-1', T0 + 2000, s.chatBC);
      await ringing(s, 'ab-2', T0 + 3000);
      await ringing(s, 'ab-3b', T0 + 4000);
      await ringing(s, 'ab-3a', T0 + 4000); // same instant: ties ordered by id, descending
      const ids = async (userId: string, options?: { chatId?: string; limit?: number }): Promise<string[]> =>
        (await s.stores.calls.listCallsForUser(userId, options)).map((c) => c.id);
      expect(await ids(s.bob)).toEqual(['ab-3b', 'ab-3a', 'ab-2', 'bc-1', 'ab-1']);
      expect(await ids(s.alice)).toEqual(['ab-3b', 'ab-3a', 'ab-2', 'ab-1']);
      expect(await ids(s.carol)).toEqual(['bc-1']);
      expect(await ids(s.carol, { chatId: s.chatAB })).toEqual([]);
      expect(await ids(s.bob, { chatId: s.chatBC })).toEqual(['bc-1']);
      expect(await ids(s.bob, { limit: 2 })).toEqual(['ab-3b', 'ab-3a']);
      expect(await ids(s.bob, { limit: 0 })).toEqual(['ab-3b']); // clamped to at least 1
      const [first] = await s.stores.calls.listCallsForUser(s.alice, { limit: 1 });
      expect(first?.participants.map((p) => p.userId)).toEqual([s.alice, s.bob]);
    });

    it('fails unfinished calls after a crash, counting duration up to the last sign of life', async () => {
      const s = await seed(await open());
      const { calls } = s.stores;
      await ringing(s, 'rang', T0);
      await ringing(s, 'talked', T0 + 1000);
      await calls.markAnswered('talked', T0 + 2000);
      await calls.participantJoined('talked', s.bob, T0 + 2000);
      await calls.addStats('talked', stats(s.bob, T0 + 47_500, 1));
      await ringing(s, 'done', T0 + 3000);
      await calls.endCall('done', { status: 'rejected', reason: 'rejected', endedAt: T0 + 4000, durationSeconds: 0 });

      const restart = T0 + 3_600_000;
      expect(await calls.failUnfinishedCalls(restart, 'gateway-restart')).toBe(2);
      expect(await calls.getCall('rang')).toMatchObject({ status: 'failed', reason: 'gateway-restart', endedAt: restart, durationSeconds: 0 });
      const talked = await calls.getCall('talked');
      expect(talked).toMatchObject({ status: 'failed', reason: 'gateway-restart', endedAt: restart, durationSeconds: 45 });
      expect(talked?.participants.map((p) => p.leftAt)).toEqual([restart, restart]);
      expect(await calls.getCall('done')).toMatchObject({ status: 'rejected', endedAt: T0 + 4000 });
      expect(await calls.failUnfinishedCalls(restart + 1, 'gateway-restart')).toBe(0);
    });
  });
}
