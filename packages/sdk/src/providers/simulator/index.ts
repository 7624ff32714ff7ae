export { SimulatorNetwork, type SimulatorNetworkOptions, type SimulatorPeerOptions } from './network.js';
export { SimulatorProvider, DIRECT_SETUP_ROUND_TRIPS, RELAY_SETUP_ROUND_TRIPS } from './provider.js';
export { DEFAULT_LINK_KNOBS, DEFAULT_SEED, readSimulatorEnv, resolveKnobs, SimulatorConfigError, type LinkKnobs, type SimulatorEnv } from './knobs.js';
export { NAT_TYPES, selectPath, type NatType, type PathDecision } from './nat.js';
export { Prng } from './prng.js';
export { VirtualClock } from './virtual-clock.js';
export { MAX_SEGMENT_ATTEMPTS, MAX_RTO_MS } from './arq.js';
export { ACK_PACKET_BYTES, PACKET_OVERHEAD_BYTES } from './link.js';
export type { TraceEvent } from './trace.js';
