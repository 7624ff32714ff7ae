/**
 * Small TCP and HTTP tools for the hybrid cells, bundled and run inside a
 * testbed namespace (`node stream.mjs <command> …`):
 *
 *   echo-server                      listen on 127.0.0.1:0, echo every byte; prints `echo <port>`
 *   exchange <port> <bytes>          one stream: write random bytes + FIN, read until close;
 *                                    prints {@link ExchangeResult} JSON
 *   long <port> <durationMs>         one stream kept open: 1 KiB every 50 ms, each echo checked
 *                                    byte-exact; prints `long up` after the first echo, then
 *                                    {@link ExchangeResult} JSON at the end
 *   api <METHOD> <url> <token|-> [json]   an HTTP call; prints `<status> <body>`
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';

export interface ExchangeResult {
  /** Every byte came back, in order, and nothing else. */
  readonly ok: boolean;
  readonly sent: number;
  readonly received: number;
  /** Connect → close, ms. */
  readonly ms: number;
}

const [command, ...args] = process.argv.slice(2);
const print = (line: string): boolean => process.stdout.write(`${line}\n`);

function open(port: number): Socket {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', (err) => print(`socket error ${err.message}`));
  return socket;
}

function exchange(port: number, bytes: number): void {
  const data = randomBytes(bytes);
  const started = Date.now();
  const socket = open(port);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.once('close', () => {
    const back = Buffer.concat(chunks);
    print(JSON.stringify({ ok: back.equals(data), sent: data.length, received: back.length, ms: Date.now() - started } satisfies ExchangeResult));
  });
  socket.end(data);
}

function long(port: number, durationMs: number): void {
  const started = Date.now();
  const socket = open(port);
  const sent: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let received = 0;
  let ok = true;
  let up = false;
  socket.on('data', (c: Buffer) => {
    pending = Buffer.concat([pending, c]);
    while (sent.length > 0 && pending.length >= sent[0]!.length) {
      const expected = sent.shift()!;
      if (!pending.subarray(0, expected.length).equals(expected)) ok = false;
      received += expected.length;
      pending = pending.subarray(expected.length);
      if (!up) {
        up = true;
        print('long up');
      }
    }
  });
  const timer = setInterval(() => {
    if (Date.now() - started >= durationMs) {
      clearInterval(timer);
      socket.end();
      return;
    }
    const chunk = randomBytes(1024);
    sent.push(chunk);
    socket.write(chunk);
  }, 50);
  socket.once('close', () => {
    clearInterval(timer);
    const total = received + sent.reduce((n, c) => n + c.length, 0);
    print(JSON.stringify({ ok: ok && sent.length === 0 && pending.length === 0, sent: total, received, ms: Date.now() - started } satisfies ExchangeResult));
  });
}

async function api(method: string, url: string, token: string, body: string | undefined): Promise<void> {
  const headers: Record<string, string> = {};
  if (token !== '-') headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  print(`${res.status} ${await res.text()}`);
}

switch (command ?? '') {
  case 'echo-server': {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      print(`echo ${typeof address === 'object' && address !== null ? address.port : 0}`);
    });
    break;
  }
  case 'exchange':
    exchange(Number(args[0]), Number(args[1]));
    break;
  case 'long':
    long(Number(args[0]), Number(args[1]));
    break;
  case 'api':
    await api(args[0] ?? 'GET', args[1] ?? '', args[2] ?? '-', args[3]);
    break;
  default:
    process.stderr.write(`unknown command ${command ?? ''}\n`);
    process.exit(2);
}
