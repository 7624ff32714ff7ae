// Baseline for `npm run bench:signaling`: a bare Socket.IO 4.8 server that
// forwards `call:signal {to, ...rest}` to the socket `to` as
// `call:signal {from, ...rest}` — the same messages the gateway relays, with
// no auth, validation, call state, rate limit or storage.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 128 * 1024 });
io.on('connection', (socket) => {
  socket.on('call:signal', (msg) => {
    if (msg && typeof msg.to === 'string') {
      const { to, ...rest } = msg;
      io.to(to).emit('call:signal', { ...rest, from: socket.id });
    }
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: http.address().port, pid: process.pid })}\n`);
});
process.on('message', (m) => {
  if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (m === 'gc') {
    globalThis.gc?.();
    process.send?.({ gc: true });
  }
});
process.on('SIGTERM', () => process.exit(0)); // a clean exit writes --cpu-prof profiles
