/**
 * Periodic `getStats()` sampling during a call: refreshes badges every
 * `intervalMs` and reports a `call:stats` payload every `reportIntervalMs`
 * (and once right after media connects).
 */
import type { Timers } from './peer-session.js';
import type { CandidateType, MediaStatsSummary } from './stats.js';

/** The `call:stats` fields (without `callId`). */
export interface StatsReport {
  readonly localCandidateType: CandidateType | null;
  readonly remoteCandidateType: CandidateType | null;
  readonly rttMs: number | null;
  readonly packetsLost: number | null;
  readonly bytesSent: number | null;
  readonly bytesReceived: number | null;
}

export interface StatsReporterOptions {
  readonly intervalMs: number;
  readonly reportIntervalMs: number;
  readonly timers: Timers | undefined;
  /** Samples all peers (and refreshes their badges as a side effect). */
  readonly sample: () => Promise<ReadonlyMap<string, MediaStatsSummary>>;
  readonly report: (report: StatsReport) => void;
}

/**
 * The report for a call: the first peer with a selected pair (in a mesh every
 * pair is reported by its two ends, so one per sender is representative),
 * byte counters summed over all peers.
 */
export function toReport(summaries: ReadonlyMap<string, MediaStatsSummary>): StatsReport | null {
  const all = [...summaries.values()];
  const main = all.find((s) => s.localCandidateType !== null) ?? all[0];
  if (main === undefined) return null;
  const sum = (pick: (s: MediaStatsSummary) => number | null): number | null =>
    all.reduce<number | null>((total, s) => (pick(s) === null ? total : (total ?? 0) + (pick(s) ?? 0)), null);
  return {
    localCandidateType: main.localCandidateType,
    remoteCandidateType: main.remoteCandidateType,
    rttMs: main.rttMs,
    packetsLost: sum((s) => (s.packetsLost === null ? null : Math.max(0, s.packetsLost))),
    bytesSent: sum((s) => s.bytesSent),
    bytesReceived: sum((s) => s.bytesReceived),
  };
}

export class StatsReporter {
  private timer: unknown = null;
  private running = false;
  private sinceReportMs = 0;
  private reportNext = false;

  constructor(private readonly options: StatsReporterOptions) {}

  private get timers(): Timers {
    return (
      this.options.timers ?? {
        setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
        clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
      }
    );
  }

  /** Starts sampling (idempotent); `reportNow` sends a report after the first sample. */
  start(reportNow: boolean): void {
    this.reportNext ||= reportNow;
    if (this.running) return;
    this.running = true;
    this.sinceReportMs = 0;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    this.sinceReportMs += this.options.intervalMs;
    try {
      const report = toReport(await this.options.sample());
      if (!this.running) return;
      if (report !== null && (this.reportNext || this.sinceReportMs >= this.options.reportIntervalMs)) {
        this.options.report(report);
        this.reportNext = false;
        this.sinceReportMs = 0;
      }
    } catch {
      // A peer closed mid-sample; the next tick samples the rest.
    }
    if (this.running) this.schedule(this.options.intervalMs);
  }
}
