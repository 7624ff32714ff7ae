/**
 * Options of the tunnel relay, validated once by {@link resolveTunnelOptions}.
 * Every limit is explicit and documented here.
 */
import { FRAME_HEADER_LENGTH, MAX_FRAME_PAYLOAD } from '@peerlink/protocol';
import type { SessionOptions } from '@peerlink/sdk';
import type { PortRange } from '../devices/model.js';

export interface TunnelRelayOptions {
  /** Largest WebSocket message accepted (default: one full session frame, 65 545 bytes). Larger → close 1009. */
  readonly maxPayload?: number;
  /** Most concurrently open streams per device, over server ports and `/tunnel/client` together (default 256). Extra opens are refused with `STREAM_LIMIT`. */
  readonly maxStreamsPerDevice?: number;
  /** Most connected agents (default 10 000). Extra agents are refused at the upgrade with 503. */
  readonly maxAgents?: number;
  /** Most connected `/tunnel/client` sessions (default 10 000). Extra clients are refused with 503. */
  readonly maxClients?: number;
  /** An agent must complete the key proof within this many ms (default 10 000). */
  readonly handshakeTimeoutMs?: number;
  /**
   * Server port range for device services (default 20000-20999; env `PEERLINK_TUNNEL_PORTS`). Keep it outside the
   * kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`, 32768-60999 on Linux), or an outgoing
   * connection may hold a service's port when the gateway wants to listen on it.
   */
  readonly tunnelPorts?: PortRange;
  /** Address server ports listen on (default `127.0.0.1`: only the gateway host reaches them). */
  readonly serverPortHost?: string;
  /** Session tuning of tunnel sessions (keepalive, windows); see `SessionOptions`. */
  readonly session?: SessionOptions;
}

export type ResolvedTunnelOptions = Required<Omit<TunnelRelayOptions, 'session'>> & { session: SessionOptions };

export const DEFAULT_TUNNEL_PORTS: PortRange = { min: 20_000, max: 20_999 };

export const TUNNEL_DEFAULTS: ResolvedTunnelOptions = {
  maxPayload: FRAME_HEADER_LENGTH + MAX_FRAME_PAYLOAD,
  maxStreamsPerDevice: 256,
  maxAgents: 10_000,
  maxClients: 10_000,
  handshakeTimeoutMs: 10_000,
  tunnelPorts: DEFAULT_TUNNEL_PORTS,
  serverPortHost: '127.0.0.1',
  session: {},
};

/** Applies defaults and checks ranges. Throws RangeError naming the option. */
export function resolveTunnelOptions(options: TunnelRelayOptions = {}): ResolvedTunnelOptions {
  const o: ResolvedTunnelOptions = { ...TUNNEL_DEFAULTS, ...options, session: options.session ?? {} };
  range('maxPayload', o.maxPayload, FRAME_HEADER_LENGTH + MAX_FRAME_PAYLOAD, 16 * 1024 * 1024);
  range('maxStreamsPerDevice', o.maxStreamsPerDevice, 1, 65_536);
  range('maxAgents', o.maxAgents, 1, 1_000_000);
  range('maxClients', o.maxClients, 1, 1_000_000);
  range('handshakeTimeoutMs', o.handshakeTimeoutMs, 100, 600_000);
  checkPortRange(o.tunnelPorts, 'tunnelPorts');
  return o;
}

/** Parses `min-max` (e.g. `PEERLINK_TUNNEL_PORTS=20000-20999`). Throws RangeError naming `what`. */
export function parsePortRange(text: string, what = 'PEERLINK_TUNNEL_PORTS'): PortRange {
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(text);
  if (match === null) throw new RangeError(`${what} must look like "20000-20999", got "${text}"`);
  const range = { min: Number(match[1]), max: Number(match[2]) };
  checkPortRange(range, what);
  return range;
}

function checkPortRange(r: PortRange, what: string): void {
  if (!Number.isInteger(r.min) || !Number.isInteger(r.max) || r.min < 1 || r.max > 65_535 || r.min > r.max) {
    throw new RangeError(`${what}: need 1 <= min <= max <= 65535, got ${r.min}-${r.max}`);
  }
}

function range(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
}
