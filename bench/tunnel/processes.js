// Child processes of the bench: the built `peerlink` CLI (serve, agent,
// connect), the service, the bare ws relay roles and socat. Every child is
// tracked and killed on exit.
import { fork, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, createServer } from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = join(here, '../../apps/cli/dist/main.js');
const children = new Set();
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export function killAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);

/** Spawns `cmd args`, resolves with the first stdout line `match` accepts (its result) and the child. */
export function start(cmd, args, match, { env = {}, timeoutMs = 15_000, label = cmd } = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = [];
  // BENCH_LOG_DIR keeps every child's full output (e.g. with BENCH_NODE_ARGS=--trace-gc).
  const log = process.env.BENCH_LOG_DIR ? createWriteStream(join(process.env.BENCH_LOG_DIR, `${label.replace(/\W+/g, '-')}-${child.pid}.log`)) : undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: not ready in ${timeoutMs} ms; output:\n${lines.join('\n')}`)), timeoutMs);
    const onLine = (line) => {
      log?.write(`${line}\n`);
      lines.push(line);
      if (lines.length > 50) lines.shift();
      const value = match(line);
      if (value !== undefined) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, value, stop: () => stop(child) });
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}; output:\n${lines.join('\n')}`));
    });
  });
}

export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

const jsonPort = (line) => {
  try {
    const v = JSON.parse(line);
    return typeof v.port === 'number' ? v.port : undefined;
  } catch {
    return undefined;
  }
};

export const node = (script, args, label) => start(process.execPath, [...nodeArgs, join(here, script), ...args], jsonPort, { label });

/** A free loopback TCP port (for socat, which cannot report an OS-chosen one). */
export async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

export async function startSocat(targetPort) {
  const port = await freePort();
  const child = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `TCP:127.0.0.1:${targetPort}`], { stdio: 'ignore' });
  children.add(child);
  // socat prints no ready line: poll until it accepts.
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    const ok = await new Promise((resolve) => {
      const c = connect({ port, host: '127.0.0.1' });
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return { port, pid: child.pid, stop: () => stop(child) };
    await new Promise((r) => setTimeout(r, 20));
  }
  await stop(child);
  throw new Error(`socat did not listen on ${port}`);
}

/**
 * A gateway (`peerlink serve`), a registered user, a device added with
 * `peerlink device add`, and its agent (`peerlink agent --config`) exposing
 * the service, and `peerlink connect` forwarders in tunnel mode and (with
 * `p2p`, the default; the agent then runs hybrid) in p2p mode.
 */
export async function startPeerlink(servicePort, { p2p: withP2p = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'peerlink-bench-'));
  const tunnelMin = 20_000 + Math.floor(Math.random() * 20_000);
  const gateway = await start(process.execPath, [...nodeArgs, CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--no-turn', '--data-dir', join(dir, 'data')], (l) => /listening on (http:\/\/[\d.]+:\d+)/.exec(l)?.[1], {
    env: { PEERLINK_TUNNEL_PORTS: `${tunnelMin}-${tunnelMin + 9}`, PEERLINK_JWT_SECRET: 'b'.repeat(48), PEERLINK_AUTH_RATE_MAX: '1000' },
    label: 'peerlink serve',
  });
  const url = gateway.value;
  const res = await fetch(`${url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-secret-pw' }) });
  const { token } = await res.json();
  const added = await start(process.execPath, [CLI, 'device', 'add', 'bench-cam', '--gateway', url, '--token', token, '-s', `bulk=127.0.0.1:${servicePort}`], (l) => /Credential \(shown once\): (\S+)/.exec(l)?.[1], { label: 'peerlink device add' });
  const config = {
    // hybrid: the tunnel stays up for the tunnel modes and the agent also answers p2p
    // (WebRTC, signaling through the gateway's /p2p; loopback host candidates, no STUN/TURN needed).
    agent: { agent_id: 'bench-cam', connection_mode: withP2p ? 'hybrid' : 'tunnel' },
    ...(withP2p ? { p2p: { enabled: true, registry_url: url } } : {}),
    tunnel_server_url: url,
    device_credential: added.value,
    services: [{ name: 'bulk', target: `127.0.0.1:${servicePort}` }],
    key_file: 'agent.key',
    local_api: '127.0.0.1:0',
  };
  await writeFile(join(dir, 'agent.json'), JSON.stringify(config));
  const agent = await start(process.execPath, [...nodeArgs, CLI, 'agent', '--config', join(dir, 'agent.json')], (l) => /local API (http:\/\/\S+)\/p2p\/status/.exec(l)?.[1], { label: 'peerlink agent' });
  // Wait until the agent's tunnel is online and the server port is known.
  let serverPort;
  for (let i = 0; i < 200 && serverPort === undefined; i++) {
    const device = await (await fetch(`${url}/api/devices/bench-cam`, { headers: { authorization: `Bearer ${token}` } })).json();
    if (device.status === 'online') serverPort = device.services.find((s) => s.name === 'bulk')?.serverPort ?? undefined;
    if (serverPort === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  if (serverPort === undefined) throw new Error('agent did not come online');
  // The server port listens once the session is up; give the bind a moment.
  await new Promise((r) => setTimeout(r, 100));
  const forwarder = await start(process.execPath, [...nodeArgs, CLI, 'connect', 'bench-cam', '--forward', '0:bulk', '--mode', 'tunnel', '--gateway', url, '--token', token, '--stats-interval', '600000'], (l) => /listening on 127\.0\.0\.1:(\d+)/.exec(l)?.[1], { label: 'peerlink connect' });
  const p2p = !withP2p ? undefined : await start(process.execPath, [...nodeArgs, CLI, 'connect', 'bench-cam', '--forward', '0:bulk', '--mode', 'p2p', '--gateway', url, '--token', token, '--stats-interval', '600000'], (l) => /listening on 127\.0\.0\.1:(\d+)/.exec(l)?.[1], { label: 'peerlink connect p2p' });
  return {
    serverPort,
    connectPort: Number(forwarder.value),
    p2pConnectPort: p2p === undefined ? undefined : Number(p2p.value),
    pids: { gateway: gateway.pid, agent: agent.pid, connect: forwarder.pid, p2pConnect: p2p?.pid },
    async stop() {
      await Promise.all([forwarder.stop(), p2p?.stop(), agent.stop()]);
      await gateway.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The bare node-datachannel relay (ndc-relay.js): `entry` and `far` forked with
 * IPC; this process passes each connection's signals between them.
 */
export async function startNdcRelay(servicePort) {
  const spawnRole = (args) => {
    const child = fork(join(here, 'ndc-relay.js'), args, { execArgv: nodeArgs, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const ready = new Promise((resolve, reject) => {
      child.on('message', (m) => m.type === 'ready' && resolve(m.port));
      child.once('exit', (code) => reject(new Error(`ndc-relay ${args[0]} exited with ${code}`)));
    });
    return { child, ready };
  };
  const entry = spawnRole(['entry']);
  const far = spawnRole(['far', String(servicePort)]);
  entry.child.on('message', (m) => m.type === 'signal' && far.child.send(m));
  far.child.on('message', (m) => m.type === 'signal' && entry.child.send(m));
  const [port] = await Promise.all([entry.ready, far.ready]);
  return { port, pids: [entry.child.pid, far.child.pid], stop: () => Promise.all([stop(entry.child), stop(far.child)]) };
}
