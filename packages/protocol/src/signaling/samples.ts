/**
 * Sample session descriptions and candidates in the exact text browsers
 * produce, for tests of anything that handles signaling.
 * Provenance: shape of Chromium 120+ `createOffer()` output for one audio, one
 * video and one data-channel section (ssrc lines trimmed), Firefox's `SDPARTA`
 * origin line, and `RTCIceCandidate.candidate` strings as logged by Chromium
 * and Firefox (addresses replaced with documentation ranges).
 */
const CRLF = '\r\n';

export const CHROMIUM_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 5b0c2f0e-6f3a-4c1a-9a57-2f0a3b1d7c44',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendrecv',
  'a=msid:5b0c2f0e-6f3a-4c1a-9a57-2f0a3b1d7c44 2b7f4e2c-1d8e-4a8b-b2f4-7e0c5d1a9e33',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=ssrc:3735928559 cname:Xh2bQ8wY1c6zK0pA',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:1',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:2',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join(CRLF);

export const CHROMIUM_ANSWER = CHROMIUM_OFFER.replace('o=- 4611731400430051336 2', 'o=- 8052340924531962310 2').replaceAll(
  'a=setup:actpass',
  'a=setup:active',
);

export const FIREFOX_OFFER_LF = [
  'v=0',
  'o=mozilla...THIS_IS_SDPARTA-99.0 5179469493624880370 0 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=fingerprint:sha-256 3E:7B:55:C4:9A:10:21:0D:6C:88:A3:10:5B:26:41:EC:4A:5E:0B:3F:A2:77:19:4D:8E:3B:21:5A:9C:0F:11:D2',
  'a=group:BUNDLE 0',
  'a=ice-options:trickle',
  'a=msid-semantic:WMS *',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=sendrecv',
  'a=ice-pwd:6c2f1b1d2a3e4f5a6b7c8d9e0f1a2b3c',
  'a=ice-ufrag:4e1f7a2b',
  'a=mid:0',
  'a=setup:actpass',
  'a=sctp-port:5000',
  'a=max-message-size:1073741823',
  '',
].join('\n');

export const GOOD_CANDIDATES = [
  // Chromium host candidate behind mDNS obfuscation
  'candidate:1467250027 1 udp 2122260223 e0f7b5d9-5b0a-4bde-8b1f-3f1a8d3c9f21.local 54321 typ host generation 0 ufrag EsAw network-id 1',
  // Chromium server-reflexive
  'candidate:842163049 1 udp 1677729535 203.0.113.7 60123 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag EsAw network-id 1 network-cost 10',
  // Chromium relay (TURN)
  'candidate:3940617862 1 udp 41885439 198.51.100.4 50000 typ relay raddr 203.0.113.7 rport 60123 generation 0 ufrag EsAw network-id 1',
  // Chromium active TCP host candidate (RFC 6544, port 9)
  'candidate:2999745851 1 tcp 1518280447 192.0.2.5 9 typ host tcptype active generation 0 ufrag EsAw network-id 1',
  // Firefox host + IPv6
  'candidate:0 1 UDP 2122252543 192.0.2.10 49203 typ host',
  'candidate:2 1 UDP 2122187007 2001:db8::1 51000 typ host',
  'candidate:4 1 UDP 1686052863 ::ffff:203.0.113.9 51001 typ prflx raddr ::ffff:192.0.2.10 rport 49203',
  'candidate:a+b/C 2 UDP 1 2001:0db8:0000:0000:0000:ff00:0042:8329 1 typ relay',
];
