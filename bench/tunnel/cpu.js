// CPU time of processes from /proc/<pid>/stat (Linux): user + system of the
// process and of its reaped children (socat forks one child per connection),
// in milliseconds. On a loaded machine wall-clock MB/s swings with the
// neighbours; CPU per byte does not, so the report carries both.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime is field 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Resolves once `pid` has no live children (socat's per-connection child was reaped), at most `timeoutMs`. */
export async function childrenReaped(pid, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() === '') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
