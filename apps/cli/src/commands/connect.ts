import type { Command } from 'commander';
import { TunnelForwarder, type ForwardSpec } from '@peerlink/agent';

interface ConnectFlags {
  forward: string[];
  mode: string;
  gateway: string;
  token?: string;
  statsInterval: string;
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
    .option('--mode <mode>', 'tunnel | p2p | hybrid (p2p and hybrid need the WebRTC provider: not available yet)', 'tunnel')
    .requiredOption('--gateway <url>', 'gateway base URL, e.g. http://gw.example:8000')
    .option('--token <jwt>', 'access token (env PEERLINK_TOKEN)')
    .option('--stats-interval <ms>', 'print path and throughput this often', '5000')
    .action(async (deviceId: string, flags: ConnectFlags) => {
      if (flags.mode !== 'tunnel') throw new Error(`--mode ${flags.mode}: only "tunnel" is available in this build (p2p/hybrid need the WebRTC provider)`);
      const token = flags.token ?? process.env.PEERLINK_TOKEN;
      if (token === undefined || token === '') throw new Error('--token (or PEERLINK_TOKEN) is required');
      if (flags.forward.length === 0) throw new Error('give at least one --forward <localPort>:<service>');
      const out = (line: string): boolean => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
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
