// Bare node-datachannel: two polyfill RTCPeerConnections signaled in-process,
// one reliable ordered data channel, no session, no identity, no gateway.
import { RTCPeerConnection } from 'node-datachannel/polyfill';

/** Opens a pair; resolves with both channels once both are open. */
export async function barePair() {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const held = [];
  let answered = false;
  a.onicecandidate = (e) => {
    if (!e.candidate) return;
    if (answered) void b.addIceCandidate({ candidate: e.candidate.candidate, sdpMid: '0' });
    else held.push(e.candidate.candidate);
  };
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate({ candidate: e.candidate.candidate, sdpMid: '0' }).catch(() => {});
  const incoming = new Promise((resolve) => (b.ondatachannel = (e) => resolve(e.channel)));
  const dc = a.createDataChannel('bare', { ordered: true });
  dc.binaryType = 'arraybuffer';
  const opened = new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
  const offer = await a.createOffer();
  await b.setRemoteDescription({ type: 'offer', sdp: offer.sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate')).join('\r\n') });
  const answer = await b.createAnswer();
  await a.setRemoteDescription(answer);
  answered = true;
  for (const c of held.splice(0)) void b.addIceCandidate({ candidate: c, sdpMid: '0' });
  const [remote] = await Promise.all([incoming, opened]);
  remote.binaryType = 'arraybuffer';
  return { a, b, dc, remote, close: () => (a.close(), b.close()) };
}

/** Sends `total` bytes in `chunk`-byte messages with bufferedAmount backpressure; resolves when all arrived. */
export async function bareThroughput(pair, total, chunk = 64 * 1024) {
  const { dc, remote } = pair;
  let received = 0;
  const done = new Promise((resolve) => {
    remote.onmessage = (e) => {
      received += e.data.byteLength;
      if (received >= total) resolve();
    };
  });
  dc.bufferedAmountLowThreshold = 1024 * 1024;
  const data = new Uint8Array(chunk).fill(7);
  const started = performance.now();
  for (let sent = 0; sent < total; sent += chunk) {
    if (dc.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
    dc.send(data);
  }
  await done;
  return performance.now() - started;
}
