import type { Command } from 'commander';
import { Agent, loadAgentConfig, loadOrCreateIdentity, splitHostPort, startMonitorApi, loadNodeRtc } from '@peerlink/agent';
import { tuneHeapForStreaming } from '@peerlink/agent/wire';

/** `peerlink agent --config agent.json`: the device agent and its local monitoring API. */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the device agent: expose local services through the gateway tunnel (modes tunnel|p2p|hybrid)')
    .requiredOption('-c, --config <file>', 'agent.json (see packages/agent README)')
    .action(async (flags: { config: string }) => {
      const config = await loadAgentConfig(flags.config);
      // Bulk socket I/O: without this, V8 runs a full GC every ~100 ms (see heap-tuning.ts).
      tuneHeapForStreaming();
      const identity = await loadOrCreateIdentity(config.key_file);
      // p2p and hybrid modes accept WebRTC connections through node-datachannel.
      const rtc = config.agent.connection_mode === 'tunnel' ? undefined : await loadNodeRtc();
      const agent = new Agent({ config, identity, ...(rtc !== undefined ? { rtc } : {}) });
      agent.start();
      const { host, port } = splitHostPort(config.local_api);
      const api = await startMonitorApi(agent, host, port);
      process.stdout.write(`peerlink agent ${config.agent.agent_id} (${config.agent.connection_mode}), peer id ${identity.peerId}\n`);
      process.stdout.write(`local API http://${api.host}:${api.port}/p2p/status\n`);
      const stop = (): void => {
        void Promise.all([api.close(), agent.stop()]).then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
