#!/usr/bin/env node
/**
 * The `peerlink` binary: the composition root. Each subcommand lives in
 * `src/commands/` and only parses flags, loads configuration and starts things.
 */
import { Command } from 'commander';
import { registerAgent } from './commands/agent.js';
import { registerConnect } from './commands/connect.js';
import { registerDevice } from './commands/device.js';
import { registerDoctor } from './commands/doctor.js';
import { registerServe } from './commands/serve.js';
import { registerTurn } from './commands/turn.js';

const program = new Command()
  .name('peerlink')
  .description('P2P connectivity: signaling gateway, STUN/TURN, tunnel relay, device agent')
  .version('0.1.0')
  .showHelpAfterError();

registerServe(program);
registerTurn(program);
registerAgent(program);
registerConnect(program);
registerDevice(program);
registerDoctor(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`peerlink: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
