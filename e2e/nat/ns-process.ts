/**
 * A long-running process inside a testbed namespace whose output lines are
 * kept with their arrival time, so a test can wait for a line, read a value
 * from it and tell when it came. Every process is tracked and can be
 * SIGKILLed in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface NsLine {
  readonly text: string;
  /** `Date.now()` when the line arrived. */
  readonly at: number;
}

export interface NsProcess {
  readonly child: ChildProcess;
  readonly lines: NsLine[];
  /** The first line (past or future) matching `pattern`; rejects after `timeoutMs` or when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<{ match: RegExpExecArray; line: NsLine }>;
  /** SIGKILL (or `signal`), resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** All output so far, for failure messages. */
  output(): string;
}

const running = new Set<ChildProcess>();

/** Starts `argv` in namespace `ns` (`ip netns exec` execs it: the child pid is the program's). */
export function nsProcess(ns: string, argv: readonly string[], label: string): NsProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  void exited.then(() => running.delete(child));
  const lines: NsLine[] = [];
  const waiters = new Set<(line: NsLine) => void>();
  const onLine = (text: string): void => {
    const line = { text, at: Date.now() };
    lines.push(line);
    for (const w of waiters) w(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const output = (): string => lines.map((l) => `  ${label}: ${l.text}`).join('\n');
  return {
    child,
    lines,
    output,
    waitFor(pattern, timeoutMs) {
      for (const line of lines) {
        const match = pattern.exec(line.text);
        if (match) return Promise.resolve({ match, line });
      }
      return new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
          child.off('close', onClose);
        };
        const waiter = (line: NsLine): void => {
          const match = pattern.exec(line.text);
          if (match === null) return;
          done();
          resolve({ match, line });
        };
        const onClose = (code: number | null): void => {
          done();
          reject(new Error(`${label} exited (${code}) before ${pattern}\n${output()}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${label}: no ${pattern} within ${timeoutMs} ms\n${output()}`));
        }, timeoutMs);
        waiters.add(waiter);
        child.once('close', onClose);
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** SIGKILLs every tracked process still running. */
export async function killAllNsProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
