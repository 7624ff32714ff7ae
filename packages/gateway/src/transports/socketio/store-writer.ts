/**
 * Applies the call core's history writes. Writes of one call run strictly in
 * order (one promise chain per call), calls proceed independently; a failed
 * write is reported, never thrown.
 */
import type { StoreAction } from '../../core/calls/index.js';
import type { CallStore } from '../../core/ports.js';

export type StoreFailureHandler = (error: unknown, action: StoreAction, originSocketId: string | undefined) => void;

async function apply(calls: CallStore, { callId, write }: StoreAction): Promise<void> {
  switch (write.op) {
    case 'createCall':
      return calls.createCall(write.call);
    case 'markAnswered':
      return calls.markAnswered(callId, write.at);
    case 'participantJoined':
      return calls.participantJoined(callId, write.userId, write.at);
    case 'participantLeft':
      return calls.participantLeft(callId, write.userId, write.at);
    case 'endCall':
      return calls.endCall(callId, write.end);
    case 'addStats':
      return calls.addStats(callId, write.stats);
  }
}

export class StoreWriter {
  private readonly chains = new Map<string, Promise<void>>();
  /** Writes that failed since start. */
  failures = 0;

  constructor(
    private readonly calls: CallStore,
    private readonly onFailure: StoreFailureHandler,
  ) {}

  write(action: StoreAction, originSocketId?: string): void {
    const previous = this.chains.get(action.callId) ?? Promise.resolve();
    const next = previous
      .then(() => apply(this.calls, action))
      .catch((error: unknown) => {
        this.failures += 1;
        this.onFailure(error, action, originSocketId);
      });
    this.chains.set(action.callId, next);
    void next.then(() => {
      if (this.chains.get(action.callId) === next) this.chains.delete(action.callId);
    });
  }

  /** Writes not yet settled, over all calls. */
  get pending(): number {
    return this.chains.size;
  }

  /** Resolves once every write issued so far has settled. */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }
}
