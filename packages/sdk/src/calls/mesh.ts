/// <reference lib="dom" />
/**
 * The peer connections of one call: one {@link PeerSession} per remote
 * participant (a full mesh), the signals that arrived before a session
 * existed, each participant's stream, media flags, link state and badge, and
 * the periodic `getStats()` sampling.
 */
import { PeerSession, type PeerLinkState, type PeerSignal, type Timers } from './peer-session.js';
import { badgeOf, combineBadges, summarizeStats, UNKNOWN_BADGE, type ConnectionBadge, type MediaStatsSummary } from './stats.js';

/** Signals kept per not-yet-created session; older ones are dropped past this. */
export const MAX_PENDING_SIGNALS = 256;

export interface RemoteParticipant {
  readonly userId: string;
  readonly stream: MediaStream | null;
  readonly audioEnabled: boolean;
  readonly videoEnabled: boolean;
  readonly link: PeerLinkState;
  readonly badge: ConnectionBadge;
}

/** How the mesh as a whole is doing. */
export type MeshLink = 'none' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface MeshOptions {
  readonly selfId: string;
  readonly iceServers: readonly RTCIceServer[];
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly disconnectedRestartMs?: number;
  readonly maxIceRestarts?: number;
  readonly timers?: Timers;
}

export interface MeshEvents {
  signal(to: string, signal: PeerSignal): void;
  /** Something visible changed (participants, streams, links, badges). */
  changed(): void;
}

interface Entry {
  session: PeerSession | null;
  pending: PeerSignal[];
  participant: RemoteParticipant;
  summary: MediaStatsSummary | null;
}

export class Mesh {
  private readonly entries = new Map<string, Entry>();
  private localStream: MediaStream | null = null;
  private closed = false;

  constructor(
    private readonly options: MeshOptions,
    private readonly events: MeshEvents,
  ) {}

  setLocalStream(stream: MediaStream | null): void {
    this.localStream = stream;
  }

  get participants(): readonly RemoteParticipant[] {
    return [...this.entries.values()].map((e) => e.participant);
  }

  has(userId: string): boolean {
    return this.entries.has(userId);
  }

  hasSession(userId: string): boolean {
    return this.entries.get(userId)?.session != null;
  }

  /** Registers a participant without connecting yet (e.g. ringing, or waiting for its offer). */
  add(userId: string): void {
    if (this.closed || userId === this.options.selfId || this.entries.has(userId)) return;
    this.entries.set(userId, {
      session: null,
      pending: [],
      summary: null,
      participant: { userId, stream: null, audioEnabled: true, videoEnabled: true, link: 'connecting', badge: UNKNOWN_BADGE },
    });
    this.events.changed();
  }

  /** Creates the peer connection to `userId` (adding the local tracks) and replays queued signals. */
  connect(userId: string): void {
    if (this.closed || userId === this.options.selfId) return;
    this.add(userId);
    const entry = this.entries.get(userId);
    if (entry === undefined || entry.session !== null) return;
    const session = new PeerSession(
      {
        iceServers: this.options.iceServers,
        iceTransportPolicy: this.options.iceTransportPolicy,
        polite: this.options.selfId < userId,
        ...(this.options.disconnectedRestartMs === undefined ? {} : { disconnectedRestartMs: this.options.disconnectedRestartMs }),
        ...(this.options.maxIceRestarts === undefined ? {} : { maxIceRestarts: this.options.maxIceRestarts }),
      },
      {
        signal: (signal) => this.events.signal(userId, signal),
        remoteStream: (stream) => this.update(userId, { stream }),
        state: (link) => this.update(userId, { link }),
      },
      this.localStream,
      this.options.timers,
    );
    entry.session = session;
    for (const signal of entry.pending.splice(0)) void session.receive(signal);
  }

  /** Delivers a signal from `userId`; queued until the session exists. */
  receive(userId: string, signal: PeerSignal): void {
    if (this.closed || userId === this.options.selfId) return;
    this.add(userId);
    const entry = this.entries.get(userId);
    if (entry === undefined) return;
    if (entry.session !== null) {
      void entry.session.receive(signal);
      return;
    }
    entry.pending.push(signal);
    if (entry.pending.length > MAX_PENDING_SIGNALS) entry.pending.shift();
  }

  setMediaFlag(userId: string, kind: 'audio' | 'video', enabled: boolean): void {
    if (!this.entries.has(userId)) return;
    this.update(userId, kind === 'audio' ? { audioEnabled: enabled } : { videoEnabled: enabled });
  }

  remove(userId: string): void {
    const entry = this.entries.get(userId);
    if (entry === undefined) return;
    entry.session?.close();
    this.entries.delete(userId);
    this.events.changed();
  }

  restartIce(): void {
    for (const entry of this.entries.values()) entry.session?.restartIce();
  }

  /** The whole mesh: connected if any peer is, reconnecting if all live peers are, failed if all failed. */
  get link(): MeshLink {
    const links = [...this.entries.values()]
      .filter((e) => e.session !== null && e.participant.link !== 'closed')
      .map((e) => e.participant.link);
    if (links.length === 0) return 'none';
    if (links.includes('connected')) return 'connected';
    if (links.every((l) => l === 'failed')) return 'failed';
    if (links.includes('reconnecting')) return 'reconnecting';
    return 'connecting';
  }

  get badge(): ConnectionBadge {
    return combineBadges([...this.entries.values()].filter((e) => e.summary !== null).map((e) => e.participant.badge));
  }

  /** Samples `getStats()` of every session, updates badges, and returns the summaries by user id. */
  async sampleStats(): Promise<Map<string, MediaStatsSummary>> {
    const result = new Map<string, MediaStatsSummary>();
    await Promise.all(
      [...this.entries.entries()].map(async ([userId, entry]) => {
        if (entry.session === null || entry.session.state === 'closed') return;
        const report = await entry.session.pc.getStats();
        const entries: Record<string, unknown>[] = [];
        report.forEach((entry: Record<string, unknown>) => entries.push(entry));
        const summary = summarizeStats(entries);
        entry.summary = summary;
        result.set(userId, summary);
        const badge = badgeOf(summary);
        const old = entry.participant.badge;
        if (old.path !== badge.path || old.quality !== badge.quality || old.rttMs !== badge.rttMs) {
          this.update(userId, { badge });
        }
      }),
    );
    return result;
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) entry.session?.close();
    this.entries.clear();
  }

  private update(userId: string, patch: Partial<RemoteParticipant>): void {
    const entry = this.entries.get(userId);
    if (entry === undefined || this.closed) return;
    entry.participant = { ...entry.participant, ...patch };
    this.events.changed();
  }
}
