import type { Clock, TimerHandle } from '../../session/clock.js';

interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  /** Referenced events keep the auto-runner going; background ones (keepalive) do not, like Node's `unref()`. */
  readonly ref: boolean;
  readonly run: () => void;
  cancelled: boolean;
}

const macrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Discrete-event virtual time. Events at equal times run in scheduling order.
 * Between events the runner yields one macrotask so application code reacts
 * (all pending promise callbacks run) before time moves on.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #queue: ScheduledEvent[] = [];
  #refCount = 0;
  #running: Promise<void> | undefined;
  readonly #autoRun: boolean;

  constructor(autoRun: boolean) {
    this.#autoRun = autoRun;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.schedule(delayMs, callback, true);
  }

  clearTimer(handle: TimerHandle): void {
    const event = handle as ScheduledEvent;
    if (event.cancelled) return;
    event.cancelled = true;
    if (event.ref) this.#refCount--;
  }

  /** A view whose timers do not keep the auto-runner busy (keepalive, dead-peer checks). */
  readonly background: Clock = {
    now: () => this.#now,
    setTimer: (delayMs, callback) => this.schedule(delayMs, callback, false),
    clearTimer: (handle) => this.clearTimer(handle),
  };

  schedule(delayMs: number, run: () => void, ref: boolean): ScheduledEvent {
    const event: ScheduledEvent = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, ref, run, cancelled: false };
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.#queue[mid] as ScheduledEvent;
      if (other.at < event.at || (other.at === event.at && other.seq < event.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, event);
    if (ref) {
      this.#refCount++;
      if (this.#autoRun && this.#running === undefined) this.#running = this.#loop(Infinity);
    }
    return event;
  }

  /** Events that keep the runner busy. */
  get pending(): number {
    return this.#refCount;
  }

  /** Manual mode: runs every event due within `ms`, then sets the time to now + ms. */
  async advance(ms: number): Promise<void> {
    if (this.#autoRun) throw new Error('advance() is for manual mode; this network auto-runs');
    const until = this.#now + ms;
    await this.#loop(until, true);
    this.#now = Math.max(this.#now, until);
    await macrotask();
  }

  /**
   * Runs until only background timers remain (or `maxMs` of virtual time
   * passed), letting the application react between events. Works in both modes.
   */
  async runUntilIdle(maxMs = 3_600_000): Promise<void> {
    const until = this.#now + maxMs;
    for (;;) {
      await macrotask();
      if (this.#running !== undefined) {
        await this.#running;
        continue;
      }
      const next = this.#queue[0];
      if (this.#autoRun || this.#refCount === 0 || next === undefined || next.at > until) return;
      await this.#loop(until);
    }
  }

  async #loop(until: number, includeBackground = false): Promise<void> {
    try {
      for (;;) {
        await macrotask();
        const event = this.#queue[0];
        if (event === undefined || event.at > until) return;
        if (!includeBackground && this.#refCount === 0) return;
        this.#queue.shift();
        if (event.cancelled) continue;
        if (event.ref) this.#refCount--;
        event.cancelled = true;
        this.#now = event.at;
        event.run();
      }
    } finally {
      if (until === Infinity) this.#running = undefined;
    }
  }
}
