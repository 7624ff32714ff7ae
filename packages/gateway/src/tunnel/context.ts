import type { TokenVerifier } from '../core/auth.js';
import type { SqlDeviceStore } from '../devices/store.js';
import type { AgentHub } from './agent-hub.js';
import type { ResolvedTunnelOptions } from './options.js';
import type { PortListeners } from './port-listeners.js';

/** The subset of a pino logger the relay uses. */
export interface TunnelLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What the endpoint modules share. */
export interface TunnelContext {
  readonly devices: SqlDeviceStore;
  readonly tokens: TokenVerifier;
  readonly hub: AgentHub;
  readonly ports: PortListeners;
  readonly options: ResolvedTunnelOptions;
  readonly now: () => number;
  readonly log: TunnelLogger;
  /** Serialises presence writes per device so a late "offline" never overwrites a newer "online". */
  presence(deviceId: string, write: () => Promise<void>): void;
}
