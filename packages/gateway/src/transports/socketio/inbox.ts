/**
 * One socket's incoming events, handled strictly in arrival order without a
 * promise or closure per event. A synchronous handler runs at once; a handler
 * that returns a promise (`call:initiate` loads the chat from the store) holds
 * every later event of the socket in a FIFO until it settles, so a trickled ICE
 * candidate never overtakes its offer. Held events then run in order, and a
 * held handler that goes asynchronous again holds the rest.
 *
 * Limit: the FIFO is bounded by the per-socket rate limit, which admits events
 * before they get here (at most `burst` + `perSecond` × the store's latency).
 */
/** Handlers take the owner (e.g. the socket's session) plus three event values, so they need no per-socket closure. */
export type InboxHandler<S, A, B, C> = (owner: S, a: A, b: B, c: C) => void | Promise<void>;
export type InboxErrorHandler<S, A, B, C> = (error: unknown, owner: S, a: A, b: B, c: C) => void;

interface Held<S, A, B, C> {
  readonly owner: S;
  readonly a: A;
  readonly b: B;
  readonly c: C;
}

export class Inbox<S, A, B, C> {
  /** Defined while an asynchronous handler is pending. */
  private held: Held<S, A, B, C>[] | undefined;

  constructor(
    private readonly handle: InboxHandler<S, A, B, C>,
    private readonly onError: InboxErrorHandler<S, A, B, C>,
  ) {}

  /** Events waiting behind an asynchronous handler. */
  get waiting(): number {
    return this.held?.length ?? 0;
  }

  push(owner: S, a: A, b: B, c: C): void {
    if (this.held !== undefined) this.held.push({ owner, a, b, c });
    else this.run(owner, a, b, c);
  }

  private run(owner: S, a: A, b: B, c: C): void {
    let result: void | Promise<void>;
    try {
      result = this.handle(owner, a, b, c);
    } catch (error) {
      this.onError(error, owner, a, b, c);
      return;
    }
    if (result === undefined) return;
    this.held = [];
    result.then(
      () => this.resume(),
      (error: unknown) => {
        this.onError(error, owner, a, b, c);
        this.resume();
      },
    );
  }

  private pending(): Held<S, A, B, C>[] | undefined {
    return this.held;
  }

  private resume(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (let i = 0; i < held.length; i++) {
      const again = this.pending();
      if (again !== undefined) {
        // A held handler went asynchronous: the rest stays held, ahead of anything newer.
        for (let j = i; j < held.length; j++) again.push(held[j] as Held<S, A, B, C>);
        return;
      }
      const next = held[i] as Held<S, A, B, C>;
      this.run(next.owner, next.a, next.b, next.c);
    }
  }
}
