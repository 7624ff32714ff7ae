import type { Command } from 'commander';
import { formatDoctorReport, runDoctor, type HostPort } from '@peerlink/sdk/doctor';

interface DoctorFlags {
  gateway: string;
  stun?: string;
  token?: string;
  json?: boolean;
  timeout?: string;
}

/** `host:port[,host:port]` (IPv6 in brackets) to STUN server addresses. */
export function parseStunList(text: string): HostPort[] {
  return text.split(',').map((item) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(item.trim());
    const port = m === null ? NaN : Number(m[2]);
    if (m === null || port < 1 || port > 65535) throw new Error(`--stun: "${item}" is not host:port`);
    return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  });
}

/**
 * `peerlink doctor`: public mapped address, NAT mapping behaviour, TURN over
 * UDP/TCP, gateway tunnel reachability and the likely path. Exit code 0 when
 * some path is available, 1 when none is.
 */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('diagnose connectivity to a gateway: NAT mapping, TURN, tunnel, likely path')
    .requiredOption('-g, --gateway <url>', 'gateway base URL, e.g. http://gw.example:8000')
    .option('--stun <host:port,...>', 'STUN servers to compare (default: from /api/ice-servers with --token, else <gateway host>:3478)')
    .option('--token <token>', 'session token (env PEERLINK_TOKEN): fetch TURN credentials and test a real Allocate')
    .option('--json', 'print the report as JSON')
    .option('--timeout <ms>', 'timeout of each probe in ms (default 2000)')
    .action(async (flags: DoctorFlags) => {
      const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout);
      if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) {
        throw new Error('--timeout must be an integer between 100 and 60000 ms');
      }
      const report = await runDoctor({
        gateway: flags.gateway,
        stun: flags.stun === undefined ? undefined : parseStunList(flags.stun),
        token: flags.token ?? process.env.PEERLINK_TOKEN,
        timeoutMs,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
      process.exitCode = report.path === 'none' ? 1 : 0;
    });
}
