import type { Command } from 'commander';

interface DeviceFlags {
  gateway: string;
  token?: string;
  username?: string;
  password?: string;
  service: string[];
  name?: string;
}

async function call(url: string, path: string, init: { token?: string; body?: unknown }): Promise<unknown> {
  const res = await fetch(new URL(path, url), {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body: unknown = await res.json();
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error;
    throw new Error(`${path}: HTTP ${res.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim());
  }
  return body;
}

async function tokenFor(flags: DeviceFlags): Promise<string> {
  const token = flags.token ?? process.env.PEERLINK_TOKEN;
  if (token !== undefined && token !== '') return token;
  if (flags.username === undefined || flags.password === undefined) throw new Error('give --token (or PEERLINK_TOKEN), or --username and --password');
  const body = (await call(flags.gateway, '/api/auth/login', { body: { username: flags.username, password: flags.password } })) as { token: string };
  return body.token;
}

/** `peerlink device add <id>`: registers a device and prints its one-time credential and an agent.json snippet. */
export function registerDevice(program: Command): void {
  const device = program.command('device').description('manage devices in the gateway registry');
  device
    .command('add <id>')
    .description('register a device; prints the one-time device credential')
    .requiredOption('--gateway <url>', 'gateway base URL')
    .option('--token <jwt>', 'access token (env PEERLINK_TOKEN)')
    .option('--username <name>', 'log in instead of --token')
    .option('--password <password>', 'password for --username')
    .option('--name <name>', 'display name')
    .option('-s, --service <name=target>', 'service to expose, e.g. rtsp=127.0.0.1:554 (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .action(async (id: string, flags: DeviceFlags) => {
      const services = flags.service.map((s) => {
        const [name, target] = s.split('=');
        if (name === undefined || name === '' || target === undefined) throw new Error(`--service must be name=host:port, got "${s}"`);
        return { name, target };
      });
      const token = await tokenFor(flags);
      const created = (await call(flags.gateway, '/api/devices', { token, body: { id, services: services.map((s) => s.name), ...(flags.name ? { name: flags.name } : {}) } })) as { credential: string };
      process.stdout.write(`device ${id} registered. Credential (shown once): ${created.credential}\n\nagent.json:\n`);
      const snippet = {
        agent: { agent_id: id, connection_mode: 'tunnel' },
        tunnel_server_url: flags.gateway,
        device_credential: created.credential,
        services: services.length > 0 ? services : [{ name: 'rtsp', target: '127.0.0.1:554' }],
        key_file: 'agent.key',
        local_api: '127.0.0.1:8080',
      };
      process.stdout.write(`${JSON.stringify(snippet, null, 2)}\n`);
    });
}
