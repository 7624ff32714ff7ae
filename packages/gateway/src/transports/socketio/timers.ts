/** Carries out the core's schedule/cancel actions with real timers. */
import { type TimerKey, timerId } from '../../core/calls/index.js';

export class TimerTable {
  private readonly handles = new Map<string, NodeJS.Timeout>();

  /** (Re)schedules `key`; an existing timer with the same key is replaced. */
  schedule(key: TimerKey, delayMs: number, fire: (key: TimerKey) => void): void {
    const id = timerId(key);
    this.cancel(key);
    const handle = setTimeout(() => {
      this.handles.delete(id);
      fire(key);
    }, delayMs);
    handle.unref();
    this.handles.set(id, handle);
  }

  cancel(key: TimerKey): void {
    const id = timerId(key);
    const handle = this.handles.get(id);
    if (handle !== undefined) clearTimeout(handle);
    this.handles.delete(id);
  }

  clear(): void {
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
  }

  get size(): number {
    return this.handles.size;
  }
}
