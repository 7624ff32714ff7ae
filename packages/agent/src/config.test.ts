import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './config.js';
import { backoffDelay } from './core/backoff.js';
import { connectionQuality } from './core/quality.js';
import { decodeStreamHeader, encodeStreamHeader, MAX_STREAM_HEADER_BYTES } from './wire/stream-header.js';

const valid = {
  agent: { agent_id: 'cam-1', connection_mode: 'hybrid' },
  p2p: { enabled: true, stun_servers: ['stun:stun.example:3478'], turn_servers: [{ url: 'turn:turn.example:3478', username: 'u', password: 'p' }], ice_timeout: 5 },
  tunnel_server_url: 'https://gw.example',
  fallback_to_tunnel: true,
  services: [{ name: 'rtsp', target: '127.0.0.1:554' }],
  device_credential: 'A'.repeat(43),
};

describe('agent config', () => {
  it('accepts the source design fields plus services and applies defaults', () => {
    const config = parseAgentConfig(valid);
    expect(config.agent.connection_mode).toBe('hybrid');
    expect(config.local_api).toBe('127.0.0.1:8080');
    expect(config.key_file).toBe('agent.key');
    expect(config.p2p.ice_timeout).toBe(5);
  });

  it('names the field and the problem', () => {
    expect(() => parseAgentConfig({ ...valid, agent: { agent_id: 'cam-1', connection_mode: 'udp' } })).toThrow(/agent\.connection_mode/);
    expect(() => parseAgentConfig({ ...valid, services: [{ name: 'rtsp', target: 'nowhere' }] })).toThrow(/services\.0\.target: must be "host:port"/);
    expect(() => parseAgentConfig({ ...valid, services: [] })).toThrow(/services: list at least one service/);
    expect(() => parseAgentConfig({ ...valid, services: [valid.services[0], valid.services[0]] })).toThrow(/service names must be unique/);
    expect(() => parseAgentConfig({ ...valid, extra: 1 })).toThrow(/\(root\)/);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter in [ceiling/2, ceiling] and caps', () => {
    expect(backoffDelay(0, 0)).toBe(125);
    expect(backoffDelay(0, 1)).toBe(250);
    expect(backoffDelay(3, 1)).toBe(2000);
    expect(backoffDelay(30, 1)).toBe(15_000);
    expect(backoffDelay(30, 0)).toBe(7_500);
  });
});

describe('connection quality', () => {
  it('maps connectivity, path and RTT', () => {
    expect(connectionQuality({ connected: false, path: 'direct', rttMs: 1 })).toBe('lost');
    expect(connectionQuality({ connected: true, path: 'direct', rttMs: 10 })).toBe('excellent');
    expect(connectionQuality({ connected: true, path: 'tunnel', rttMs: 10 })).toBe('good');
    expect(connectionQuality({ connected: true, path: 'tunnel', rttMs: 400 })).toBe('poor');
    expect(connectionQuality({ connected: true, path: 'tunnel', rttMs: undefined })).toBe('poor');
  });
});

describe('stream header codec', () => {
  it('round-trips with the bytes in the test', () => {
    const bytes = encodeStreamHeader({ service: 'rtsp' });
    expect([...bytes.subarray(0, 2)]).toEqual([0, 18]);
    expect(new TextDecoder().decode(bytes.subarray(2))).toBe('{"service":"rtsp"}');
    expect(decodeStreamHeader(bytes)).toEqual({ status: 'ok', json: { service: 'rtsp' }, consumed: 20 });
    expect(decodeStreamHeader(bytes.subarray(0, 5))).toEqual({ status: 'need-more' });
  });

  it('rejects zero, oversized and non-JSON headers as values', () => {
    expect(decodeStreamHeader(Uint8Array.of(0, 0)).status).toBe('error');
    expect(decodeStreamHeader(Uint8Array.of((MAX_STREAM_HEADER_BYTES + 1) >> 8, (MAX_STREAM_HEADER_BYTES + 1) & 0xff)).status).toBe('error');
    expect(decodeStreamHeader(Uint8Array.of(0, 1, 0x7b)).status).toBe('error');
    expect(() => encodeStreamHeader({ service: 'x', user: 'u'.repeat(2000) })).toThrow(RangeError);
  });
});
