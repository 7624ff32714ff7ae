import { describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** An inbox whose handler logs `owner:a`, and goes asynchronous for events listed in `gates`. */
function harness() {
  const log: string[] = [];
  const errors: [string, string][] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const inbox = new Inbox<string, string, number, null>(
    (owner, a) => {
      const gate = gates.get(a);
      if (a.startsWith('throw')) throw new Error(a);
      if (!gate) return void log.push(`${owner}:${a}`);
      return gate.promise.then(() => void log.push(`${owner}:${a}`));
    },
    (error, _owner, a) => errors.push([a, (error as Error).message]),
  );
  return { log, errors, gates, inbox };
}

describe('Inbox', () => {
  it('runs synchronous handlers at once, in order', () => {
    const { log, inbox } = harness();
    inbox.push('s', 'one', 1, null);
    inbox.push('s', 'two', 2, null);
    expect(log).toEqual(['s:one', 's:two']);
    expect(inbox.waiting).toBe(0);
  });

  it('holds later events behind an asynchronous handler, then runs them in order', async () => {
    const { log, gates, inbox } = harness();
    gates.set('initiate', deferred());
    inbox.push('s', 'initiate', 0, null);
    inbox.push('s', 'candidate-1', 1, null);
    inbox.push('s', 'candidate-2', 2, null);
    expect(log).toEqual([]);
    expect(inbox.waiting).toBe(2);
    gates.get('initiate')?.resolve();
    await settle();
    expect(log).toEqual(['s:initiate', 's:candidate-1', 's:candidate-2']);
    inbox.push('s', 'later', 3, null);
    expect(log.at(-1)).toBe('s:later');
  });

  it('a held handler that goes asynchronous again keeps the rest held, ahead of newer events', async () => {
    const { log, gates, inbox } = harness();
    gates.set('first', deferred());
    gates.set('second', deferred());
    inbox.push('s', 'first', 0, null);
    inbox.push('s', 'second', 0, null);
    inbox.push('s', 'third', 0, null);
    gates.get('first')?.resolve();
    await settle();
    expect(log).toEqual(['s:first']);
    expect(inbox.waiting).toBe(1);
    inbox.push('s', 'fourth', 0, null);
    expect(inbox.waiting).toBe(2);
    gates.get('second')?.resolve();
    await settle();
    expect(log).toEqual(['s:first', 's:second', 's:third', 's:fourth']);
  });

  it('reports a throwing or rejecting handler and carries on with the next event', async () => {
    const { log, errors, gates, inbox } = harness();
    inbox.push('s', 'throw-now', 0, null);
    gates.set('slow', deferred());
    inbox.push('s', 'slow', 0, null);
    inbox.push('s', 'throw-held', 0, null);
    inbox.push('s', 'after', 0, null);
    gates.get('slow')?.reject(new Error('store down'));
    await settle();
    expect(errors).toEqual([
      ['throw-now', 'throw-now'],
      ['slow', 'store down'],
      ['throw-held', 'throw-held'],
    ]);
    expect(log).toEqual(['s:after']);
    expect(inbox.waiting).toBe(0);
  });
});
