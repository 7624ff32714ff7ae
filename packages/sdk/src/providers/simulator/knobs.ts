/** Behaviour of the simulated network between two peers (both directions). */
export interface LinkKnobs {
  /** One-way delay in ms (default 20; env `SIMULATOR_P2P_LATENCY_MS`; 0..60 000). */
  readonly latencyMs: number;
  /** Extra one-way delay, uniform in [0, jitterMs) per packet; may reorder (default 0; env `SIMULATOR_P2P_JITTER_MS`; 0..60 000). */
  readonly jitterMs: number;
  /** Probability that a packet is lost, below the reliable layer (default 0; env `SIMULATOR_P2P_PACKET_LOSS`; 0..1). */
  readonly packetLoss: number;
  /** Probability that a connection attempt fails outright (default 0; env `SIMULATOR_P2P_FAILURE_RATE`; 0..1). */
  readonly failureRate: number;
  /** Serialisation rate per direction in kbit/s; 0 = unlimited (default 0; env `SIMULATOR_P2P_BANDWIDTH_KBPS`; 0..10 000 000). */
  readonly bandwidthKbps: number;
}

export const DEFAULT_LINK_KNOBS: LinkKnobs = {
  latencyMs: 20,
  jitterMs: 0,
  packetLoss: 0,
  failureRate: 0,
  bandwidthKbps: 0,
};

/** Seed used when neither options nor `SIMULATOR_P2P_SEED` give one. */
export const DEFAULT_SEED = 1;

const ENV: ReadonlyArray<readonly [keyof LinkKnobs, string, number, number]> = [
  ['latencyMs', 'SIMULATOR_P2P_LATENCY_MS', 0, 60_000],
  ['jitterMs', 'SIMULATOR_P2P_JITTER_MS', 0, 60_000],
  ['packetLoss', 'SIMULATOR_P2P_PACKET_LOSS', 0, 1],
  ['failureRate', 'SIMULATOR_P2P_FAILURE_RATE', 0, 1],
  ['bandwidthKbps', 'SIMULATOR_P2P_BANDWIDTH_KBPS', 0, 10_000_000],
];

export interface SimulatorEnv {
  readonly knobs: Partial<LinkKnobs>;
  readonly seed: number | undefined;
}

/** Thrown for a malformed `SIMULATOR_P2P_*` variable or knob; names the variable and the accepted range. */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
}

/**
 * Reads `SIMULATOR_P2P_*` variables. Unset or empty variables are ignored;
 * anything else must be a number in range, or this throws
 * {@link SimulatorConfigError}. `SIMULATOR_P2P_SEED` is an integer 0..2^32-1.
 */
export function readSimulatorEnv(env: Readonly<Record<string, string | undefined>>): SimulatorEnv {
  const knobs: { -readonly [K in keyof LinkKnobs]?: number } = {};
  for (const [key, name, min, max] of ENV) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    knobs[key] = parseNumber(name, raw, min, max, false);
  }
  const rawSeed = env.SIMULATOR_P2P_SEED;
  const seed = rawSeed === undefined || rawSeed.trim() === '' ? undefined : parseNumber('SIMULATOR_P2P_SEED', rawSeed, 0, 0xffff_ffff, true);
  return { knobs, seed };
}

/** Merges and validates knobs; throws {@link SimulatorConfigError} naming the bad knob. */
export function resolveKnobs(base: LinkKnobs, override: Partial<LinkKnobs> = {}): LinkKnobs {
  const merged: LinkKnobs = { ...base, ...override };
  for (const [key, , min, max] of ENV) {
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new SimulatorConfigError(`simulator knob ${key} must be a number in [${min}, ${max}], got ${String(value)}`);
    }
  }
  return merged;
}

function parseNumber(name: string, raw: string, min: number, max: number, integer: boolean): number {
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new SimulatorConfigError(`${name} must be ${kind} in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}
