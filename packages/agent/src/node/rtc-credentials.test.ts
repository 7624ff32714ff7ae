import { describe, expect, it } from 'vitest';
import type { RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { withEncodedIceCredentials } from './rtc-credentials.js';

describe('withEncodedIceCredentials', () => {
  it('percent-encodes TURN REST usernames and credentials, leaves the rest alone', () => {
    const seen: (RTCConfiguration | undefined)[] = [];
    class Fake {
      constructor(configuration?: RTCConfiguration) {
        seen.push(configuration);
      }
    }
    const Rtc = withEncodedIceCredentials(Fake as unknown as RtcPeerConnectionConstructor);
    new Rtc({ iceServers: [{ urls: 'stun:203.0.113.10:3478' }, { urls: ['turn:203.0.113.10:3478?transport=udp'], username: '1795536038:user-1', credential: 'N5Zv/lVu+ol9=' }], iceTransportPolicy: 'all' });
    new Rtc();
    expect(seen).toEqual([
      { iceServers: [{ urls: 'stun:203.0.113.10:3478' }, { urls: ['turn:203.0.113.10:3478?transport=udp'], username: '1795536038%3Auser-1', credential: 'N5Zv%2FlVu%2Bol9%3D' }], iceTransportPolicy: 'all' },
      undefined,
    ]);
  });
});
