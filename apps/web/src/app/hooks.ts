import { useEffect, useState, useSyncExternalStore } from 'react';
import type { CallClient, CallClientSnapshot } from '@peerlink/sdk/calls';
import type { AppState, AppStore } from './store.js';

export function useAppState(store: AppStore): AppState {
  return useSyncExternalStore(store.subscribe, store.getState);
}

export function useCall(client: CallClient): CallClientSnapshot {
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}

/** `Date.now()`, refreshed every `everyMs` while mounted (for elapsed-time displays). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
