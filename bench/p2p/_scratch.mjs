import { RTCPeerConnection } from 'node-datachannel/polyfill';
const a = new RTCPeerConnection({ iceServers: [], iceTransportPolicy: 'all' });
const b = new RTCPeerConnection({ iceServers: [], iceTransportPolicy: 'all' });
a.onicecandidate = (e) => { if (e.candidate) { console.log('a cand', e.candidate.candidate.slice(0,40), e.candidate.sdpMid, e.candidate.sdpMLineIndex); } };
const dc = a.createDataChannel('x');
const offer = await a.createOffer();
console.log('offer has cand', offer.sdp.includes('a=candidate'));
await a.setLocalDescription(offer);
await new Promise(r=>setTimeout(r,100));
console.log('local has cand', a.localDescription.sdp.includes('a=candidate'), a.localDescription.type);
try { await b.setRemoteDescription(a.localDescription); console.log('ok full'); } catch (e) { console.log('fail full', e.message); }
try { await b.setRemoteDescription(offer); console.log('ok plain'); } catch (e) { console.log('fail plain', e.message); }
a.close(); b.close();
