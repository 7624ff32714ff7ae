/**
 * Relay → direct upgrade for the client side of `peerlink connect`
 * (`HybridForwarder`): when its p2p connection came up over a TURN relay, it
 * keeps trying a direct-only connection in the background and moves NEW
 * streams to it once it works (reason `relay-upgraded-to-direct`).
 *
 * Why a second connection and not a provider option: one ICE agent cannot be
 * made to re-nominate. libjuice (node-datachannel) nominates the first pair
 * whose check succeeds and then stops checking, so a relay pair that won the
 * race against a srflx pair still waiting for the peer's hole punch stays
 * selected for the connection's life (measured in docs/CONNECTIVITY.md, (b)).
 * A fresh attempt that cannot see any relay candidate is the only way to
 * find the direct pair with that agent, and it needs nothing from the device
 * agent: it is an ordinary inbound dial. Where to put streams is the
 * forwarder's decision (as for the tunnel fall forward), so it lives here.
 *
 * The attempt is made direct-only in three ways, all on our side:
 * - no TURN servers in its configuration (STUN only: no local relay candidate);
 * - remote `typ relay` candidates are dropped before libjuice sees them;
 * - a selected remote candidate of type `prflx` whose address is one of our
 *   TURN servers' is reported as `relay` ({@link relayAwareRtc}): it is the
 *   agent's relay address, learnt from a check that came through the server
 *   before the relay candidate was signaled. The dial uses
 *   `policy.allow: ['direct']`, so such a pair fails the attempt.
 * The main connection's constructor gets {@link relayAwareRtc} too, so a
 * relayed pair that looks peer-reflexive is reported (and upgraded) as relay.
 */
import type { P2PConnection } from '@peerlink/sdk';
import type { RtcPeerConnectionConstructor } from '@peerlink/sdk';
import { backoffDelay, type BackoffOptions } from '../core/backoff.js';

export interface DirectUpgradeOptions {
  /** Delay before attempt n ≥ 1 (the first runs at once): capped exponential, full jitter. Default 1 s doubling to 30 s. */
  readonly retry?: BackoffOptions;
  /** Attempts per relayed connection before giving up (a new relayed connection starts over). Default 10. */
  readonly maxAttempts?: number;
}

export const DIRECT_UPGRADE_DEFAULTS = { retry: { initialMs: 1_000, maxMs: 30_000 }, maxAttempts: 10 } as const;

const TURN_URL = /^turns?:(?:\/\/)?(\[[^\]]+\]|[^:?/]+)/i;

/** Host part of every `turn:`/`turns:` URL in `servers` (brackets removed from IPv6). */
export function turnHosts(servers: readonly RTCIceServer[]): Set<string> {
  const hosts = new Set<string>();
  for (const server of servers) {
    for (const url of typeof server.urls === 'string' ? [server.urls] : server.urls) {
      const host = TURN_URL.exec(url)?.[1];
      if (host !== undefined) hosts.add(host.replace(/^\[|\]$/g, ''));
    }
  }
  return hosts;
}

/** True for an ICE candidate attribute of type `relay` (RFC 8839 §5.1: `… typ relay …`). */
export function isRelayCandidate(candidate: string | undefined): boolean {
  return candidate !== undefined && / typ relay(?: |$)/.test(candidate);
}

interface StatsEntry {
  readonly type?: string;
  readonly candidateType?: string;
  readonly ip?: string;
  readonly address?: string;
}

/**
 * Wraps an `RTCPeerConnection` constructor so that `getStats()` reports a
 * remote candidate of type `prflx` at one of the configured TURN servers'
 * addresses as `relay`. libjuice learns the peer's relay address as
 * peer-reflexive when the peer's check (sent through its TURN server) comes
 * before its relay candidate is signaled; the selected pair then looks
 * direct (`ice-srflx-prflx`) although every packet crosses the server.
 */
export function relayAwareRtc(rtc: RtcPeerConnectionConstructor, turnHostsOf: (configuration: RTCConfiguration) => Set<string> = (c) => turnHosts(c.iceServers ?? [])): RtcPeerConnectionConstructor {
  return new Proxy(rtc, {
    construct(target, args: [RTCConfiguration?]) {
      const [configuration = {}] = args;
      const relays = turnHostsOf(configuration);
      const pc = Reflect.construct(target, [configuration]);
      const getStats = pc.getStats.bind(pc);
      pc.getStats = async (selector?: MediaStreamTrack | null) => {
        const report = await getStats(selector);
        const out = new Map<string, unknown>();
        report.forEach((value: StatsEntry, key: string) => {
          const ip = value.ip ?? value.address;
          const viaRelay = value.type === 'remote-candidate' && value.candidateType === 'prflx' && ip !== undefined && relays.has(ip);
          out.set(key, viaRelay ? { ...value, candidateType: 'relay' } : value);
        });
        return out;
      };
      return pc;
    },
  });
}

/**
 * Wraps an `RTCPeerConnection` constructor so its connections can only form
 * direct pairs (see the file header): STUN-only configuration, remote relay
 * candidates ignored, a prflx remote at a TURN server's address reported as
 * relay ({@link relayAwareRtc}, with the TURN servers before they were removed).
 */
export function directOnlyRtc(rtc: RtcPeerConnectionConstructor): RtcPeerConnectionConstructor {
  let relays = new Set<string>();
  const aware = relayAwareRtc(rtc, () => relays);
  return new Proxy(aware, {
    construct(target, args: [RTCConfiguration?]) {
      const [configuration = {}] = args;
      const servers = configuration.iceServers ?? [];
      relays = turnHosts(servers);
      const stunOnly = servers
        .map((s) => ({ urls: (typeof s.urls === 'string' ? [s.urls] : s.urls).filter((u) => /^stuns?:/i.test(u)) }))
        .filter((s) => s.urls.length > 0);
      const pc = Reflect.construct(target, [{ ...configuration, iceServers: stunOnly, iceTransportPolicy: 'all' }]) as RTCPeerConnection;
      const addIceCandidate = pc.addIceCandidate.bind(pc);
      pc.addIceCandidate = (candidate?: RTCIceCandidateInit | null) => (isRelayCandidate(candidate?.candidate ?? undefined) ? Promise.resolve() : addIceCandidate(candidate ?? undefined));
      return pc;
    },
  });
}

/**
 * Runs `dial` (a direct-only connect) until it succeeds, `maxAttempts` ran, or
 * `signal` aborts: the first attempt at once, then after capped exponential
 * backoff. Resolves with the direct connection, or undefined.
 */
export async function upgradeToDirect(dial: (signal: AbortSignal) => Promise<P2PConnection>, signal: AbortSignal, options: DirectUpgradeOptions = {}, random: () => number = Math.random): Promise<P2PConnection | undefined> {
  const maxAttempts = options.maxAttempts ?? DIRECT_UPGRADE_DEFAULTS.maxAttempts;
  for (let attempt = 0; attempt < maxAttempts && !signal.aborted; attempt++) {
    if (attempt > 0) await abortableSleep(backoffDelay(attempt - 1, random(), options.retry ?? DIRECT_UPGRADE_DEFAULTS.retry), signal);
    if (signal.aborted) break;
    try {
      const conn = await dial(signal);
      if (!signal.aborted) return conn;
      await conn.close('upgrade-abandoned');
    } catch {
      // No direct pair this time (timeout, path-not-allowed, signaling): try again later.
    }
  }
  return undefined;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
