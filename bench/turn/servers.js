// Starting and measuring the two servers of the TURN benchmark: ours (a Node
// child process) and coturn's `turnserver`, each on its own ports.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** utime + stime of a process in microseconds (/proc/<pid>/stat fields 14 and 15). */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size in KiB (/proc/<pid>/status VmRSS). */
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

async function freeUdpPort() {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Resolves once a STUN Binding request on `port` gets any answer. */
async function waitForStun(port, timeoutMs = 10_000) {
  const s = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  const deadline = Date.now() + timeoutMs;
  let timer;
  try {
    await new Promise((resolve, reject) => {
      s.once('message', resolve);
      const tick = () => {
        if (Date.now() > deadline) return reject(new Error(`no STUN answer on port ${port}`));
        s.send(request, port, '127.0.0.1');
        timer = setTimeout(tick, 100);
      };
      tick();
    });
  } finally {
    clearTimeout(timer);
    s.close();
  }
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Our server in its own process. `nodeArgs` e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
export async function startPeerlink({ secret, realm, minPort, maxPort, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, join(here, 'peerlink-server.js'), secret, realm, String(minPort), String(maxPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`peerlink-server exited with ${code}`)));
  });
  await waitForStun(port);
  return { name: 'peerlink', pid: child.pid, port, stop: () => stopChild(child) };
}

/** coturn's turnserver with the same secret and realm, on its own ports, no config file. */
export async function startCoturn({ secret, realm, minPort, maxPort }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-coturn-'));
  const port = await freeUdpPort();
  const args = ['-c', '/dev/null', '--use-auth-secret', '--static-auth-secret', secret, '--realm', realm, '--allow-loopback-peers', '--no-cli',
    '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1', '-p', String(port), '--min-port', String(minPort), '--max-port', String(maxPort),
    '--no-tls', '--no-dtls', '--no-tcp', '--pidfile', join(dir, 'turn.pid'), '--db', join(dir, 'turndb'), '--log-file', join(dir, 'turn.log'),
    '--total-quota', '0', '--user-quota', '0'];
  const child = spawn('turnserver', args, { stdio: 'ignore' });
  await waitForStun(port);
  return {
    name: 'coturn',
    pid: child.pid,
    port,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
