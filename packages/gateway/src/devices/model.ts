/**
 * Device registry model (issue 5). A device is created by its owner, who
 * receives a one-time credential; the agent proves its Ed25519 key on its
 * first tunnel connection, which binds `publicKey`/`peerId`.
 */

export type DeviceStatus = 'online' | 'offline';
export type DeviceMode = 'tunnel' | 'p2p' | 'hybrid';

export interface DeviceService {
  readonly name: string;
  /** Port on the gateway host (`127.0.0.1:<port>`) where the service is exposed; null when the range is exhausted. */
  readonly serverPort: number | null;
}

export interface Device {
  readonly id: string;
  readonly ownerId: string;
  readonly ownerUsername: string;
  readonly name: string | null;
  /** Raw Ed25519 public key (base64url), once the agent proved it. */
  readonly publicKey: string | null;
  readonly peerId: string | null;
  readonly mode: DeviceMode | null;
  readonly status: DeviceStatus;
  /** Epoch ms of the last connect/disconnect of the agent. */
  readonly lastSeen: number | null;
  readonly createdAt: number;
  readonly services: readonly DeviceService[];
  /** Usernames with a grant, by grant time. */
  readonly grants: readonly string[];
}

/** What the tunnel needs to authenticate an agent. */
export interface DeviceSecret {
  readonly id: string;
  readonly ownerId: string;
  readonly credentialHash: string;
  readonly publicKey: string | null;
}

/** Inclusive server port range for device services (`tunnelPorts`, env `PEERLINK_TUNNEL_PORTS`). */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

