// Adapter: relays through the gateway as `call:signal` ICE candidates inside a
// room call per echo pair (the message a browser sends most during call setup).
import { io } from 'socket.io-client';

/** The `call:signal` message both targets relay: an ICE candidate carrying `seq`. */
export function signalMessage(callId, to, seq) {
  const foundation = seq < 0 ? `w${-seq}` : String(seq);
  return {
    callId,
    to,
    type: 'ice-candidate',
    signal: { candidate: `candidate:${foundation} 1 udp 2122260223 198.51.100.7 5000 typ host`, sdpMid: '0', sdpMLineIndex: 0 },
  };
}

export function seqOf(message) {
  const f = message.signal.candidate.slice('candidate:'.length).split(' ', 1)[0];
  return { seq: f.startsWith('w') ? -Number(f.slice(1)) : Number(f) };
}

export function gatewayTarget(url, info) {
  const callIds = new Map();
  const ack = (socket, event, payload) =>
    new Promise((resolve, reject) => {
      socket.timeout(5000).emit(event, payload, (err, reply) => {
        if (err) reject(err);
        else if (!reply.ok) reject(new Error(`${event}: ${reply.error.code} ${reply.error.message}`));
        else resolve(reply);
      });
    });
  return {
    name: 'peerlink gateway',
    async connect(i) {
      const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: info.tokens[i] } });
      await new Promise((resolve, reject) => {
        s.once('connect', resolve);
        s.once('connect_error', reject);
      });
      s.benchIndex = i;
      return s;
    },
    async pair(a, ia, b, ib) {
      const chatId = info.chats[Math.min(ia, ib)];
      const { callId } = await ack(a, 'call:initiate', { chatId });
      await ack(b, 'call:join', { callId });
      callIds.set(ia, callId);
      callIds.set(ib, callId);
    },
    echoAuth: (i) => info.tokens[i],
    route: (i) => info.ids[i],
    async call(a, ia, join) {
      const { callId } = await ack(a, 'call:initiate', { chatId: info.chats[ia] });
      await join(callId);
      return callId;
    },
    send(from, toIndex, payload) {
      from.emit('call:signal', signalMessage(callIds.get(from.benchIndex), info.ids[toIndex], payload.seq));
    },
    onRelay(socket, cb) {
      socket.on('call:signal', (m) => cb(seqOf(m)));
    },
  };
}
