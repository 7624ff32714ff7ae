// Baseline for `npm run bench:signaling`: a bare Socket.IO 4.8 server that
// forwards `relay {to, payload}` to the socket `to` as `relay {from, payload}`.
// No auth, no validation, no storage: the floor our gateway is compared with.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 128 * 1024 });
io.on('connection', (socket) => {
  socket.on('relay', (msg) => {
    if (msg && typeof msg.to === 'string') io.to(msg.to).emit('relay', { from: socket.id, payload: msg.payload });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: http.address().port, pid: process.pid })}\n`);
});
process.on('message', (m) => {
  if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m === 'gc') {
    globalThis.gc?.();
    process.send?.({ gc: true });
  }
});
