import type { Command } from 'commander';
import { tuneHeapForStreaming } from '@peerlink/agent/wire';

interface ServeFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  turn: boolean;
  turnPort?: string;
  turnRelayPorts?: string;
  ringTimeout?: string;
}

/** `peerlink serve`: the gateway with its embedded defaults. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the gateway: HTTP API, Socket.IO signaling, STUN/TURN and the web app')
    .option('-p, --port <port>', 'HTTP/Socket.IO port (env PEERLINK_PORT, default 8000)')
    .option('--host <address>', 'address to bind (env PEERLINK_HOST, default 0.0.0.0)')
    .option('-d, --data-dir <dir>', 'SQLite file and generated secrets (env PEERLINK_DATA_DIR, default ./data)')
    .option('--no-turn', 'do not run the embedded STUN/TURN server')
    .option('--turn-port <port>', 'STUN/TURN UDP+TCP port (env PEERLINK_TURN_PORT, default 3478)')
    .option('--turn-relay-ports <min-max>', 'TURN relay port range (env PEERLINK_TURN_RELAY_PORTS, default 49152-65535)')
    .option('--ring-timeout <ms>', 'unanswered calls become missed after this (env PEERLINK_RING_TIMEOUT_MS, default 30000)')
    .action(async (flags: ServeFlags) => {
      // The tunnel relay moves bulk bytes: without this, V8 can run a full GC every ~100 ms (see heap-tuning.ts).
      tuneHeapForStreaming();
      // Loaded here, not at the top: every other command (agent, connect) would otherwise carry the gateway's
      // modules in its heap (about 12 MB of old generation that each full GC marks again).
      const { createGateway, loadGatewayConfig } = await import('@peerlink/gateway');
      const config = loadGatewayConfig({
        env: process.env,
        flags: {
          port: flags.port,
          host: flags.host,
          dataDir: flags.dataDir,
          turnEnabled: flags.turn,
          turnPort: flags.turnPort,
          turnRelayPorts: flags.turnRelayPorts,
          ringTimeoutMs: flags.ringTimeout,
        },
      });
      const gateway = await createGateway(config);
      const { host, port } = await gateway.listen();
      gateway.app.log.info(`peerlink gateway listening on http://${host}:${port}`);
      let signals = 0;
      const stop = (signal: NodeJS.Signals): void => {
        signals += 1;
        if (signals > 1) {
          gateway.app.log.warn(`${signal} again: exiting immediately`);
          process.exit(1);
        }
        gateway
          .close(signal)
          .then(() => process.exit(0))
          .catch((err: unknown) => {
            gateway.app.log.error({ err }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
