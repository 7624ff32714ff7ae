/**
 * The embedded STUN/TURN server of `peerlink serve`: same shared secret as
 * `/api/ice-servers`, so the credentials the API hands out work on it.
 */
import type { Registry } from 'prom-client';
import { createTurnServer, type TurnServerHandle } from '@peerlink/turn-server';
import type { GatewayConfig } from './config.js';

export interface EmbeddedTurn {
  readonly handle: TurnServerHandle;
  /** `stun:`/`turn:` URLs for a client that reached the gateway as `hostname`. */
  urlsForHost(hostname: string): { stunUrls: string[]; turnUrls: string[] };
}

export async function startEmbeddedTurn(config: GatewayConfig, secret: string, registry: Registry): Promise<EmbeddedTurn> {
  const handle = await createTurnServer({
    secret,
    realm: config.turn.realm,
    port: config.turn.port,
    listenAddress: config.host,
    relayPorts: config.turn.relayPorts,
    allowPeers: [...config.turn.allowPeers],
    ...(config.turn.externalIp !== undefined ? { externalIp: config.turn.externalIp } : {}),
    ...(config.turn.alternatePort !== undefined ? { alternatePort: config.turn.alternatePort } : {}),
    registry,
  });
  const port = handle.udpAddress.port;
  return {
    handle,
    urlsForHost(hostname) {
      const host = config.turn.externalIp ?? hostname;
      const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      return {
        stunUrls: [`stun:${h}:${port}`],
        turnUrls: [`turn:${h}:${port}?transport=udp`, `turn:${h}:${port}?transport=tcp`],
      };
    },
  };
}
