/** Opaque timer handle. */
export type TimerHandle = unknown;

/**
 * Time as drivers see it. The simulator injects a virtual clock; real
 * providers use {@link systemClock}. Milliseconds, monotonic.
 */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Wall-clock timers (performance.now + setTimeout), available in Node and browsers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (delayMs, callback) => setTimeout(callback, Math.max(0, delayMs)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A single re-armable timer on a {@link Clock}. */
export class DeadlineTimer {
  readonly #clock: Clock;
  readonly #callback: () => void;
  #handle: TimerHandle;
  #at: number | undefined;

  constructor(clock: Clock, callback: () => void) {
    this.#clock = clock;
    this.#callback = callback;
  }

  /** Fires at `at` (absolute ms); undefined disarms. Re-arming to the same time is free. */
  arm(at: number | undefined): void {
    if (at === this.#at) return;
    if (this.#handle !== undefined) this.#clock.clearTimer(this.#handle);
    this.#handle = undefined;
    this.#at = at;
    if (at === undefined) return;
    this.#handle = this.#clock.setTimer(at - this.#clock.now(), () => {
      this.#handle = undefined;
      this.#at = undefined;
      this.#callback();
    });
  }
}
