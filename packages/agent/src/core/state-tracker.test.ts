import { describe, expect, it } from 'vitest';
import { StateTracker } from './state-tracker.js';

type S = 'connecting' | 'online' | 'offline' | 'stopped';

function tracker(): { t: StateTracker<S>; clock: { now: number } } {
  const clock = { now: 1000 };
  return { t: new StateTracker<S>(() => clock.now, 'offline', 'not started', 'stopped'), clock };
}

describe('StateTracker', () => {
  it('starts in the initial state, since construction', () => {
    const { t } = tracker();
    expect([t.state, t.reason, t.since, t.stopped]).toEqual(['offline', 'not started', 1000, false]);
  });

  it('moves since only when the state changes; the reason always follows', () => {
    const { t, clock } = tracker();
    clock.now = 2000;
    t.set('connecting', 'connecting');
    clock.now = 3000;
    t.set('connecting', 'retry 1');
    expect([t.state, t.reason, t.since]).toEqual(['connecting', 'retry 1', 2000]);
  });

  it('after stop every set reports stopped', () => {
    const { t, clock } = tracker();
    clock.now = 2000;
    t.stop('stopped');
    expect([t.state, t.reason, t.since, t.stopped]).toEqual(['stopped', 'stopped', 2000, true]);
    t.set('online', 'listening');
    expect([t.state, t.reason]).toEqual(['stopped', 'listening']);
  });
});
