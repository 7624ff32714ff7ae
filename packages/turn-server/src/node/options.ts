/**
 * Options of {@link createTurnServer}, documented where declared and
 * validated once with zod. Secure defaults: authentication always on (no
 * secret, no server), peers denied by default, quotas on.
 */
import { z } from 'zod';
import type { Registry } from 'prom-client';
import { parseCidr } from '../core/address-filter.js';
import { parseIpAddress } from '../core/ip-address.js';
import type { QuotaInit } from '../core/quotas.js';

export interface TurnServerOptions {
  /** UDP and TCP listening port. Default 3478; 0 lets the OS choose (tests). */
  readonly port?: number;
  /** Listening IP. Default `'0.0.0.0'` (all IPv4 interfaces); `'::'` for dual-stack. */
  readonly listenAddress?: string;
  /** REALM of the long-term credentials (coturn `realm`). Default `'peerlink'`. */
  readonly realm?: string;
  /** TURN REST shared secret (coturn `static-auth-secret`). Required: the server refuses to start without one. */
  readonly secret: string;
  /** Fixed `username → password` accounts in addition to TURN REST. Default: none. */
  readonly staticUsers?: Readonly<Record<string, string>>;
  /** Inclusive UDP port range for relayed transport addresses. Default 49152–65535. */
  readonly relayPorts?: { readonly min: number; readonly max: number };
  /** IP relay sockets bind to. Default: `listenAddress`. */
  readonly relayAddress?: string;
  /**
   * IP advertised in XOR-RELAYED-ADDRESS (and XOR-MAPPED-ADDRESS is unaffected).
   * Default: `relayAddress` when it is a concrete IP, else the first
   * non-internal IPv4 of the host.
   */
  readonly externalIp?: string;
  /** CIDRs that open otherwise denied peer ranges (e.g. `['127.0.0.1/32']` for loopback tests). Never opens 0.0.0.0/8 or `::`. Default: none. */
  readonly allowPeers?: readonly string[];
  /** Allocation, permission and bandwidth limits (see `QuotaInit`). */
  readonly quotas?: QuotaInit;
  /** SOFTWARE attribute on authenticated responses; `null` omits it. Default `'peerlink'`. */
  readonly software?: string | null;
  /** Also listen on TCP (same port as UDP). Default true. */
  readonly tcp?: boolean;
  /** TURN over TLS (RFC 8656 §3.1) when a certificate is given. */
  readonly tls?: { readonly cert: string | Uint8Array; readonly key: string | Uint8Array; /** Default 5349; 0 lets the OS choose. */ readonly port?: number };
  /** Most simultaneous TCP/TLS client connections. Default 10 000. */
  readonly maxConnections?: number;
  /** Drop unauthenticated replies larger than the request even when that breaks browsers. Default false (see README). */
  readonly strictReplySize?: boolean;
  /**
   * Port of a second UDP listener that answers only Binding requests, with
   * RESPONSE-ORIGIN and OTHER-ADDRESS (RFC 5780 style; the primary's Binding
   * responses then name it too). A client compares the mapped addresses seen by
   * both ports to detect endpoint-dependent mapping (`peerlink doctor`).
   * Typically the TURN port + 1; 0 lets the OS choose. Default: none.
   */
  readonly alternatePort?: number;
  /** IP of the alternate listener (a second address of the host, if it has one). Default: `listenAddress`. */
  readonly alternateAddress?: string;
  /**
   * Accept channel numbers 0x5000–0x7FFE, RFC 5766's range that RFC 8656 §12
   * withdrew (coturn's turnutils_uclient still picks them). Default false: such
   * ChannelBind requests get 400, as RFC 8656 requires.
   */
  readonly legacyChannelNumbers?: boolean;
  /** Prometheus registry for the `peerlink_turn_*` metrics. Default: none (metrics still counted in a private registry). */
  readonly registry?: Registry;
}

const port = z.number().int().min(0).max(65_535);
const ip = z.string().refine((text) => parseIpAddress(text) !== undefined, 'must be an IPv4 or IPv6 address');
const positive = z.number().int().positive();

export const turnServerOptionsSchema = z
  .object({
    port: port.default(3478),
    listenAddress: ip.default('0.0.0.0'),
    realm: z.string().min(1).max(763).default('peerlink'),
    secret: z.string({ error: 'secret is required (TURN REST shared secret)' }).min(16, 'secret must be at least 16 characters'),
    staticUsers: z.record(z.string().min(1).max(513), z.string().min(1)).default({}),
    relayPorts: z
      .object({ min: port.min(1), max: port.min(1) })
      .refine((r) => r.min <= r.max, 'relayPorts.min must not exceed relayPorts.max')
      .default({ min: 49_152, max: 65_535 }),
    relayAddress: ip.optional(),
    externalIp: ip.optional(),
    allowPeers: z.array(z.string().refine((text) => parseCidr(text) !== undefined, 'must be a CIDR such as 127.0.0.1/32')).default([]),
    quotas: z
      .object({
        allocationsPerUser: positive.optional(),
        allocations: positive.optional(),
        permissionsPerAllocation: positive.optional(),
        bandwidthBytesPerSecond: positive.optional(),
      })
      .strict()
      .default({}),
    software: z.string().max(763).nullable().default('peerlink'),
    tcp: z.boolean().default(true),
    tls: z
      .object({ cert: z.union([z.string(), z.instanceof(Uint8Array)]), key: z.union([z.string(), z.instanceof(Uint8Array)]), port: port.default(5349) })
      .optional(),
    maxConnections: positive.default(10_000),
    strictReplySize: z.boolean().default(false),
    alternatePort: port.optional(),
    alternateAddress: ip.optional(),
    legacyChannelNumbers: z.boolean().default(false),
    registry: z.custom<Registry>((value) => typeof value === 'object' && value !== null && 'registerMetric' in value).optional(),
  })
  .strict();

export type ResolvedTurnServerOptions = z.output<typeof turnServerOptionsSchema>;

/** Validates options; throws an Error with code `TURN_ERR_INVALID_OPTIONS` naming every bad setting. */
export function resolveTurnServerOptions(options: TurnServerOptions): ResolvedTurnServerOptions {
  const parsed = turnServerOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`).join('; ');
  throw Object.assign(new Error(`invalid TURN server options: ${detail}`), { code: 'TURN_ERR_INVALID_OPTIONS' });
}
