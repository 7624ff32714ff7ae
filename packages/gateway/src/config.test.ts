import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.js';

describe('loadGatewayConfig', () => {
  it('has the documented defaults', () => {
    const c = loadGatewayConfig();
    expect(c.port).toBe(8000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe('./data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.turn).toEqual({ enabled: true, port: 3478, realm: 'peerlink', relayPorts: { min: 49152, max: 65535 }, externalIp: undefined, allowPeers: [] });
    expect(c.ringTimeoutMs).toBe(30_000);
  });

  it('reads env and lets flags win over env', () => {
    const c = loadGatewayConfig({
      env: { PEERLINK_PORT: '9000', PEERLINK_DATA_DIR: '/tmp/x', PEERLINK_TURN_ALLOW_PEERS: '127.0.0.1/32, 10.0.0.0/8', PEERLINK_TURN_RELAY_PORTS: '50000-50100' },
      flags: { port: '9100', turnEnabled: false },
    });
    expect(c.port).toBe(9100);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.turn.enabled).toBe(false);
    expect(c.turn.allowPeers).toEqual(['127.0.0.1/32', '10.0.0.0/8']);
    expect(c.turn.relayPorts).toEqual({ min: 50000, max: 50100 });
  });

  it('switches to PostgreSQL only for a postgres URL', () => {
    expect(loadGatewayConfig({ env: { DATABASE_URL: 'postgres://u@h/db' } }).databaseUrl).toBe('postgres://u@h/db');
    expect(() => loadGatewayConfig({ env: { DATABASE_URL: 'mysql://x' } })).toThrow(/databaseUrl \(DATABASE_URL\)/);
  });

  it('names every bad setting and the problem', () => {
    let message = '';
    try {
      loadGatewayConfig({ env: { PEERLINK_PORT: 'abc', PEERLINK_TURN_RELAY_PORTS: '9-2', PEERLINK_JWT_SECRET: 'short' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/port \(PEERLINK_PORT\)/);
    expect(message).toMatch(/turnRelayPorts \(PEERLINK_TURN_RELAY_PORTS\)/);
    expect(message).toMatch(/jwtSecret \(PEERLINK_JWT_SECRET\): must be at least 32/);
  });

  it('treats an empty env variable as unset', () => {
    expect(loadGatewayConfig({ env: { PEERLINK_PORT: '' } }).port).toBe(8000);
  });
});
