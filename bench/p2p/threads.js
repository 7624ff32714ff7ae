// CPU time per thread of a process (Linux /proc), grouped by thread name, in
// ms: shows whether the main thread (JS) or libdatachannel's threads (SCTP,
// DTLS, ICE) carry a transfer.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ 100

/** `{ 'main': ms, '<thread name>': ms, … }` for `pid` (threads of one name summed). */
export function threadCpuMs(pid) {
  const out = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // thread ended
    }
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return out;
}

/** `after - before` per thread name, dropping zeros. */
export function threadDelta(before, after) {
  const out = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
