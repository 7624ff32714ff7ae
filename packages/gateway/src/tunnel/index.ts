export { createTunnelRelay, type TunnelRelay, type TunnelRelayDeps, type TunnelRelayStats } from './relay.js';
export { DEFAULT_TUNNEL_PORTS, TUNNEL_DEFAULTS, parsePortRange, resolveTunnelOptions, type TunnelRelayOptions } from './options.js';
export type { TunnelLogger } from './context.js';
