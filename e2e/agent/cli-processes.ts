/**
 * Real `peerlink` processes for the CLI end-to-end test: spawned from the
 * built binary (`apps/cli/dist/main.js`, built by `npm test`), each waiting
 * for its ready line with a short explicit timeout. Every child is tracked
 * so the test can SIGKILL whatever is left in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../apps/cli/dist/main.js');

export interface CliProcess {
  readonly child: ChildProcess;
  /** Every output line so far (stdout and stderr), for failure messages. */
  readonly lines: string[];
  /** Resolves with the exit code (null after a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Resolves with the first capture group of the first line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGKILL, resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Runs `peerlink <args>`. */
export function peerlink(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const onLine = (line: string): void => {
    lines.push(line);
    for (const w of waiters) w(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  return {
    child,
    lines,
    exited,
    waitFor(pattern, timeoutMs) {
      const seen = lines.map((l) => pattern.exec(l)).find((m) => m !== null);
      if (seen) return Promise.resolve(seen[1] ?? seen[0]);
      return new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
          child.off('exit', onExit);
        };
        const waiter = (line: string): void => {
          const m = pattern.exec(line);
          if (m === null) return;
          done();
          resolve(m[1] ?? m[0]);
        };
        const onExit = (code: number | null): void => {
          done();
          reject(new Error(`peerlink ${args[0] ?? ''} exited (${code}) before ${pattern}:\n${lines.join('\n')}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`peerlink ${args[0] ?? ''}: no ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`));
        }, timeoutMs);
        waiters.add(waiter);
        child.once('exit', onExit);
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** SIGKILLs every child still running (afterAll). */
export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** `count` consecutive loopback ports that are free right now (for `PEERLINK_TUNNEL_PORTS`). */
export async function freePortRange(count: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const min = 42_000 + Math.floor(Math.random() * 8_000);
    const ports = Array.from({ length: count }, (_, i) => min + i);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return { min, max: min + count - 1 };
  }
  throw new Error('no free port range found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
