/**
 * node-datachannel's `RTCPeerConnection` polyfill (0.33) turns an ICE server
 * into `turn:<username>:<credential>@host:port` without percent-encoding.
 * TURN REST usernames contain ':' (`<expiry>:<user>`) and base64 credentials
 * '/', '+' and '=', so libdatachannel mis-parses the URL and never allocates
 * a relay. libdatachannel percent-decodes both fields, so encoding them first
 * gives it the right values.
 */
import type { RtcPeerConnectionConstructor } from '@peerlink/sdk';

function encodeServer(server: RTCIceServer): RTCIceServer {
  const { username, credential } = server;
  return {
    ...server,
    ...(typeof username === 'string' ? { username: encodeURIComponent(username) } : {}),
    ...(typeof credential === 'string' ? { credential: encodeURIComponent(credential) } : {}),
  };
}

/** Wraps node-datachannel's polyfill constructor so TURN credentials reach libdatachannel intact. Only for that polyfill: browsers take the fields as they are. */
export function withEncodedIceCredentials(rtc: RtcPeerConnectionConstructor): RtcPeerConnectionConstructor {
  return new Proxy(rtc, {
    construct(target, args: [RTCConfiguration?]) {
      const [configuration] = args;
      const encoded = configuration?.iceServers === undefined ? configuration : { ...configuration, iceServers: configuration.iceServers.map(encodeServer) };
      return Reflect.construct(target, encoded === undefined ? [] : [encoded]);
    },
  });
}

/**
 * The `RTCPeerConnection` every Node composition root should use: node-datachannel's
 * polyfill (loaded on demand, so tunnel-only processes never load the native
 * module), wrapped by {@link withEncodedIceCredentials}.
 */
export async function loadNodeRtc(): Promise<RtcPeerConnectionConstructor> {
  const { RTCPeerConnection } = await import('node-datachannel/polyfill');
  return withEncodedIceCredentials(RTCPeerConnection as unknown as RtcPeerConnectionConstructor);
}
