/**
 * A deterministic driver for the call core: fake clock, in-memory timers,
 * recorded deliveries per socket and recorded store writes. Used by the core's
 * unit tests; also handy for simulators.
 */
import type { ClientToServerPayloads, ServerEventName, ServerToClientPayloads } from '@peerlink/protocol';
import type { Chat } from '../model.js';
import { type CallAction, type Outcome, type StoreAction, type TimerKey, timerId } from './actions.js';
import { type CallInput, CallManager } from './call-manager.js';
import type { CallOptions } from './options.js';

export interface Delivery {
  readonly event: ServerEventName;
  readonly payload: unknown;
}

export class CallHarness {
  now = 1_700_000_000_000;
  readonly manager: CallManager;
  readonly chats = new Map<string, Chat>();
  readonly writes: StoreAction[] = [];
  private readonly timers = new Map<string, { key: TimerKey; at: number }>();
  private readonly sockets = new Map<string, string>(); // socketId → userId
  private readonly inbox = new Map<string, Delivery[]>();
  private nextId = 0;

  constructor(options: Partial<CallOptions> = {}) {
    this.manager = new CallManager({ now: () => this.now, newId: () => `call-${++this.nextId}`, options });
  }

  chat(id: string, members: string[]): Chat {
    const chat: Chat = { id, title: null, members, createdBy: members[0] ?? '', createdAt: this.now };
    this.chats.set(id, chat);
    return chat;
  }

  connect(userId: string, socketId: string, recovered = false): Outcome {
    this.sockets.set(socketId, userId);
    return this.apply(this.manager.userConnected(userId, socketId, recovered));
  }

  disconnect(socketId: string): Outcome {
    this.sockets.delete(socketId);
    return this.apply(this.manager.socketDisconnected(socketId));
  }

  /** Sends a (validated) client event from a socket. */
  send<K extends keyof ClientToServerPayloads>(socketId: string, event: K, payload: ClientToServerPayloads[K]): Outcome {
    const userId = this.sockets.get(socketId);
    if (userId === undefined) throw new Error(`unknown socket ${socketId}`);
    const input = (
      event === 'call:initiate'
        ? { event, payload, chat: this.chats.get((payload as ClientToServerPayloads['call:initiate']).chatId) }
        : { event, payload }
    ) as CallInput;
    return this.apply(this.manager.handle({ socketId, userId }, input));
  }

  /** Moves the clock, firing due timers in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      const key = due[1].key;
      this.apply(key.kind === 'ring' ? this.manager.ringTimeout(key.callId) : this.manager.graceExpired(key.userId));
    }
    this.now = until;
  }

  shutdown(): Outcome {
    return this.apply(this.manager.shutdown());
  }

  hasTimer(key: TimerKey): boolean {
    return this.timers.has(timerId(key));
  }

  /** Takes (and clears) what a socket received so far. */
  take(socketId: string): Delivery[] {
    const list = this.inbox.get(socketId) ?? [];
    this.inbox.set(socketId, []);
    return list;
  }

  /** Takes what a socket received and returns the payloads of one event. */
  takeEvent<K extends ServerEventName>(socketId: string, event: K): ServerToClientPayloads[K][] {
    return this.take(socketId)
      .filter((d) => d.event === event)
      .map((d) => d.payload as ServerToClientPayloads[K]);
  }

  /** Store writes of one call, as `op` names. */
  ops(callId: string): string[] {
    return this.writes.filter((w) => w.callId === callId).map((w) => w.write.op);
  }

  private apply(outcome: Outcome): Outcome {
    for (const action of outcome.actions) this.perform(action);
    return outcome;
  }

  private perform(action: CallAction): void {
    switch (action.type) {
      case 'emit': {
        const to = action.to;
        const targets =
          to.kind === 'socket'
            ? [to.socketId]
            : [...this.sockets].filter(([s, u]) => to.userIds.includes(u) && s !== to.exceptSocketId).map(([s]) => s);
        for (const socketId of targets) {
          if (!this.sockets.has(socketId)) continue;
          const list = this.inbox.get(socketId) ?? [];
          list.push({ event: action.event, payload: action.payload });
          this.inbox.set(socketId, list);
        }
        return;
      }
      case 'store':
        this.writes.push(action);
        return;
      case 'schedule':
        this.timers.set(timerId(action.timer), { key: action.timer, at: this.now + action.delayMs });
        return;
      case 'cancel':
        this.timers.delete(timerId(action.timer));
        return;
    }
  }
}
