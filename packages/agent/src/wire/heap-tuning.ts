/**
 * V8 heap tuning for the processes that pump bulk bytes between sockets
 * (`peerlink agent`, `peerlink connect`).
 *
 * Why: every socket read and every masked WebSocket send allocates a fresh
 * ArrayBuffer (64 KiB), and V8 (Node 20, V8 11.3) counts ArrayBuffer bytes
 * allocated since the last full GC against the old generation's headroom
 * (allocation limit − live size). Young buffers die young, but a scavenge
 * only frees them once 32 MB of them have piled up (or new space fills), and
 * their backing stores are swept concurrently after it. After a full GC the
 * limit is the live size times a growing factor that V8 picks from GC and
 * mutator speeds, often 1.6–2×: with the CLI's ~24 MB live old generation
 * that is 16–23 MB of headroom, less than the young-buffer pile, so V8 starts
 * incremental marking again right after each Mark-Compact: 50–250 full GCs
 * per GiB moved (one every ~100 ms, each marking the whole 24 MB heap on
 * V8's worker threads), 2–3× the relay CPU. The bare `ws` relay dodges this
 * only because its old generation stays below V8's 8 MB threshold for
 * incremental marking. Measured with `--trace-gc --trace-incremental-marking`
 * (see docs/BENCHMARKS.md, "Tunnel").
 *
 * Fix: let the old generation grow to 4× its live size before the next full
 * GC (V8's own maximum growing factor), which keeps the headroom well above
 * the young-buffer pile. Live memory is unchanged; old-generation garbage may
 * reach 3× the live heap (tens of MB for these processes) before it is
 * collected. `--heap-growing-percent` is read each time V8 recomputes its
 * limits, so setting it at startup takes effect from the first full GC on.
 */
import { setFlagsFromString } from 'node:v8';

/** Old-generation growth allowed after a full GC, in percent of the live size (300: limit = 4× live). */
export const STREAMING_HEAP_GROWING_PERCENT = 300;

const FLAG = '--heap-growing-percent';

/**
 * Applies {@link STREAMING_HEAP_GROWING_PERCENT} to this process unless the
 * user already chose a growing factor (`node --heap-growing-percent=…` or in
 * `NODE_OPTIONS`). Returns whether it changed the setting. Idempotent.
 */
export function tuneHeapForStreaming(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): boolean {
  const userChose = execArgv.some((arg) => arg.startsWith(FLAG)) || nodeOptions.includes(FLAG);
  if (userChose) return false;
  setFlagsFromString(`${FLAG}=${STREAMING_HEAP_GROWING_PERCENT}`);
  return true;
}
