import type { Clock } from '../../session/clock.js';
import type { SetupPhases } from './connection.js';

type Phase = 'signaling' | 'ice' | 'dtls' | 'identity' | 'session';
const ORDER: readonly Phase[] = ['signaling', 'ice', 'dtls', 'identity', 'session'];

/** Marks when each setup phase ended; a phase never observed takes zero time. */
export class SetupClock {
  readonly startedAt: number;
  readonly #clock: Clock;
  readonly #marks = new Map<Phase, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
    this.startedAt = clock.now();
  }

  /** First mark per phase wins (later ICE restarts do not count as setup). */
  mark(phase: Phase): void {
    if (!this.#marks.has(phase)) this.#marks.set(phase, this.#clock.now());
  }

  phases(): SetupPhases {
    let previous = this.startedAt;
    const took = {} as Record<Phase, number>;
    for (const phase of ORDER) {
      const at = Math.max(previous, this.#marks.get(phase) ?? previous);
      took[phase] = at - previous;
      previous = at;
    }
    return { signalingMs: took.signaling, iceMs: took.ice, dtlsMs: took.dtls, identityMs: took.identity, sessionMs: took.session };
  }
}
