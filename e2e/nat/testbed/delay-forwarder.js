#!/usr/bin/env node
// User-space delay for the NAT testbed (this kernel has no netem): holds each
// packet/chunk for --delay-ms (+ up to --jitter-ms, order kept) before passing it on.
//
//   udp-pair --a HOST:PORT --a-peer HOST:PORT --b HOST:PORT --b-peer HOST:PORT
//       Two UDP sockets; datagrams from a-peer arriving on a go out of b to
//       b-peer, and the reverse. Used as the underlay of a vxlan link, so
//       every packet of the link (UDP and TCP alike) is delayed. With --vxlan
//       (payloads are VXLAN frames) the inner IPv4 TCP/UDP checksums are
//       completed: virtual links leave them unfinished (checksum offload, the
//       receiver is trusted to skip the check), but once the frame has been
//       copied through user space, the receiving kernel checks them.
//   tcp --listen HOST:PORT --target HOST:PORT
//       Accepts TCP connections and pipes each to target, delaying chunks.
//
// Limits: --max-queue (default 4096) packets per direction are held at most;
// more are dropped and counted (a full queue is a congested link, not a crash).
// Prints "ready" on stdout once listening; SIGTERM/SIGINT exit 0.
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';

const [mode, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i++) {
  const name = rest[i].replace(/^--/, '');
  if (name === 'vxlan') opts.vxlan = true;
  else opts[name] = rest[++i];
}
const delayMs = Number(opts['delay-ms'] ?? 25);
const jitterMs = Number(opts['jitter-ms'] ?? 0);
const maxQueue = Number(opts['max-queue'] ?? 4096);
if (!Number.isFinite(delayMs) || delayMs < 0 || !Number.isFinite(jitterMs) || jitterMs < 0) {
  console.error('delay-forwarder: bad --delay-ms/--jitter-ms');
  process.exit(2);
}

function hostPort(text, name) {
  const m = /^([0-9.]+):(\d+)$/.exec(text ?? '');
  if (!m) {
    console.error(`delay-forwarder: --${name} must be IPv4:PORT`);
    process.exit(2);
  }
  return { host: m[1], port: Number(m[2]) };
}

/** One's-complement sum of 16-bit words. */
function sum16(buf, start, end, acc) {
  for (let i = start; i + 1 < end; i += 2) acc += buf.readUInt16BE(i);
  if ((end - start) % 2 === 1) acc += buf[end - 1] << 8;
  return acc;
}

/** Recompute the TCP/UDP checksum of the IPv4 packet inside a VXLAN frame (in place). */
function completeInnerChecksum(frame) {
  const eth = 8; // VXLAN header
  const ip = eth + 14;
  if (frame.length < ip + 20 || frame.readUInt16BE(eth + 12) !== 0x0800) return;
  const ihl = (frame[ip] & 0x0f) * 4;
  const total = frame.readUInt16BE(ip + 2);
  const proto = frame[ip + 9];
  const fragmented = (frame.readUInt16BE(ip + 6) & 0x3fff) !== 0;
  const l4 = ip + ihl;
  const end = ip + total;
  if (fragmented || end > frame.length || (proto !== 6 && proto !== 17)) return;
  const field = l4 + (proto === 6 ? 16 : 6);
  if (field + 2 > end) return;
  frame.writeUInt16BE(0, field);
  let acc = sum16(frame, ip + 12, ip + 20, 0) + proto + (end - l4);
  acc = sum16(frame, l4, end, acc);
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  let csum = ~acc & 0xffff;
  if (proto === 17 && csum === 0) csum = 0xffff;
  frame.writeUInt16BE(csum, field);
}

/** A FIFO that releases items no earlier than their due time and never reorders. */
function delayLine(deliver) {
  const queue = [];
  let timer;
  let dropped = 0;
  let last = 0;
  const pump = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0].due <= now) deliver(queue.shift().item);
    if (queue.length > 0) timer = setTimeout(pump, queue[0].due - now);
  };
  return {
    push(item) {
      if (queue.length >= maxQueue) return void dropped++;
      const due = Math.max(last, Date.now() + delayMs + Math.random() * jitterMs);
      last = due;
      queue.push({ due, item });
      if (timer === undefined) timer = setTimeout(pump, Math.max(0, due - Date.now()));
    },
    get dropped() {
      return dropped;
    },
  };
}

const closers = [];
const stop = () => {
  for (const c of closers) c();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

if (mode === 'udp-pair') {
  const a = hostPort(opts.a, 'a');
  const aPeer = hostPort(opts['a-peer'], 'a-peer');
  const b = hostPort(opts.b, 'b');
  const bPeer = hostPort(opts['b-peer'], 'b-peer');
  const sa = createSocket('udp4');
  const sb = createSocket('udp4');
  const toB = delayLine((msg) => sb.send(msg, bPeer.port, bPeer.host));
  const toA = delayLine((msg) => sa.send(msg, aPeer.port, aPeer.host));
  const vxlan = 'vxlan' in opts;
  sa.on('message', (msg, from) => {
    if (from.address !== aPeer.host) return;
    if (vxlan) completeInnerChecksum(msg);
    toB.push(msg);
  });
  sb.on('message', (msg, from) => {
    if (from.address !== bPeer.host) return;
    if (vxlan) completeInnerChecksum(msg);
    toA.push(msg);
  });
  // Unreachable peers (ICMP) surface as socket errors: a lossy link, not a crash.
  sa.on('error', () => {});
  sb.on('error', () => {});
  let bound = 0;
  const onBound = () => {
    if (++bound === 2) console.log('ready');
  };
  sa.bind(a.port, a.host, onBound);
  sb.bind(b.port, b.host, onBound);
  closers.push(() => sa.close(), () => sb.close());
} else if (mode === 'tcp') {
  const listen = hostPort(opts.listen, 'listen');
  const target = hostPort(opts.target, 'target');
  const server = createServer((inbound) => {
    const outbound = connect(target.port, target.host);
    const up = delayLine((chunk) => (chunk === null ? outbound.end() : outbound.write(chunk)));
    const down = delayLine((chunk) => (chunk === null ? inbound.end() : inbound.write(chunk)));
    inbound.on('data', (c) => up.push(c));
    inbound.on('end', () => up.push(null));
    outbound.on('data', (c) => down.push(c));
    outbound.on('end', () => down.push(null));
    const kill = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', kill);
    outbound.on('error', kill);
  });
  server.listen(listen.port, listen.host, () => console.log('ready'));
  closers.push(() => server.close());
} else {
  console.error('usage: delay-forwarder.js udp-pair --a H:P --a-peer H:P --b H:P --b-peer H:P [--vxlan] [--delay-ms N] [--jitter-ms N]');
  console.error('       delay-forwarder.js tcp --listen H:P --target H:P [--delay-ms N] [--jitter-ms N]');
  process.exit(2);
}
