/**
 * Issue 2 end to end: two Node WebRTC peers (node-datachannel, libdatachannel)
 * take their ICE servers from the API, signal only through the gateway's 1:1
 * call events (offer and answer in call:initiate/call:answer, trickled
 * candidates in call:ice-candidate), open a data channel and exchange a
 * message; the call is then in both users' history as completed with a duration.
 *
 * The native node-datachannel API is used with auto-negotiation off: every
 * description change happens synchronously on the JS thread. With the W3C
 * polyfill, libdatachannel negotiates on its own thread and, under CPU
 * contention, an answer could meet an offerer whose ICE transport was not yet
 * in place ("Got a remote candidate without ICE transport").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodeDataChannel from 'node-datachannel';
import { api, connect, createChat, emitAck, once, register, startGateway, type RunningGateway } from './support.js';

interface IceServersResponse {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  ttlSeconds: number;
}

/** `/api/ice-servers` → libdatachannel's URL strings (`turn:user:pass@host:port`). */
function toLibdatachannel(ice: IceServersResponse): string[] {
  return ice.iceServers.flatMap((s) =>
    s.urls.map((url) => {
      if (s.username === undefined || s.credential === undefined) return url;
      const [scheme, rest] = url.split(/:(.*)/s) as [string, string];
      return `${scheme}:${encodeURIComponent(s.username)}:${encodeURIComponent(s.credential)}@${rest}`;
    }),
  );
}

interface CandidateMessage {
  candidate: { candidate: string; sdpMid?: string | null } | null;
}

let offsetMs = 0;
let gw: RunningGateway;

beforeAll(async () => {
  // The gateway's clock stands still unless the test moves it, so the call has
  // a known duration without sleeping.
  const frozen = Date.now();
  gw = await startGateway({}, { now: () => frozen + offsetMs }, { turn: true });
});
afterAll(async () => {
  await gw.stop();
});

describe('two node-datachannel peers through the gateway', () => {
  it('connect with gateway signaling only, exchange data, and leave a completed call in history', async () => {
    const alice = await register(gw.url, 'alice_rtc');
    const bob = await register(gw.url, 'bob_rtc');
    const chatId = await createChat(gw.url, alice, ['bob_rtc']);
    const [sa, sb] = [await connect(gw.url, alice), await connect(gw.url, bob)];
    const ice = await api<IceServersResponse>(gw.url, '/api/ice-servers', { token: alice.token });
    // The embedded STUN/TURN server, named by the host this client used.
    const port = gw.gateway.turn!.handle.udpAddress.port;
    expect(ice.iceServers).toEqual([
      { urls: [`stun:127.0.0.1:${port}`] },
      { urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`], username: expect.stringMatching(new RegExp(`^\\d+:${alice.user.id}$`)), credential: expect.any(String) },
    ]);
    const config = { iceServers: toLibdatachannel(ice), disableAutoNegotiation: true };

    const pa = new nodeDataChannel.PeerConnection('alice', config);
    const pb = new nodeDataChannel.PeerConnection('bob', config);
    try {
      // Local candidates are held until the call exists (alice: the initiate
      // ack; bob: his answer was sent), then trickled through the gateway.
      const outbox = { a: [] as string[][], b: [] as string[][], aReady: false, bReady: false };
      const trickle = (socket: typeof sa, candidate: string, mid: string) =>
        socket.emit('call:ice-candidate', { chatId, candidate: { candidate: candidate.replace(/^a=/, ''), sdpMid: mid } });
      pa.onLocalCandidate((c, mid) => (outbox.aReady ? trickle(sa, c, mid) : outbox.a.push([c, mid])));
      pb.onLocalCandidate((c, mid) => (outbox.bReady ? trickle(sb, c, mid) : outbox.b.push([c, mid])));
      // Remote candidates wait for the remote description.
      const inbox = { a: [] as CandidateMessage[], b: [] as CandidateMessage[], aReady: false, bReady: false };
      const apply = (pc: typeof pa, m: CandidateMessage) => {
        if (m.candidate && m.candidate.candidate !== '') pc.addRemoteCandidate(m.candidate.candidate, m.candidate.sdpMid ?? '0');
      };
      let trickledToA = 0;
      let trickledToB = 0;
      sa.on('call:ice-candidate', (m: CandidateMessage) => {
        trickledToA++;
        if (inbox.aReady) apply(pa, m);
        else inbox.a.push(m);
      });
      sb.on('call:ice-candidate', (m: CandidateMessage) => {
        trickledToB++;
        if (inbox.bReady) apply(pb, m);
        else inbox.b.push(m);
      });

      const received = new Promise<string>((resolve) => {
        pb.onDataChannel((dc) => dc.onMessage((msg) => resolve(typeof msg === 'string' ? msg : Buffer.from(msg as ArrayBuffer).toString())));
      });
      const channel = pa.createDataChannel('chat');
      const opened = new Promise<void>((resolve) => channel.onOpen(() => resolve()));

      // Alice offers.
      const offerSdp = new Promise<string>((resolve) => pa.onLocalDescription((sdp) => resolve(sdp)));
      pa.setLocalDescription('offer');
      const offerReceived = once<{ callId: string; callerId: string; offer: { type: 'offer'; sdp: string } }>(sb, 'call:offer');
      const { callId } = await emitAck(sa, 'call:initiate', { chatId, offer: { type: 'offer', sdp: await offerSdp } });
      expect(callId).toBeTypeOf('string');
      outbox.aReady = true;
      for (const [c, mid] of outbox.a.splice(0)) trickle(sa, c!, mid!);

      // Bob answers.
      const offer = await offerReceived;
      expect(offer).toMatchObject({ callId, callerId: alice.user.id });
      const answerSdp = new Promise<string>((resolve) => pb.onLocalDescription((sdp) => resolve(sdp)));
      pb.setRemoteDescription(offer.offer.sdp, 'offer');
      inbox.bReady = true;
      for (const m of inbox.b.splice(0)) apply(pb, m);
      pb.setLocalDescription('answer');
      const answerReceived = once<{ callId: string; answer: { type: 'answer'; sdp: string } }>(sa, 'call:answer');
      await emitAck(sb, 'call:answer', { chatId, answer: { type: 'answer', sdp: await answerSdp } });
      outbox.bReady = true;
      for (const [c, mid] of outbox.b.splice(0)) trickle(sb, c!, mid!);

      const answer = await answerReceived;
      expect(answer.callId).toBe(callId);
      pa.setRemoteDescription(answer.answer.sdp, 'answer');
      inbox.aReady = true;
      for (const m of inbox.a.splice(0)) apply(pa, m);

      await opened;
      channel.sendMessage('hello through a peer-to-peer data channel');
      expect(await received).toBe('hello through a peer-to-peer data channel');
      expect(trickledToA + trickledToB).toBeGreaterThan(0); // candidates went through the gateway

      offsetMs += 7_000; // seven seconds of conversation
      const ended = once<{ callId: string }>(sb, 'call:end');
      await emitAck(sa, 'call:end', { chatId });
      expect((await ended).callId).toBe(callId);

      for (const account of [alice, bob]) {
        const { calls } = await api<{ calls: { id: string; status: string; durationSeconds: number; initiatorId: string }[] }>(
          gw.url,
          `/api/calls?chatId=${chatId}`,
          { token: account.token },
        );
        expect(calls).toHaveLength(1);
        expect(calls[0]).toMatchObject({ id: callId, status: 'completed', initiatorId: alice.user.id, durationSeconds: 7 });
      }
    } finally {
      pa.close();
      pb.close();
      sa.close();
      sb.close();
    }
  });
});
