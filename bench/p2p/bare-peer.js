// One bare node-datachannel peer in its own process, driven by run.js over IPC.
// Native API (PeerConnection, DataChannel.onMessage/sendMessageBinary): no
// polyfill, no session, no identity, no gateway. Signals go through the parent.
// Ordering as in the provider: SDP without candidates, candidates only after
// the peer's description is applied here (else libdatachannel can drop an
// early DTLS hello and setup takes ~1 s).
import nodeDataChannel from 'node-datachannel';
import { CHUNK, LOW_WATER, HIGH_WATER, reply, stripCandidates } from './ipc.js';

let pc;
let dc;
let remoteSet = false;
let ready;
const outbox = [];
const inbox = [];

function signal(payload) {
  process.send({ type: 'signal', payload });
}

function closePeer() {
  dc?.close();
  pc?.close();
  dc = undefined;
  pc = undefined;
}

function fresh(dialer) {
  closePeer();
  remoteSet = false;
  outbox.length = 0;
  inbox.length = 0;
  pc = new nodeDataChannel.PeerConnection(dialer ? 'dialer' : 'listener', { iceServers: [] });
  pc.onLocalDescription((sdp, type) => signal({ kind: 'description', sdp: stripCandidates(sdp), type }));
  pc.onLocalCandidate((candidate, mid) => {
    const c = { kind: 'candidate', candidate, mid };
    if (remoteSet) signal(c);
    else outbox.push(c);
  });
  let opened;
  ready = new Promise((resolve) => (opened = resolve));
  if (dialer) {
    dc = pc.createDataChannel('bare');
    dc.onOpen(() => opened(dc));
  } else {
    pc.onDataChannel((channel) => {
      dc = channel;
      opened(dc);
    });
  }
}

function onSignal(s) {
  if (s.kind === 'candidate') {
    if (remoteSet) pc.addRemoteCandidate(s.candidate, s.mid);
    else inbox.push(s);
    return;
  }
  pc.setRemoteDescription(s.sdp, s.type);
  remoteSet = true;
  for (const c of outbox.splice(0)) signal(c);
  for (const c of inbox.splice(0)) pc.addRemoteCandidate(c.candidate, c.mid);
}

/** Sends `total` bytes in CHUNK messages, pausing while more than HIGH_WATER is queued. */
async function send(total) {
  const data = new Uint8Array(CHUNK).fill(7);
  dc.setBufferedAmountLowThreshold(LOW_WATER);
  let wake;
  dc.onBufferedAmountLow(() => wake?.());
  for (let sent = 0; sent < total; sent += CHUNK) {
    if (dc.bufferedAmount() > HIGH_WATER) await new Promise((r) => (wake = r));
    dc.sendMessageBinary(data);
  }
}

function receive(total) {
  let received = 0;
  return new Promise((resolve) => {
    dc.onMessage((msg) => {
      received += msg.byteLength;
      if (received >= total) resolve(received);
    });
  });
}

process.on('message', async (m) => {
  switch (m.cmd) {
    case 'signal':
      return onSignal(m.payload);
    case 'dial': {
      const started = performance.now();
      fresh(true);
      await ready;
      return reply(m, { ms: performance.now() - started });
    }
    case 'listen':
      fresh(false);
      await ready;
      return reply(m, {});
    case 'close':
      closePeer();
      return reply(m, {});
    case 'send':
      await send(m.total);
      return reply(m, {});
    case 'receive':
      reply(m, { armed: true });
      return process.send({ type: 'received', bytes: await receive(m.total) });
    case 'quit':
      // nodeDataChannel.cleanup() here crashed the process now and then (SIGSEGV/SIGABRT, even
      // 200 ms after close); exiting ends libdatachannel's threads just as well.
      closePeer();
      await new Promise((r) => setTimeout(r, 200));
      process.exit(0);
  }
});
process.send({ type: 'up' });
