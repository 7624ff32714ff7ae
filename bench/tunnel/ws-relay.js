// The bare single-stream WebSocket relay baseline (`ws` + `bufferutil`, no
// multiplexing, no framing of our own): client TCP → ws → relay → ws → agent TCP.
// One script, three roles (argv[2]), each its own process like the tunnel's:
//   relay  — WebSocket server; pairs each `/client` socket with a waiting `/agent` socket.
//   agent  — keeps one idle ws to `/agent`; on "go" dials the service and pipes; then opens the next.
//   entry  — TCP listener; each accepted connection opens a ws to `/client` and pipes.
// Backpressure: TCP is paused while the ws has more than HIGH_WATER bytes queued;
// the relay pauses the inbound ws while the outbound one is over HIGH_WATER.
// Prints {"port": n} on stdout once ready.
import { connect, createServer } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const HIGH_WATER = 1 << 20;
const role = process.argv[2];
const opts = { perMessageDeflate: false, maxPayload: 1 << 24 };
process.on('SIGTERM', () => process.exit(0));

/** Joins a TCP socket and a ws with backpressure both ways. */
function join(socket, ws) {
  socket.on('data', (chunk) => {
    ws.send(chunk, { binary: true }, () => {
      if (socket.isPaused() && ws.bufferedAmount < HIGH_WATER) socket.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER) socket.pause();
  });
  socket.on('end', () => ws.close(1000));
  socket.on('error', () => ws.terminate());
  ws.on('message', (data) => {
    if (!socket.write(data)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  ws.on('close', () => socket.end());
  ws.on('error', () => socket.destroy());
}

/** Relays messages from `a` to `b` (pausing `a` while `b` is backed up). */
function forward(a, b) {
  a.on('message', (data) => {
    b.send(data, { binary: true }, () => {
      if (a.isPaused && b.bufferedAmount < HIGH_WATER) a.resume();
    });
    if (b.bufferedAmount >= HIGH_WATER) a.pause();
  });
  a.on('close', () => b.close(1000));
  a.on('error', () => b.terminate());
}

if (role === 'relay') {
  const waiting = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...opts });
  wss.on('connection', (ws, req) => {
    if (req.url === '/agent') return void waiting.push(ws);
    const agent = waiting.shift();
    if (agent === undefined) return void ws.close(1013, 'no agent');
    agent.send('go');
    forward(ws, agent);
    forward(agent, ws);
  });
  wss.on('listening', () => console.log(JSON.stringify({ port: wss.address().port })));
} else if (role === 'agent') {
  const [relayPort, servicePort] = process.argv.slice(3).map(Number);
  const spare = () => {
    const ws = new WebSocket(`ws://127.0.0.1:${relayPort}/agent`, opts);
    ws.once('message', () => {
      spare();
      const socket = connect({ port: servicePort, host: '127.0.0.1', noDelay: true, allowHalfOpen: true });
      join(socket, ws);
    });
    return ws;
  };
  spare().once('open', () => console.log(JSON.stringify({ port: relayPort })));
} else if (role === 'entry') {
  const relayPort = Number(process.argv[3]);
  const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => {
    const ws = new WebSocket(`ws://127.0.0.1:${relayPort}/client`, opts);
    ws.once('open', () => {
      join(socket, ws);
      socket.resume();
    });
    ws.once('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
} else {
  throw new Error(`unknown role ${role}`);
}
