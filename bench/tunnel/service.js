// The TCP service behind the agent (and behind every baseline): a tiny
// request protocol so one listener serves throughput and first-byte probes.
//   client → service: 1 byte op + 8 bytes size (u64 BE)
//   op 'D' (download): the service writes `size` bytes, then ends.
//   op 'U' (upload): the service reads `size` bytes, then writes an 8-byte ack (the count) and ends.
// Prints {"port": n} on stdout once listening.
import { createServer } from 'node:net';

const CHUNK = Buffer.alloc(1 << 20, 0x5a);

function download(socket, size) {
  let left = size;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const ok = socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!ok) return void socket.once('drain', pump);
    }
    socket.end();
  };
  pump();
}

const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  socket.on('error', () => {});
  let header = Buffer.alloc(0);
  let op;
  let size = 0;
  let received = 0;
  socket.on('data', (chunk) => {
    if (op === undefined) {
      header = Buffer.concat([header, chunk]);
      if (header.length < 9) return;
      op = String.fromCharCode(header[0]);
      size = Number(header.readBigUInt64BE(1));
      chunk = header.subarray(9);
      if (op === 'D') return download(socket, size);
    }
    if (op !== 'U') return;
    received += chunk.length;
    if (received >= size) {
      const ack = Buffer.alloc(8);
      ack.writeBigUInt64BE(BigInt(received));
      socket.end(ack);
    }
  });
  socket.on('end', () => {
    if (op !== 'U' || received < size) socket.end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));
