/// <reference lib="dom" />
/**
 * Bundled for headless Chromium: the browser WebRtcProvider (native
 * RTCPeerConnection) dials a Node peer through the gateway and exchanges a
 * stream and a message. Exposed as `window.peerlinkP2P.run(...)`.
 */
import { createEd25519Identity } from '../../../packages/sdk/src/identity/identity.js';
import { WebRtcProvider } from '../../../packages/sdk/src/providers/webrtc/index.js';
import { P2pSignalingClient } from '../../../packages/sdk/src/signaling/index.js';
import { readAll, writeAll } from '../../../packages/sdk/src/contract/stream-helpers.js';
import type { PeerId } from '@peerlink/protocol';

export interface BrowserRunInput {
  readonly url: string;
  readonly path: string;
  readonly token: string;
  readonly target: string;
}

export interface BrowserRunResult {
  readonly peerId: string;
  readonly path: { kind: string; reason: string; local?: string };
  readonly echoed: string;
  readonly message: string;
  readonly setup: Record<string, number>;
}

async function run(input: BrowserRunInput): Promise<BrowserRunResult> {
  const signaling = await P2pSignalingClient.connect({ url: input.url, path: input.path, token: input.token, transports: ['websocket'] });
  const provider = new WebRtcProvider({ identity: createEd25519Identity(), signaling, rtc: RTCPeerConnection });
  try {
    const conn = await provider.connect(input.target as PeerId);
    const stream = await conn.openStream();
    await writeAll(stream, new TextEncoder().encode('hello from chromium'));
    const echoed = new TextDecoder().decode(await readAll(stream));
    conn.send(new TextEncoder().encode('ping'));
    const message = new TextDecoder().decode(await conn.recv());
    const result = { peerId: provider.localPeerId, path: { ...conn.path }, echoed, message, setup: { ...conn.stats().setup } };
    await conn.close('done');
    return result;
  } finally {
    await provider.close();
    signaling.close();
  }
}

(globalThis as unknown as { peerlinkP2P: { run: typeof run } }).peerlinkP2P = { run };
