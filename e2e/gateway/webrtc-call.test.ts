/**
 * Issue 2 end to end: two Node WebRTC peers (node-datachannel, libdatachannel)
 * take their ICE servers from the API, signal only through the gateway's 1:1
 * call events, open a data channel and exchange a message; the call is then in
 * both users' history as completed with a duration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import type { Socket } from 'socket.io-client';
import { api, connect, createChat, emitAck, once, register, startGateway, type RunningGateway } from './support.js';

interface IceServersResponse {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  ttlSeconds: number;
}

/** libdatachannel prefixes candidates with `a=`; the W3C form has none. */
function toInit(c: { candidate: string; sdpMid: string | null }) {
  return { candidate: c.candidate.replace(/^a=/, ''), sdpMid: c.sdpMid, sdpMLineIndex: 0 };
}

let offsetMs = 0;
let gw: RunningGateway;

beforeAll(async () => {
  // The gateway's clock stands still unless the test moves it, so the call has
  // a known duration without sleeping.
  const frozen = Date.now();
  gw = await startGateway({}, { now: () => frozen + offsetMs });
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
    expect(Array.isArray(ice.iceServers)).toBe(true);

    const pa = new RTCPeerConnection({ iceServers: ice.iceServers });
    const pb = new RTCPeerConnection({ iceServers: ice.iceServers });
    try {
      // Caller: candidates wait until the call exists (the initiate ack).
      const call: { id?: string | undefined } = {};
      const pending: unknown[] = [];
      const sendCandidate = (socket: Socket, candidate: unknown) => socket.emit('call:ice-candidate', { chatId, candidate });
      pa.onicecandidate = (e) => {
        if (!e.candidate) return;
        const init = toInit(e.candidate);
        if (call.id === undefined) pending.push(init);
        else sendCandidate(sa, init);
      };
      pb.onicecandidate = (e) => {
        if (e.candidate) sendCandidate(sb, toInit(e.candidate));
      };
      // Both sides add remote candidates only once the remote description is set.
      const remoteSet = { a: false, b: false };
      const buffered: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
      const addRemote = async (side: 'a' | 'b', candidate: unknown) => {
        if (candidate === null) return;
        if (!remoteSet[side]) buffered[side].push(candidate);
        else await (side === 'a' ? pa : pb).addIceCandidate(candidate);
      };
      sa.on('call:ice-candidate', (m: { candidate: unknown }) => void addRemote('a', m.candidate));
      sb.on('call:ice-candidate', (m: { candidate: unknown }) => void addRemote('b', m.candidate));

      const received = new Promise<string>((resolve) => {
        pb.ondatachannel = (e) => {
          e.channel.onmessage = (m) => resolve(String(m.data));
        };
      });
      const channel = pa.createDataChannel('chat');
      const opened = new Promise<void>((resolve) => (channel.onopen = () => resolve()));

      const offerReceived = once<{ callId: string; callerId: string; offer: { type: 'offer'; sdp: string } }>(sb, 'call:offer');
      await pa.setLocalDescription(await pa.createOffer());
      const ack = await emitAck(sa, 'call:initiate', { chatId, offer: { type: 'offer', sdp: pa.localDescription.sdp } });
      call.id = ack.callId;
      const callId = call.id;
      expect(callId).toBeTypeOf('string');
      for (const c of pending.splice(0)) sendCandidate(sa, c);

      const offer = await offerReceived;
      expect(offer).toMatchObject({ callId, callerId: alice.user.id });
      await pb.setRemoteDescription(offer.offer);
      remoteSet.b = true;
      for (const c of buffered.b.splice(0)) await pb.addIceCandidate(c as RTCIceCandidateInit);
      const answerReceived = once<{ callId: string; answer: { type: 'answer'; sdp: string } }>(sa, 'call:answer');
      await pb.setLocalDescription(await pb.createAnswer());
      await emitAck(sb, 'call:answer', { chatId, answer: { type: 'answer', sdp: pb.localDescription.sdp } });
      const answer = await answerReceived;
      expect(answer.callId).toBe(callId);
      await pa.setRemoteDescription(answer.answer);
      remoteSet.a = true;
      for (const c of buffered.a.splice(0)) await pa.addIceCandidate(c as RTCIceCandidateInit);

      await opened;
      channel.send('hello through a peer-to-peer data channel');
      expect(await received).toBe('hello through a peer-to-peer data channel');

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
