// Adapter: relays through the gateway as `call:signal` ICE candidates inside a
// room call per echo pair (the message a browser sends most during call setup).
import { io } from 'socket.io-client';

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
    send(from, toIndex, payload) {
      from.emit('call:signal', {
        callId: callIds.get(from.benchIndex),
        to: info.ids[toIndex],
        type: 'ice-candidate',
        signal: { candidate: `candidate:${payload.seq < 0 ? 'w' + -payload.seq : payload.seq} 1 udp 2122260223 198.51.100.7 5000 typ host`, sdpMid: '0', sdpMLineIndex: 0 },
      });
    },
    onRelay(socket, cb) {
      socket.on('call:signal', (m) => {
        const f = m.signal.candidate.slice('candidate:'.length).split(' ', 1)[0];
        cb({ seq: f.startsWith('w') ? -Number(f.slice(1)) : Number(f) });
      });
    },
  };
}
