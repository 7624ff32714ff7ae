/** Helpers of the TURN e2e tests: child processes, output lines, free ports. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';

/**
 * Runs a command and returns stdout + stderr: when it exits, after `timeoutMs`,
 * or as soon as the output matches `until` (the child is then killed).
 */
export function collect(command: string, args: readonly string[], timeoutMs: number, until?: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (d: Buffer): void => {
      output += d.toString();
      if (until?.test(output) === true) child.kill('SIGKILL');
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

/** The lines a child writes on stdout. */
export function lines(child: ChildProcess): AsyncIterator<string> {
  if (child.stdout === null) throw new Error('child has no stdout pipe');
  return createInterface({ input: child.stdout })[Symbol.asyncIterator]();
}

/** A UDP port that was free a moment ago (for tools that cannot take port 0). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
