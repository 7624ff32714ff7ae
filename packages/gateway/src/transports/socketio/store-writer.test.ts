import { describe, expect, it } from 'vitest';
import type { StoreAction } from '../../core/calls/index.js';
import type { CallStore } from '../../core/ports.js';
import { StoreWriter } from './store-writer.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('StoreWriter', () => {
  it('applies the writes of one call in order, even when an earlier one is slow; a failure does not stop the chain', async () => {
    const log: string[] = [];
    const gate = deferred();
    const calls = {
      createCall: async () => {
        await gate.promise;
        log.push('create');
      },
      markAnswered: async () => {
        log.push('answered');
        throw new Error('boom');
      },
      endCall: async (callId: string) => void log.push(`end:${callId}`),
    } as unknown as CallStore;
    const failures: [string, string | undefined][] = [];
    const writer = new StoreWriter(calls, (_e, action, origin) => failures.push([action.write.op, origin]));
    const create: StoreAction = { type: 'store', callId: 'c1', write: { op: 'createCall', call: { id: 'c1', chatId: 'x', mode: 'direct', initiatorId: 'u', createdAt: 0, participantIds: [] } } };
    writer.write(create);
    writer.write({ type: 'store', callId: 'c1', write: { op: 'markAnswered', at: 1 } }, 'socket-1');
    writer.write({ type: 'store', callId: 'c1', write: { op: 'endCall', end: { status: 'completed', reason: 'hangup', endedAt: 2, durationSeconds: 0 } } });
    writer.write({ type: 'store', callId: 'c2', write: { op: 'endCall', end: { status: 'missed', reason: 'timeout', endedAt: 2, durationSeconds: 0 } } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['end:c2']); // another call is not held back
    expect(writer.pending).toBe(1);
    gate.resolve();
    await writer.drain();
    expect(log).toEqual(['end:c2', 'create', 'answered', 'end:c1']);
    expect(failures).toEqual([['markAnswered', 'socket-1']]);
    expect(writer.failures).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.pending).toBe(0);
  });
});
