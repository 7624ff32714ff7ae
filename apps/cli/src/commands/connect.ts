import type { Command } from 'commander';
import { HybridForwarder, loadNodeRtc, TunnelForwarder, type ForwardSpec } from '@peerlink/agent';
import { tuneHeapForStreaming } from '@peerlink/agent/wire';
import { iceServersFromGateway, isPeerId, type PeerId } from '@peerlink/sdk';

interface ConnectFlags {
  forward: string[];
  mode: string;
  gateway: string;
  token?: string;
  statsInterval: string;
  iceTimeout: string;
  p2pRetry: string;
}

/** The device's peer id from `GET /api/devices/:id` (bound when its agent first proved its key). */
async function devicePeerId(gateway: string, token: string, deviceId: string): Promise<PeerId> {
  const res = await fetch(new URL(`/api/devices/${encodeURIComponent(deviceId)}`, gateway), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api/devices/${deviceId}: HTTP ${res.status}`);
  const body = (await res.json()) as { peerId?: unknown };
  if (typeof body.peerId !== 'string' || !isPeerId(body.peerId)) throw new Error(`device ${deviceId} has no peer id yet (its agent has not proved its key)`);
  return body.peerId;
}

/** `--mode p2p|hybrid`: WebRTC to the device's peer id; hybrid falls back to the tunnel and forward again. */
async function runP2p(deviceId: string, flags: ConnectFlags, token: string, mode: 'p2p' | 'hybrid', out: (line: string) => void): Promise<void> {
  const iceTimeoutS = Number(flags.iceTimeout);
  if (!(iceTimeoutS > 0 && iceTimeoutS <= 300)) throw new Error(`--ice-timeout must be seconds in (0, 300], got "${flags.iceTimeout}"`);
  const p2pRetryS = Number(flags.p2pRetry);
  if (!(p2pRetryS >= 0.1 && p2pRetryS <= 300)) throw new Error(`--p2p-retry must be seconds in [0.1, 300], got "${flags.p2pRetry}"`);
  const forwards = flags.forward.map(parseForward);
  const forwarder = new HybridForwarder({
    mode,
    gatewayUrl: flags.gateway,
    token,
    deviceId,
    peerId: await devicePeerId(flags.gateway, token, deviceId),
    forwards,
    rtc: await loadNodeRtc(),
    iceServers: iceServersFromGateway(flags.gateway, token),
    iceTimeoutMs: Math.round(iceTimeoutS * 1000),
    // Fall forward: an attempt starts at most this long after the previous one failed.
    retry: { initialMs: Math.min(1_000, Math.round(p2pRetryS * 1000)), maxMs: Math.round(p2pRetryS * 1000) },
    onEvent: (e) => {
      switch (e.type) {
        case 'path':
          out(`path ${e.path} (${e.reason})`);
          return;
        case 'stream-refused':
          out(`stream to ${e.service} refused: ${e.code} ${e.message}`);
          return;
        case 'stream-closed':
          out(`stream to ${e.service} over ${e.path} closed: ${e.bytesIn} B up, ${e.bytesOut} B down`);
          return;
      }
    },
  });
  const ports = await forwarder.start();
  ports.forEach((port, i) => out(`listening on 127.0.0.1:${port} → ${deviceId}/${forwards[i]?.service ?? '?'} (${mode})`));
  const stop = (): void => void forwarder.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Parses `localPort:service` (e.g. `8554:rtsp`). */
export function parseForward(value: string): ForwardSpec {
  const match = /^(\d{1,5}):([a-z0-9][a-z0-9._-]{0,63})$/.exec(value);
  const port = Number(match?.[1]);
  if (match?.[2] === undefined || port > 65_535) throw new Error(`--forward must be <localPort>:<service>, e.g. 8554:rtsp, got "${value}"`);
  return { localPort: port, service: match[2] };
}

/** `peerlink connect <deviceId> --forward 8554:rtsp --mode tunnel`: local ports forwarded to a device's services. */
export function registerConnect(program: Command): void {
  program
    .command('connect <deviceId>')
    .description('forward local TCP ports to services of a device (each connection is one stream)')
    .option('-f, --forward <port:service>', 'local port and service name, repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--mode <mode>', 'tunnel | p2p | hybrid (p2p, falling back to the tunnel and forward again)', 'tunnel')
    .option('--ice-timeout <seconds>', 'p2p/hybrid: how long to wait for p2p before the tunnel (hybrid) or giving up (p2p)', '10')
    .option('--p2p-retry <seconds>', 'hybrid: longest pause between p2p attempts while on the tunnel (bounds how late it moves back to p2p)', '30')
    .requiredOption('--gateway <url>', 'gateway base URL, e.g. http://gw.example:8000')
    .option('--token <jwt>', 'access token (env PEERLINK_TOKEN)')
    .option('--stats-interval <ms>', 'print path and throughput this often', '5000')
    .action(async (deviceId: string, flags: ConnectFlags) => {
      if (flags.mode !== 'tunnel' && flags.mode !== 'p2p' && flags.mode !== 'hybrid') throw new Error(`--mode must be tunnel, p2p or hybrid, got "${flags.mode}"`);
      const token = flags.token ?? process.env.PEERLINK_TOKEN;
      if (token === undefined || token === '') throw new Error('--token (or PEERLINK_TOKEN) is required');
      if (flags.forward.length === 0) throw new Error('give at least one --forward <localPort>:<service>');
      const out = (line: string): boolean => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      // Bulk socket I/O: without this, V8 runs a full GC every ~100 ms (see heap-tuning.ts).
      tuneHeapForStreaming();
      if (flags.mode !== 'tunnel') return runP2p(deviceId, flags, token, flags.mode, out);
      const forwarder = new TunnelForwarder({
        gatewayUrl: flags.gateway,
        token,
        deviceId,
        forwards: flags.forward.map(parseForward),
        onEvent: (e) => {
          switch (e.type) {
            case 'session-up':
              out(`path ${e.path} (${e.reason}), reconnects ${e.reconnects}`);
              return;
            case 'session-down':
              out(`tunnel down: ${e.reason}`);
              return;
            case 'stream-refused':
              out(`stream to ${e.service} refused: ${e.code} ${e.message}`);
              return;
            case 'stream-closed':
              out(`stream to ${e.service} closed: ${e.bytesIn} B up, ${e.bytesOut} B down`);
              return;
          }
        },
      });
      const ports = await forwarder.start();
      ports.forEach((port, i) => out(`listening on 127.0.0.1:${port} → ${deviceId}/${flags.forward.map(parseForward)[i]?.service ?? '?'}`));
      let last = forwarder.stats();
      const interval = Math.max(250, Number(flags.statsInterval) || 5000);
      const timer = setInterval(() => {
        const now = forwarder.stats();
        const rate = (b: number): string => `${((b * 8) / (interval / 1000) / 1e6).toFixed(2)} Mbit/s`;
        out(`path ${now.path ?? 'none'} ${now.connected ? 'up' : 'down'}, streams ${now.activeStreams}, up ${rate(now.bytesUp - last.bytesUp)}, down ${rate(now.bytesDown - last.bytesDown)}, reconnects ${now.reconnects}`);
        last = now;
      }, interval);
      const stop = (): void => {
        clearInterval(timer);
        void forwarder.stop().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
