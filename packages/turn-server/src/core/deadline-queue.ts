/**
 * A binary min-heap of `(deadline, id)` pairs with lazy deletion: callers push
 * a new entry whenever an id's deadline moves and ignore stale entries when
 * they pop. The driver arms one timer for {@link DeadlineQueue.peek}.
 */
export class DeadlineQueue {
  readonly #at: number[] = [];
  readonly #ids: number[] = [];

  push(at: number, id: number): void {
    this.#at.push(at);
    this.#ids.push(id);
    let i = this.#at.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.#at[parent] ?? 0) <= at) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** Earliest deadline, or `undefined` when empty. */
  peek(): number | undefined {
    return this.#at[0];
  }

  /** Removes and returns every id whose deadline is `<= now`. */
  popDue(now: number): number[] {
    const due: number[] = [];
    while (this.#at.length > 0 && (this.#at[0] ?? Infinity) <= now) {
      due.push(this.#ids[0] ?? -1);
      this.#removeTop();
    }
    return due;
  }

  get size(): number {
    return this.#at.length;
  }

  #removeTop(): void {
    const lastAt = this.#at.pop() ?? 0;
    const lastId = this.#ids.pop() ?? 0;
    if (this.#at.length === 0) return;
    this.#at[0] = lastAt;
    this.#ids[0] = lastId;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < this.#at.length && (this.#at[l] ?? 0) < (this.#at[smallest] ?? 0)) smallest = l;
      if (r < this.#at.length && (this.#at[r] ?? 0) < (this.#at[smallest] ?? 0)) smallest = r;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #swap(a: number, b: number): void {
    const at = this.#at[a] ?? 0;
    const id = this.#ids[a] ?? 0;
    this.#at[a] = this.#at[b] ?? 0;
    this.#ids[a] = this.#ids[b] ?? 0;
    this.#at[b] = at;
    this.#ids[b] = id;
  }
}
