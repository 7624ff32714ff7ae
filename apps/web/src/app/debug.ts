/**
 * `window.__peerlink`: a read-mostly hook for end-to-end tests and support
 * sessions (browser console). It exposes what the UI already shows plus raw
 * `getStats()` summaries; it cannot act for the user beyond dropping the
 * signaling connection, which the network could do anyway.
 */
import type { CallClientSnapshot, MediaStatsSummary } from '@peerlink/sdk/calls';
import type { AppStore } from './store.js';

export interface PeerlinkDebugHook {
  /** Per remote user id: frames decoded, selected candidate types, RTT… */
  stats(): Promise<Record<string, MediaStatsSummary>>;
  /** The call client's current snapshot (phase, participants, badge), or null when signed out. */
  snapshot(): CallClientSnapshot | null;
  /** Closes the signaling transport; Socket.IO reconnects by itself. */
  dropSignaling(): void;
}

declare global {
  interface Window {
    __peerlink?: PeerlinkDebugHook;
  }
}

export function installDebugHook(store: AppStore): void {
  window.__peerlink = {
    stats: async () => (await store.calls?.debugStats()) ?? {},
    snapshot: () => store.calls?.getSnapshot() ?? null,
    dropSignaling: () => store.calls?.debugDropSignaling(),
  };
}
