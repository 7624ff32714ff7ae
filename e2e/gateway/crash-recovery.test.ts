/**
 * Issue 2: killing the gateway with SIGKILL during a call and starting it again
 * loses no finished call record, and the interrupted call ends up `failed`
 * instead of `active` forever. Runs the built `peerlink` binary (npm test
 * builds first) on a real SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { signalingSamples } from '@peerlink/protocol';
import { api, connect, createChat, emitAck, once, register, type Account } from './support.js';

const BIN = join(import.meta.dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const children: ChildProcess[] = [];
let dataDir = '';

async function startBinary(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-turn', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PEERLINK_LOG_LEVEL: 'info' },
  });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /peerlink gateway listening on http:\/\/[^:]+:(\d+)/.exec(line);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited early with ${code}`)));
  });
  return { child, url };
}

interface CallView {
  id: string;
  status: string;
  reason: string | null;
  durationSeconds: number | null;
  endedAt: string | null;
}

async function callsOf(url: string, who: Account, chatId: string): Promise<CallView[]> {
  return (await api<{ calls: CallView[] }>(url, `/api/calls?chatId=${chatId}`, { token: who.token })).calls;
}

/** Polls history until `predicate` holds (store writes follow the events). */
async function waitForHistory(url: string, who: Account, chatId: string, predicate: (calls: CallView[]) => boolean): Promise<CallView[]> {
  for (let i = 0; i < 100; i++) {
    const calls = await callsOf(url, who, chatId);
    if (predicate(calls)) return calls;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('history never reached the expected state');
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('gateway crash during a call', () => {
  it('keeps finished calls and marks the interrupted one failed after SIGKILL and restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'peerlink-crash-'));
    const first = await startBinary(dataDir);
    const alice = await register(first.url, 'alice_crash');
    const bob = await register(first.url, 'bob_crash');
    const chatId = await createChat(first.url, alice, ['bob_crash']);
    const [sa, sb] = [await connect(first.url, alice), await connect(first.url, bob)];
    const offer = { type: 'offer', sdp: signalingSamples.CHROMIUM_OFFER };
    const answer = { type: 'answer', sdp: signalingSamples.CHROMIUM_ANSWER };

    // A call that finishes before the crash.
    const rang1 = once(sb, 'call:offer');
    const { callId: finished } = await emitAck(sa, 'call:initiate', { chatId, offer });
    await rang1;
    await emitAck(sb, 'call:answer', { chatId, answer });
    await emitAck(sa, 'call:end', { chatId });
    await waitForHistory(first.url, alice, chatId, (c) => c.some((x) => x.id === finished && x.status === 'completed'));

    // A call in progress when the gateway dies.
    const rang2 = once(sb, 'call:offer');
    const { callId: interrupted } = await emitAck(sa, 'call:initiate', { chatId, offer });
    await rang2;
    await emitAck(sb, 'call:answer', { chatId, answer });
    await waitForHistory(first.url, alice, chatId, (c) => c.some((x) => x.id === interrupted && x.status === 'active'));

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    sa.close();
    sb.close();

    const second = await startBinary(dataDir);
    const calls = await callsOf(second.url, bob, chatId);
    expect(calls.map((c) => c.id).sort()).toEqual([finished, interrupted].sort());
    expect(calls.find((c) => c.id === finished)).toMatchObject({ status: 'completed', reason: 'hangup' });
    const failed = calls.find((c) => c.id === interrupted)!;
    expect(failed).toMatchObject({ status: 'failed', reason: 'gateway-restart' });
    expect(failed.endedAt).not.toBeNull();

    // Graceful shutdown tells connected clients before the process exits 0.
    const listener = await connect(second.url, bob);
    const told = once<{ reason: string }>(listener, 'server:shutdown');
    second.child.kill('SIGTERM');
    expect((await told).reason).toBe('shutdown');
    const code = await new Promise((r) => second.child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    listener.close();
  });
});
