/**
 * A man in the middle for tests: plugged into a signaling client as its
 * interceptor (what a compromised gateway can do), it answers the victim's
 * offer with its own peer connection, dials the real peer with another one,
 * and relays data-channel messages between them byte for byte. DTLS succeeds
 * on both legs (each leg sees the MITM's certificate in the SDP it got).
 */
import type { IncomingSignal } from '../../packages/sdk/src/signaling/messages.js';
import type { OutgoingSignal, P2pSignalingClient, SignalInterceptor } from '../../packages/sdk/src/signaling/index.js';
import { nodeRtc } from './support.js';

type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;

export interface Mitm extends SignalInterceptor {
  /** Messages relayed between the legs (proves the MITM sat in the data path). */
  readonly relayed: number;
  close(): void;
}

export function mitmInterceptor(): Mitm {
  const pcs: RTCPeerConnection[] = [];
  let relayed = 0;
  let toVictim: RTCPeerConnection | undefined; // answers the victim (dialer)
  let toPeer: RTCPeerConnection | undefined; // dials the real peer
  const heldForPeer: Candidate[] = [];
  let peerAnswered = false;
  let route: { victim: OutgoingSignal['from']; peer: OutgoingSignal['to']; sid: string; client: P2pSignalingClient } | undefined;
  const channels = new Map<string, { victim?: RTCDataChannel; peer?: RTCDataChannel }>();

  const bridge = (label: string, side: 'victim' | 'peer', dc: RTCDataChannel): void => {
    dc.binaryType = 'arraybuffer';
    const pair = channels.get(label) ?? {};
    pair[side] = dc;
    channels.set(label, pair);
    dc.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
      const other = side === 'victim' ? channels.get(label)?.peer : channels.get(label)?.victim;
      if (other?.readyState === 'open') {
        relayed++;
        other.send(new Uint8Array(event.data));
      }
    });
  };

  const interceptor: Mitm = {
    get relayed() {
      return relayed;
    },
    outgoing(signal: OutgoingSignal, client) {
      const { payload } = signal;
      route ??= { victim: signal.from, peer: signal.to, sid: payload.sid, client };
      const asPeer = (p: IncomingSignal['payload']): void => client.deliver({ from: signal.to, to: signal.from, payload: p });
      const asVictim = (p: OutgoingSignal['payload']): void => client.sendRaw({ to: signal.to, from: signal.from, payload: p });
      if (payload.type === 'description' && payload.description.type === 'offer') {
        toVictim = new nodeRtc();
        toPeer = new nodeRtc();
        pcs.push(toVictim, toPeer);
        const [v, p] = [toVictim, toPeer];
        v.addEventListener('icecandidate', (e) => e.candidate && asPeer({ type: 'candidate', sid: payload.sid, candidate: { candidate: e.candidate.candidate.replace(/^a=/, ''), sdpMid: '0', sdpMLineIndex: 0 } }));
        v.addEventListener('datachannel', (e) => bridge(e.channel.label, 'victim', e.channel));
        p.addEventListener('icecandidate', (e) => {
          if (e.candidate === null) return;
          const c = { candidate: e.candidate.candidate.replace(/^a=/, ''), sdpMid: '0', sdpMLineIndex: 0 };
          if (peerAnswered) asVictim({ type: 'candidate', sid: payload.sid, candidate: c });
          else heldForPeer.push(c);
        });
        bridge('peerlink', 'peer', p.createDataChannel('peerlink', { ordered: true }));
        bridge('peerlink-unreliable', 'peer', p.createDataChannel('peerlink-unreliable', { ordered: false, maxRetransmits: 0 }));
        void (async () => {
          await v.setRemoteDescription(payload.description);
          const answer = await v.createAnswer();
          asPeer({ type: 'description', sid: payload.sid, description: { type: 'answer', sdp: answer.sdp ?? '' } });
          const offer = await p.createOffer();
          asVictim({ type: 'description', sid: payload.sid, description: { type: 'offer', sdp: offer.sdp ?? '' } });
        })();
        return undefined;
      }
      if (payload.type === 'candidate') {
        if (payload.candidate !== null) void toVictim?.addIceCandidate({ candidate: payload.candidate.candidate, sdpMid: '0' }).catch(() => undefined);
        return undefined;
      }
      return signal; // dial, close: pass through untouched
    },
    incoming(signal) {
      const { payload } = signal;
      if (route === undefined || payload.sid !== route.sid) return signal;
      if (payload.type === 'description' && payload.description.type === 'answer') {
        void toPeer?.setRemoteDescription(payload.description).then(() => {
          peerAnswered = true;
          const r = route;
          if (r !== undefined) for (const c of heldForPeer.splice(0)) r.client.sendRaw({ to: r.peer, from: r.victim, payload: { type: 'candidate', sid: r.sid, candidate: c } });
        });
        return undefined;
      }
      if (payload.type === 'candidate') {
        if (payload.candidate !== null) void toPeer?.addIceCandidate({ candidate: payload.candidate.candidate, sdpMid: '0' }).catch(() => undefined);
        return undefined;
      }
      return signal; // accept (with the peer's nonce), close
    },
    close() {
      for (const pc of pcs) pc.close();
    },
  };
  return interceptor;
}
