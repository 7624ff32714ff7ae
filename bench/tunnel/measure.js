// Client side of every mode: bulk download/upload and time-to-first-byte
// probes against the service protocol of service.js.
import { connect } from 'node:net';

const CHUNK = Buffer.alloc(1 << 20, 0xa5);

function request(op, size) {
  const header = Buffer.alloc(9);
  header[0] = op.charCodeAt(0);
  header.writeBigUInt64BE(BigInt(size), 1);
  return header;
}

/** Downloads `size` bytes through `port`; resolves {bytes, seconds, ttfbMs}. Rejects on a short read. */
export function download(port, size, timeoutMs) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first;
    let bytes = 0;
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error(`download timed out after ${timeoutMs} ms at ${bytes} bytes`)), timeoutMs);
    socket.on('connect', () => socket.write(request('D', size)));
    socket.on('data', (chunk) => {
      first ??= process.hrtime.bigint();
      bytes += chunk.length;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      const end = process.hrtime.bigint();
      if (bytes !== size) return reject(new Error(`download got ${bytes} of ${size} bytes`));
      resolve({ bytes, seconds: Number(end - start) / 1e9, ttfbMs: Number(first - start) / 1e6 });
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Uploads `size` bytes through `port` and waits for the service's ack. */
export function upload(port, size, timeoutMs) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let sent = 0;
    const ack = [];
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error(`upload timed out after ${timeoutMs} ms at ${sent} bytes`)), timeoutMs);
    const pump = () => {
      while (sent < size) {
        const n = Math.min(size - sent, CHUNK.length);
        sent += n;
        if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(request('U', size));
      pump();
    });
    socket.on('data', (chunk) => ack.push(chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      const end = process.hrtime.bigint();
      const body = Buffer.concat(ack);
      if (body.length !== 8 || Number(body.readBigUInt64BE(0)) !== size) return reject(new Error(`upload ack ${body.toString('hex')} for ${size} bytes`));
      resolve({ bytes: size, seconds: Number(end - start) / 1e9 });
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Median time from connect() to the first byte of a 1-byte download, over `count` sequential probes. */
export async function timeToFirstByte(port, count, timeoutMs) {
  const samples = [];
  for (let i = 0; i < count; i++) samples.push((await download(port, 1, timeoutMs)).ttfbMs);
  samples.sort((a, b) => a - b);
  return { p50Ms: samples[Math.floor(samples.length / 2)], minMs: samples[0], maxMs: samples[samples.length - 1] };
}
