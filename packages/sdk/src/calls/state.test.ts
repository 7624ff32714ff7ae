import { describe, expect, it } from 'vitest';
import { CALL_PHASES, elapsedSeconds, IDLE, isLive, transition, type CallEvent, type CallState } from './state.js';

const dial: CallEvent = { type: 'dial', chatId: 'c1', flow: 'direct', kind: 'video', at: 1_000 };
const ring: CallEvent = { type: 'ring', chatId: 'c1', callId: 'k1', callerId: 'u2', flow: 'room', kind: 'audio', at: 2_000 };

function run(events: CallEvent[], from: CallState = IDLE): CallState {
  return events.reduce(transition, from);
}

describe('call state machine', () => {
  it('walks an outgoing call through ringing, connecting, connected and ended', () => {
    const ringing = run([dial]);
    expect(ringing).toMatchObject({ phase: 'outgoing-ringing', chatId: 'c1', direction: 'outgoing', callId: null, startedAt: 1_000 });
    const acked = transition(ringing, { type: 'dial-acknowledged', callId: 'k9' });
    expect(acked.callId).toBe('k9');
    const connected = run([{ type: 'answered' }, { type: 'media-connected', at: 5_000 }], acked);
    expect(connected).toMatchObject({ phase: 'connected', connectedAt: 5_000 });
    const ended = transition(connected, { type: 'end', reason: 'hangup', at: 12_500 });
    expect(ended).toMatchObject({ phase: 'ended', endedAt: 12_500, end: { reason: 'hangup', detail: null } });
    expect(elapsedSeconds(ended, 99_999)).toBe(7);
    expect(transition(ended, { type: 'reset' })).toBe(IDLE);
  });

  it('walks an incoming call through accept, and keeps the first connect time across a reconnect', () => {
    const state = run([ring, { type: 'accept' }, { type: 'media-connected', at: 3_000 }, { type: 'media-interrupted' }]);
    expect(state).toMatchObject({ phase: 'reconnecting', direction: 'incoming', callerId: 'u2', flow: 'room', kind: 'audio' });
    const back = transition(state, { type: 'media-connected', at: 9_000 });
    expect(back).toMatchObject({ phase: 'connected', connectedAt: 3_000 });
  });

  it('ignores events that do not apply, returning the same object', () => {
    const ringing = run([dial]);
    for (const event of [ring, dial, { type: 'accept' }, { type: 'reset' }, { type: 'media-interrupted' }] as CallEvent[]) {
      expect(transition(ringing, event)).toBe(ringing);
    }
    expect(transition(IDLE, { type: 'end', reason: 'hangup', at: 1 })).toBe(IDLE);
    expect(transition(IDLE, { type: 'answered' })).toBe(IDLE);
    const incoming = run([ring]);
    expect(transition(incoming, { type: 'dial-acknowledged', callId: 'x' })).toBe(incoming);
    const acked = transition(ringing, { type: 'dial-acknowledged', callId: 'k1' });
    expect(transition(acked, { type: 'dial-acknowledged', callId: 'k2' })).toBe(acked);
  });

  it('can start a new call from an ended one, without leftovers', () => {
    const ended = run([dial, { type: 'end', reason: 'user-busy', detail: 'User busy', at: 1_500 }]);
    expect(ended.end).toEqual({ reason: 'user-busy', detail: 'User busy' });
    const next = transition(ended, ring);
    expect(next).toMatchObject({ phase: 'incoming-ringing', end: null, endedAt: null, connectedAt: null });
  });

  it('any event sequence keeps the state consistent', () => {
    const events: CallEvent[] = [
      dial,
      ring,
      { type: 'dial-acknowledged', callId: 'k' },
      { type: 'answered' },
      { type: 'accept' },
      { type: 'media-connected', at: 10 },
      { type: 'media-interrupted' },
      { type: 'end', reason: 'error', at: 20 },
      { type: 'reset' },
    ];
    let seed = 7;
    for (let trial = 0; trial < 500; trial++) {
      let state: CallState = IDLE;
      for (let step = 0; step < 12; step++) {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        state = transition(state, events[seed % events.length]!);
        expect(CALL_PHASES).toContain(state.phase);
        expect(state.phase === 'ended').toBe(state.end !== null);
        if (state.phase === 'connected' || state.phase === 'reconnecting') expect(state.connectedAt).not.toBeNull();
        if (isLive(state.phase)) expect(state.chatId).not.toBeNull();
      }
    }
  });

  it('counts no elapsed time before media connected', () => {
    expect(elapsedSeconds(run([dial]), 50_000)).toBe(0);
  });
});
