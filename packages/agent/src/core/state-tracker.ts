/**
 * The state a reconnecting transport reports: the current state, why, and
 * since when (epoch ms from the injected clock). `since` moves only when the
 * state changes; once `stop()`ped every later `set` reports `stopped` (a loop
 * still unwinding cannot make a stopped transport look alive).
 */
export class StateTracker<S extends string> {
  readonly #now: () => number;
  readonly #stoppedState: S;
  #state: S;
  #reason: string;
  #since: number;
  #stopped = false;

  /** Starts in `initial` with `reason`, `since` = now. */
  constructor(now: () => number, initial: S, reason: string, stoppedState: S) {
    this.#now = now;
    this.#state = initial;
    this.#reason = reason;
    this.#stoppedState = stoppedState;
    this.#since = now();
  }

  get state(): S {
    return this.#state;
  }

  get reason(): string {
    return this.#reason;
  }

  get since(): number {
    return this.#since;
  }

  /** True after `stop()`. */
  get stopped(): boolean {
    return this.#stopped;
  }

  set(state: S, reason: string): void {
    if (this.#state !== state) this.#since = this.#now();
    this.#state = this.#stopped ? this.#stoppedState : state;
    this.#reason = reason;
  }

  /** Moves to the stopped state for good. */
  stop(reason: string): void {
    this.#stopped = true;
    this.set(this.#stoppedState, reason);
  }
}
