/**
 * Test support for the core (excluded from the build): a fake clock, seeded
 * randomness, and a tiny TURN client that speaks to a {@link TurnServerCore}
 * through its handlers, so tests read like RFC message flows.
 */
import {
  Attr,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  decodeErrorCode,
  decodeUint32,
  decodeStunMessage,
  decodeUtf8,
  getAttribute,
  longTermKey,
  type StunMessage,
} from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import { restPassword, restUsername } from './credentials.js';
import type { FiveTuple, TransportAddress } from './five-tuple.js';
import { TurnServerCore, type TurnServerCoreInit } from './server-core.js';

export class FakeClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

let seed = 1;
export function seededRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = seed >>> 24;
  }
  return out;
}

export const SECRET = 'test-secret';
export const REALM = 'peerlink.test';

export function newCore(clock: FakeClock, init: Partial<TurnServerCoreInit> = {}): TurnServerCore {
  return new TurnServerCore({ realm: REALM, secret: SECRET, allowPeers: [], ...init }, { now: clock.now, randomBytes: seededRandomBytes });
}

export function udpTuple(clientPort: number, clientAddress = '198.51.100.7'): FiveTuple {
  return {
    transport: 'udp',
    client: { family: 'IPv4', address: clientAddress, port: clientPort },
    server: { family: 'IPv4', address: '192.0.2.1', port: 3478 },
  };
}

export const RELAYED: TransportAddress = { family: 'IPv4', address: '192.0.2.1', port: 50000 };

export interface Exchange {
  readonly actions: TurnAction[];
  readonly response: StunMessage | undefined;
  /** ERROR-CODE of the response, if it is an error response. */
  readonly code: number | undefined;
}

export function responseOf(actions: readonly TurnAction[]): Exchange {
  const sent = actions.find((a) => a.type === 'send-to-client');
  if (sent?.type !== 'send-to-client') return { actions: [...actions], response: undefined, code: undefined };
  const decoded = decodeStunMessage(sent.bytes);
  if (!decoded.ok) throw new Error(`core sent an undecodable message: ${decoded.error.message}`);
  const errorAttr = getAttribute(decoded.value, Attr.ERROR_CODE);
  const error = errorAttr === undefined ? undefined : decodeErrorCode(errorAttr.value);
  const code = error === undefined ? undefined : error.ok ? error.value.code : -1;
  return { actions: [...actions], response: decoded.value, code };
}

export function textAttr(message: StunMessage, type: number): string | undefined {
  const attr = getAttribute(message, type);
  if (attr === undefined) return undefined;
  const decoded = decodeUtf8(attr.value, 1000);
  return decoded.ok ? decoded.value : undefined;
}

/** A client with long-term credentials, remembering REALM/NONCE from challenges. */
export class TestClient {
  nonce: string | undefined;
  #txid = 0;

  constructor(
    readonly core: TurnServerCore,
    readonly tuple: FiveTuple,
    readonly username: string,
    readonly password: string,
  ) {}

  nextTransactionId(): Uint8Array {
    const id = new Uint8Array(12);
    new DataView(id.buffer).setUint32(8, ++this.#txid);
    id[0] = this.tuple.client.port & 0xff;
    return id;
  }

  key(): Uint8Array {
    return longTermKey(this.username, REALM, this.password, 'md5');
  }

  /** Sends one request; `signed: false` omits credentials. */
  send(method: number, decorate: (b: StunMessageBuilder) => void = () => undefined, options: { signed?: boolean; fingerprint?: boolean; txid?: Uint8Array } = {}): Exchange {
    const builder = new StunMessageBuilder(method, StunClass.Request, options.txid ?? this.nextTransactionId());
    decorate(builder);
    const signed = options.signed ?? true;
    if (signed) {
      builder.addString(Attr.USERNAME, this.username).addString(Attr.REALM, REALM).addString(Attr.NONCE, this.nonce ?? 'none');
    }
    const bytes = builder.build({ ...(signed ? { integrity: { key: this.key(), algorithm: 'sha1' as const } } : {}), fingerprint: options.fingerprint ?? false });
    const exchange = responseOf(this.core.handleClientPacket(this.tuple, bytes));
    const nonce = exchange.response && textAttr(exchange.response, Attr.NONCE);
    if (nonce !== undefined) this.nonce = nonce;
    return exchange;
  }

  /** Sends, and on a 401/438 challenge retries once with the fresh nonce (what real clients do). */
  request(method: number, decorate: (b: StunMessageBuilder) => void = () => undefined, options: { fingerprint?: boolean } = {}): Exchange {
    const first = this.send(method, decorate, options);
    if (first.code !== 401 && first.code !== 438) return first;
    return this.send(method, decorate, options);
  }
}

export const PEER = { family: 'IPv4', address: '203.0.113.9', port: 6000 } as const;
export const requestedTransport = (proto = 17) => (b: StunMessageBuilder) => b.add(Attr.REQUESTED_TRANSPORT, new Uint8Array([proto, 0, 0, 0]));

export function restClient(core: TurnServerCore, clock: FakeClock, port: number, user = 'bob', validForMs = 3_600_000): TestClient {
  const username = restUsername(clock.nowMs + validForMs, user);
  return new TestClient(core, udpTuple(port), username, restPassword(SECRET, username));
}

export function allocate(
  client: TestClient,
  decorate: (b: StunMessageBuilder) => void = requestedTransport(),
  relayed: TransportAddress = RELAYED,
): { allocationId: number; actions: TurnAction[] } {
  const exchange = client.request(StunMethod.Allocate, decorate);
  const open = exchange.actions.find((a) => a.type === 'open-relay');
  if (open?.type !== 'open-relay') throw new Error(`no open-relay; code ${exchange.code}`);
  return { allocationId: open.allocationId, actions: client.core.handleRelayOpened(open.allocationId, relayed) };
}

export function lifetimeOf(actions: readonly TurnAction[]): number | undefined {
  const { response } = responseOf(actions);
  const attr = response && getAttribute(response, Attr.LIFETIME);
  return attr && (decodeUint32(attr.value) as { value: number }).value;
}

export function peerAddr(b: StunMessageBuilder, peer: { family: 'IPv4' | 'IPv6'; address: string; port: number } = PEER): StunMessageBuilder {
  return b.addXorAddress(Attr.XOR_PEER_ADDRESS, peer);
}

