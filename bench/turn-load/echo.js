// UDP echo peer for the TURN load generator. Run as a child process so that the
// echo work does not compete with the load loop's event loop:
//   node echo.js  -> prints "PORT <n>" on stdout, echoes every datagram back.
import dgram from 'node:dgram';

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
socket.bind(0, '127.0.0.1', () => {
  socket.setRecvBufferSize(8 * 1024 * 1024);
  socket.setSendBufferSize(8 * 1024 * 1024);
  process.stdout.write(`PORT ${socket.address().port}\n`);
});
process.on('disconnect', () => socket.close());
process.on('SIGTERM', () => {
  socket.close();
  process.exit(0);
});
