import { describe, expect, it } from 'vitest';
import { iceConfigForHost, type IceServersConfig } from './ice-servers.js';

const base: IceServersConfig = {
  stunUrls: [],
  turnUrls: [],
  turnSecret: 'shared-secret-of-sixteen',
  ttlSeconds: 60,
  urlsForHost: (h) => ({ stunUrls: [`stun:${h}:3478`], turnUrls: [`turn:${h}:3478`] }),
};

describe('iceConfigForHost', () => {
  it('names the embedded server by the host the client used', () => {
    expect(iceConfigForHost(base, 'gw.example.org')).toMatchObject({ stunUrls: ['stun:gw.example.org:3478'], turnUrls: ['turn:gw.example.org:3478'] });
    expect(iceConfigForHost(base, '[2001:db8::1]').stunUrls).toEqual(['stun:[2001:db8::1]:3478']);
  });

  it('ignores malformed or hostile Host headers', () => {
    for (const bad of [undefined, '', 'a b', 'evil.org?transport=tcp', 'x@y', 'a'.repeat(254), 'host:1234']) {
      expect(iceConfigForHost(base, bad)).toBe(base);
    }
  });

  it('prefers configured URLs (PEERLINK_TURN_URLS)', () => {
    const configured = { ...base, turnUrls: ['turn:turn.example.org:3478'] };
    expect(iceConfigForHost(configured, 'gw.example.org')).toBe(configured);
  });
});
