/**
 * A sleep that another part of the program can end early: reconnect loops
 * wait out their backoff with `sleep(ms)`, and `reconnect()`/`stop()` call
 * `wake()` to run the next iteration (or notice the stop) at once.
 *
 * One sleep is pending at a time: starting a new one first ends the previous
 * one, so an abandoned sleep (e.g. one that lost a `Promise.race`) never
 * leaves its timer behind. `wake()` with nothing pending does nothing; a wake
 * is not remembered for the next sleep (loops check their own stop flag).
 * Uses the global `setTimeout`/`clearTimeout`, so it runs in Node and browsers.
 */
export class WakeableSleep {
  #wake: (() => void) | undefined;

  /** Resolves after `ms` milliseconds, or earlier on `wake()` or the next `sleep()`. */
  sleep(ms: number): Promise<void> {
    this.wake();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Ends the pending sleep now, if there is one. */
  wake(): void {
    this.#wake?.();
  }

  /** True while a sleep is pending. */
  get sleeping(): boolean {
    return this.#wake !== undefined;
  }
}
