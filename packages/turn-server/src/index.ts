/**
 * @peerlink/turn-server — embedded STUN/TURN server (RFC 8489 / RFC 8656).
 * `src/core` is sans-I/O (inject a clock and randomness, carry out the
 * returned actions); `src/node` drives it with dgram/net sockets.
 */
export type { DropReason, RefusalReason, TurnAction } from './core/actions.js';
export { DEFAULT_DENIED_RANGES, PeerAddressFilter, parseCidr, type Cidr, type OwnAddresses, type PeerAddressFilterInit, type PeerDenyReason, type PeerVerdict } from './core/address-filter.js';
export { DEFAULT_ALLOCATION_LIFETIME_MS, MAX_ALLOCATION_LIFETIME_MS, grantedLifetimeMs } from './core/allocation.js';
export { CHANNEL_LIFETIME_MS, CHANNEL_REBIND_QUARANTINE_MS } from './core/channel.js';
export { CredentialStore, restPassword, restUsername, type CredentialsInit } from './core/credentials.js';
export { MAX_RELAYED_DATA_BYTES } from './core/data-path.js';
export type { AddressFamily, ClientTransport, FiveTuple, TransportAddress } from './core/five-tuple.js';
export { formatIpAddress, normaliseIpAddress, parseIpAddress, type IpAddress } from './core/ip-address.js';
export { DEFAULT_NONCE_LIFETIME_MS } from './core/nonce.js';
export { PERMISSION_LIFETIME_MS } from './core/permission.js';
export { DEFAULT_QUOTAS, resolveQuotas, type QuotaInit, type Quotas } from './core/quotas.js';
export type { SourceRateLimitInit } from './core/source-rate-limiter.js';
export { TurnServerCore, type TurnServerCoreComponents, type TurnServerCoreInit } from './core/server-core.js';
export { createTurnServer, type TurnServerHandle } from './node/turn-server.js';
export { resolveTurnServerOptions, turnServerOptionsSchema, type ResolvedTurnServerOptions, type TurnServerOptions } from './node/options.js';
export { TurnMetrics, type DriverDropReason } from './node/metrics.js';
