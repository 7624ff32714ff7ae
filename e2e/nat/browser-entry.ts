/// <reference lib="dom" />
/**
 * Bundled for headless Chromium in a testbed client namespace, cell (d): the
 * browser WebRtcProvider (native RTCPeerConnection, ICE servers from the
 * gateway's `/api/ice-servers`) dials the hybrid agent's device peer id
 * through the gateway, opens one stream to service `echo` with the agent's
 * stream header, and checks the echoed bytes. Exposed as
 * `window.peerlinkNat.run(...)`.
 */
import { createEd25519Identity } from '../../packages/sdk/src/identity/identity.js';
import { iceServersFromGateway, WebRtcProvider } from '../../packages/sdk/src/providers/webrtc/index.js';
import { P2pSignalingClient } from '../../packages/sdk/src/signaling/index.js';
import { decodeStreamHeader, encodeStreamHeader } from '../../packages/agent/src/wire/stream-header.js';
import type { PeerId } from '@peerlink/protocol';

export interface BrowserCellInput {
  readonly url: string;
  readonly token: string;
  readonly target: string;
  readonly service: string;
  readonly bytes: number;
  readonly timeoutMs: number;
}

export interface BrowserCellOutput {
  /** Every byte came back, in order. */
  readonly ok: boolean;
  readonly path: { kind: string; reason: string; local?: string; remote?: string } | null;
  /** `connect()` called → connection up (sign-in excluded: the page signs in first), ms. */
  readonly connectMs: number | null;
  /** Stream opened → every byte back, ms. */
  readonly streamMs: number | null;
  readonly received: number;
  readonly error: string | null;
}

async function run(input: BrowserCellInput): Promise<BrowserCellOutput> {
  const signaling = await P2pSignalingClient.connect({ url: input.url, token: input.token, transports: ['websocket'] });
  const provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling, rtc: RTCPeerConnection, iceServers: iceServersFromGateway(input.url, input.token) });
  let path: BrowserCellOutput['path'] = null;
  let connectMs: number | null = null;
  let streamMs: number | null = null;
  let received = 0;
  try {
    await provider.register();
    const started = performance.now();
    const conn = await provider.connect(input.target as PeerId, { policy: { timeoutMs: input.timeoutMs } });
    connectMs = Math.round(performance.now() - started);
    path = { ...conn.path };
    const opened = performance.now();
    const stream = await conn.openStream();
    const writer = stream.writable.getWriter();
    const data = new Uint8Array(input.bytes).map((_, i) => (i * 31 + 7) & 0xff);
    await writer.write(encodeStreamHeader({ service: input.service }));
    const reader = stream.readable.getReader();
    let buffer: Uint8Array = new Uint8Array(0);
    let answered = false;
    const back = new Uint8Array(input.bytes);
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer = concat(buffer, value);
        if (!answered) {
          const header = decodeStreamHeader(buffer);
          if (header.status === 'need-more') continue;
          if (header.status === 'error') throw new Error(`stream header: ${header.detail}`);
          const answer = header.json as { ok?: boolean; code?: string };
          if (answer.ok !== true) throw new Error(`stream refused: ${answer.code ?? 'unknown'}`);
          answered = true;
          buffer = buffer.subarray(header.consumed);
        }
        if (received + buffer.length > back.length) throw new Error('more bytes than sent');
        back.set(buffer, received);
        received += buffer.length;
        buffer = new Uint8Array(0);
      }
    })();
    await writer.write(data);
    await writer.close();
    await pump;
    streamMs = Math.round(performance.now() - opened);
    const ok = received === data.length && back.every((b, i) => b === data[i]);
    await conn.close('done');
    return { ok, path, connectMs, streamMs, received, error: null };
  } catch (err) {
    return { ok: false, path, connectMs, streamMs, received, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  } finally {
    await provider.close();
    signaling.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

(globalThis as unknown as { peerlinkNat: { run: typeof run } }).peerlinkNat = { run };
