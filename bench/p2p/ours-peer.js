// One WebRtcProvider peer in its own process, driven by run.js over IPC:
// gateway /p2p signaling, identity proof, session layer, and the RTCPeerConnection
// every Node composition root uses (loadNodeRtc from @peerlink/agent). Streams move bytes through
// the session's callback API (writeNow/attachSink), as the agent's socket pumps do.
import nodeDataChannel from 'node-datachannel';
import { loadNodeRtc } from '@peerlink/agent';
import { tuneHeapForStreaming } from '@peerlink/agent/wire';
import { createEd25519Identity, isDirectByteStream, P2pSignalingClient, WebRtcProvider } from '@peerlink/sdk';
import { CHUNK, reply } from './ipc.js';

// BENCH_P2P_HEAP=streaming: the V8 heap tuning `peerlink agent` and `peerlink connect` apply at startup.
if (process.env.BENCH_P2P_HEAP === 'streaming') tuneHeapForStreaming();

let provider;
let signaling;
let listener;
let conn;

async function start(gw) {
  signaling = await P2pSignalingClient.connect({ url: gw.url, path: gw.path, token: gw.token, transports: ['websocket'] });
  const { BENCH_P2P_WINDOW: window, BENCH_P2P_WINDOW_UPDATE: update } = process.env;
  const session = window ? { session: { streamWindow: Number(window), ...(update ? { windowUpdateBytes: Number(update) } : {}) } } : {};
  provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling, rtc: await loadNodeRtc(), ...session });
  await provider.register();
  return provider.localPeerId;
}

/** BENCH_P2P_API=whatwg: the WHATWG reader/writer per chunk instead of the callback API the agent's pumps use. */
const direct = (stream) => process.env.BENCH_P2P_API !== 'whatwg' && isDirectByteStream(stream);

/** Writes `total` bytes as CHUNK-sized writes of one reused buffer (like the bare sender) and FIN. */
async function send(total) {
  const data = new Uint8Array(CHUNK).fill(7);
  const stream = await conn.openStream();
  if (direct(stream)) {
    for (let sent = 0; sent < total; sent += CHUNK) await stream.writeNow(data);
    return stream.finish();
  }
  const writer = stream.writable.getWriter();
  for (let sent = 0; sent < total; sent += CHUNK) await writer.write(data);
  await writer.close();
}

/** Reads the next incoming stream to its end counting bytes (no buffering, like the bare receiver). */
async function receive() {
  const stream = await conn.acceptStream();
  let n = 0;
  if (direct(stream)) {
    return new Promise((resolve, reject) =>
      stream.attachSink({ data: (bytes) => ((n += bytes.length), true), end: () => resolve(n), error: reject }),
    );
  }
  for (const reader = stream.readable.getReader(); ; ) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.length;
  }
}

process.on('message', async (m) => {
  switch (m.cmd) {
    case 'start':
      return reply(m, { peerId: await start(m.gateway) });
    case 'dial': {
      const started = performance.now();
      conn = await provider.connect(m.peerId);
      return reply(m, { ms: performance.now() - started, phases: conn.stats().setup });
    }
    case 'listen':
      listener ??= await provider.listen();
      conn = await listener.accept();
      return reply(m, { phases: conn.stats().setup });
    case 'close':
      await conn?.close('next');
      conn = undefined;
      return reply(m, {});
    case 'send':
      await send(m.total);
      return reply(m, {});
    case 'receive': {
      reply(m, { armed: true });
      return process.send({ type: 'received', bytes: await receive() });
    }
    case 'quit':
      await conn?.close('done');
      await provider?.close();
      signaling?.close();
      nodeDataChannel.cleanup();
      process.exit(0);
  }
});
process.send({ type: 'up' });
