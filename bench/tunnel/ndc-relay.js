// The bare node-datachannel relay baseline for the p2p modes: client TCP →
// entry process → one data channel (native API: PeerConnection, DataChannel,
// sendMessageBinary, no polyfill, no session, no multiplexing) → far process →
// service TCP. One PeerConnection and one data channel per TCP connection.
// Two roles (argv[2]), each its own process, forked by run.js with IPC;
// signals go through the parent (like bench/p2p/bare-peer.js), tagged with the
// connection id. Candidates only after the peer's description is applied (the
// ordering bare-peer.js uses; earlier ones can make setup take ~1 s).
//   entry <n/a>        — TCP listener; each accepted connection dials a new PeerConnection.
//   far <servicePort>  — answers; on the data channel's open dials the service and pipes.
// Backpressure TCP → channel: the socket pauses while more than HIGH_WATER is
// queued in the channel and resumes at LOW_WATER (bufferedAmountLow). The native
// API has no way to pause inbound messages, so channel → TCP relies on the
// reader keeping up (loopback clients and the service do).
// Sends {"port": n} (entry) or {"port": 0} (far) over IPC and stdout once ready.
import { connect, createServer } from 'node:net';
import nodeDataChannel from 'node-datachannel';
import { CHUNK, HIGH_WATER, LOW_WATER, stripCandidates } from '../p2p/ipc.js';

const role = process.argv[2];
/** Per connection id: { pc, remoteSet, outbox, inbox }. */
const peers = new Map();
let nextId = 0;
process.on('SIGTERM', () => process.exit(0));

function peer(id, dialer) {
  const p = { pc: new nodeDataChannel.PeerConnection(`${role}-${id}`, { iceServers: [] }), remoteSet: false, outbox: [], inbox: [] };
  const signal = (payload) => process.send({ type: 'signal', id, payload });
  p.pc.onLocalDescription((sdp, type) => signal({ kind: 'description', sdp: stripCandidates(sdp), type }));
  p.pc.onLocalCandidate((candidate, mid) => {
    const c = { kind: 'candidate', candidate, mid };
    if (p.remoteSet) signal(c);
    else p.outbox.push(c);
  });
  p.signal = signal;
  p.dialer = dialer;
  peers.set(id, p);
  return p;
}

function onSignal(id, s) {
  const p = peers.get(id) ?? (role === 'far' ? answer(id) : undefined);
  if (p === undefined) return;
  if (s.kind === 'candidate') {
    if (p.remoteSet) p.pc.addRemoteCandidate(s.candidate, s.mid);
    else p.inbox.push(s);
    return;
  }
  p.pc.setRemoteDescription(s.sdp, s.type);
  p.remoteSet = true;
  for (const c of p.outbox.splice(0)) p.signal(c);
  for (const c of p.inbox.splice(0)) p.pc.addRemoteCandidate(c.candidate, c.mid);
}

/** Joins a TCP socket and an open data channel; closes the peer when either side ends. */
function join(id, socket, dc) {
  const p = peers.get(id);
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    peers.delete(id);
    // Let libdatachannel deliver the stream reset before the connection goes.
    setTimeout(() => p.pc.close(), 1000);
  };
  dc.setBufferedAmountLowThreshold(LOW_WATER);
  dc.onBufferedAmountLow(() => {
    if (socket.isPaused()) socket.resume();
  });
  socket.on('data', (chunk) => {
    for (let at = 0; at < chunk.length; at += CHUNK) dc.sendMessageBinary(chunk.subarray(at, Math.min(chunk.length, at + CHUNK)));
    if (dc.bufferedAmount() > HIGH_WATER) socket.pause();
  });
  // The channel's close is queued behind its data (an SCTP stream reset), so nothing is cut off.
  socket.on('end', () => {
    dc.close();
    finish();
  });
  socket.on('error', () => {
    dc.close();
    finish();
  });
  dc.onMessage((msg) => socket.write(msg));
  dc.onClosed(() => {
    socket.end();
    finish();
  });
  socket.resume();
}

function answer(id) {
  const p = peer(id, false);
  p.pc.onDataChannel((dc) => {
    const socket = connect({ port: Number(process.argv[3]), host: '127.0.0.1', noDelay: true, allowHalfOpen: true, pauseOnConnect: true });
    socket.once('connect', () => join(id, socket, dc));
    socket.once('error', () => dc.close());
  });
  return p;
}

process.on('message', (m) => {
  if (m.type === 'signal') onSignal(m.id, m.payload);
});

const ready = (port) => {
  process.send({ type: 'ready', port });
  console.log(JSON.stringify({ port }));
};

if (role === 'entry') {
  const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => {
    const id = ++nextId;
    const p = peer(id, true);
    const dc = p.pc.createDataChannel('bulk');
    dc.onOpen(() => join(id, socket, dc));
    socket.once('error', () => p.pc.close());
  });
  server.listen(0, '127.0.0.1', () => ready(server.address().port));
} else if (role === 'far') {
  ready(0);
} else {
  throw new Error(`unknown role ${role}`);
}
