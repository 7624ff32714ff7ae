import { describe, expect, it } from 'vitest';
import { WakeableSleep } from './wakeable-sleep.js';

/** Whether `promise` has settled after the current macrotask queue drains. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const FOREVER = 2 ** 31 - 1;

describe('WakeableSleep', () => {
  it('resolves when its time is up', async () => {
    const sleeper = new WakeableSleep();
    await sleeper.sleep(0);
    expect(sleeper.sleeping).toBe(false);
  });

  it('stays pending until woken, then resolves', async () => {
    const sleeper = new WakeableSleep();
    const sleep = sleeper.sleep(FOREVER);
    expect(await settled(sleep)).toBe(false);
    expect(sleeper.sleeping).toBe(true);
    sleeper.wake();
    expect(await settled(sleep)).toBe(true);
    expect(sleeper.sleeping).toBe(false);
  });

  it('a new sleep ends the previous one, and wake ends the new one', async () => {
    const sleeper = new WakeableSleep();
    const first = sleeper.sleep(FOREVER);
    const second = sleeper.sleep(FOREVER);
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(false);
    sleeper.wake();
    expect(await settled(second)).toBe(true);
  });

  it('a wake with nothing pending is not remembered', async () => {
    const sleeper = new WakeableSleep();
    sleeper.wake();
    const sleep = sleeper.sleep(FOREVER);
    expect(await settled(sleep)).toBe(false);
    sleeper.wake();
    await sleep;
  });

  it('a finished sleep does not clear the hook of a later one', async () => {
    const sleeper = new WakeableSleep();
    await sleeper.sleep(0);
    const later = sleeper.sleep(FOREVER);
    expect(sleeper.sleeping).toBe(true);
    sleeper.wake();
    expect(await settled(later)).toBe(true);
  });
});
