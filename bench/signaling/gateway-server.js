// The peerlink gateway as a benchmark target: a fresh data dir, BENCH_USERS
// seeded users (inserted directly, tokens minted with the gateway's own
// TokenService), chats for the echo pairs, and a per-socket rate limit high
// enough for the offered load (the limiter still runs on every message).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, loadGatewayConfig, TokenService } from '@peerlink/gateway';

const users = Number(process.env.BENCH_USERS ?? 5200);
const dataDir = mkdtempSync(join(tmpdir(), 'peerlink-bench-'));
const config = loadGatewayConfig({
  env: { ...process.env, PEERLINK_SIGNALING_RATE: '1000000', PEERLINK_SIGNALING_BURST: '1000000' },
  flags: { port: 0, host: '127.0.0.1', dataDir, turnEnabled: false, logLevel: 'warn' },
});
const gateway = await createGateway(config);
const { port } = await gateway.listen();
const tokens = new TokenService({ secret: gateway.secrets.jwtSecret });
const ids = [];
const list = [];
const now = Date.now();
for (let i = 0; i < users; i++) {
  const id = `bench-user-${i}`;
  await gateway.stores.users.createUser({ id, username: `bench${i}`, createdAt: now, passwordHash: 'scrypt$unused' });
  ids.push(id);
  list.push(await tokens.issue({ id, username: `bench${i}` }));
}
const chats = {};
for (let i = 0; i < 40; i += 2) {
  const id = `bench-chat-${i}`;
  await gateway.stores.chats.createChat({ id, title: null, members: [ids[i], ids[i + 1]], createdBy: ids[i], createdAt: now });
  chats[i] = id;
}
process.stdout.write(`${JSON.stringify({ port, pid: process.pid, ids, tokens: list, chats })}\n`);
process.on('message', (m) => {
  if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (m === 'gc') {
    globalThis.gc?.();
    process.send?.({ gc: true });
  }
});
process.on('SIGTERM', () => {
  gateway
    .close('bench done')
    .finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
});
