// The far end of the latency measurement, in its own process so that the
// measuring process only sends and times: connects one Socket.IO client
// (`BENCH_ECHO_URL`, optional `BENCH_ECHO_TOKEN`), reports its socket id,
// joins a call when told (`{join: callId}`, gateway only) and sends every
// relayed `call:signal` straight back to its sender.
import { io } from 'socket.io-client';

const token = process.env.BENCH_ECHO_TOKEN;
const socket = io(process.env.BENCH_ECHO_URL, {
  transports: ['websocket'],
  forceNew: true,
  reconnection: false,
  ...(token ? { auth: { token } } : {}),
});
socket.on('call:signal', (m) => {
  socket.emit('call:signal', { callId: m.callId, to: m.from, type: m.type, signal: m.signal });
});
socket.once('connect', () => process.send({ id: socket.id }));
socket.once('connect_error', (err) => {
  process.stderr.write(`echo peer: ${err.message}\n`);
  process.exit(1);
});
process.on('message', (m) => {
  if (m && typeof m.join === 'string') {
    socket.timeout(5000).emit('call:join', { callId: m.join }, (err, reply) => {
      if (err || !reply?.ok) {
        process.stderr.write(`echo peer: join failed ${err?.message ?? JSON.stringify(reply)}\n`);
        process.exit(1);
      }
      process.send({ joined: m.join });
    });
  }
});
process.on('disconnect', () => {
  socket.disconnect();
  process.exit(0);
});
