import { describe, expect, it } from 'vitest';
import { resolveTurnServerOptions, type TurnServerOptions } from './options.js';
import { createTurnServer } from './turn-server.js';

describe('TURN server options', () => {
  it('refuses to start without a secret, before binding anything', async () => {
    await expect(createTurnServer({ port: 0 } as unknown as TurnServerOptions)).rejects.toMatchObject({ code: 'TURN_ERR_INVALID_OPTIONS', message: /secret/ });
  });

  it('applies secure defaults', () => {
    const resolved = resolveTurnServerOptions({ secret: 'x'.repeat(16) });
    expect(resolved).toMatchObject({ port: 3478, listenAddress: '0.0.0.0', realm: 'peerlink', allowPeers: [], relayPorts: { min: 49152, max: 65535 }, tcp: true, strictReplySize: false });
  });

  it('names every bad setting at once', () => {
    expect(() => resolveTurnServerOptions({ secret: 'short', allowPeers: ['10.0.0.0/99'], relayPorts: { min: 5000, max: 4000 }, port: 70_000 })).toThrow(
      /port: .*; secret: .*16 characters; relayPorts: .*; allowPeers\.0: must be a CIDR/,
    );
  });

  it('rejects unknown options', () => {
    expect(() => resolveTurnServerOptions({ secret: 'x'.repeat(16), allowLoopback: true } as unknown as TurnServerOptions)).toThrow(/TURN server options/);
  });

  it('starts on OS-chosen ports and closes cleanly', async () => {
    const server = await createTurnServer({ port: 0, listenAddress: '127.0.0.1', secret: 'x'.repeat(16), relayPorts: { min: 27_100, max: 27_200 } });
    expect(server.udpAddress.port).toBeGreaterThan(0);
    expect(server.tcpAddress?.port).toBe(server.udpAddress.port);
    expect(server.relayIp).toBe('127.0.0.1');
    await server.close();
  });
});
