/**
 * One WebRTC peer of a matrix cell, run inside a client namespace
 * (`ip netns exec pl-<kind>-<side> node peer.mjs '<PeerConfig JSON>'`).
 *
 * Signaling is JSON lines: the peer writes {@link PeerToRunner} messages on
 * stdout and reads {@link RunnerToPeer} messages on stdin; the test process
 * relays them between the two peers (it is the signaling server).
 *
 * The native node-datachannel API with auto-negotiation off: every description
 * change happens on the JS thread, in order (the W3C polyfill negotiates on
 * libdatachannel's thread and races under load). Remote candidates are
 * buffered until the remote description is set.
 *
 * Both create the same pre-negotiated data channel; the offerer sends one
 * ping on it and reports a {@link PeerResult} once the echo is back or the
 * deadline passes; the answerer echoes and runs until the runner kills it.
 */
import nodeDataChannel from 'node-datachannel';
import { onJsonLines } from './json-lines.js';

export type PeerRole = 'offerer' | 'answerer';

export interface PeerConfig {
  /** Offerer creates the data channel and reports; answerer echoes. */
  readonly role: PeerRole;
  /** libdatachannel ICE server URLs (`stun:h:p`, `turn:user:pass@h:p?transport=udp`). */
  readonly iceServers: readonly string[];
  /** Offerer only: give up (report not connected) after this many ms from the offer. */
  readonly timeoutMs: number;
}

/** Peer → runner (stdout). */
export type PeerToRunner =
  | { readonly type: 'description'; readonly sdp: string; readonly sdpType: 'offer' | 'answer' }
  | { readonly type: 'candidate'; readonly candidate: string; readonly mid: string }
  /** Answerer: set up and listening, the offerer may start (so its clock does not count the answerer's process start-up). */
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly result: PeerResult };

/** Runner → peer (stdin): what the other peer sent. */
export type RunnerToPeer = Exclude<PeerToRunner, { type: 'result' }>;

export interface PeerResult {
  /** Data channel open and one message echoed within the timeout. */
  readonly connected: boolean;
  /** ICE candidate types of the selected pair (host, srflx, prflx, relay), when connected. */
  readonly localType: string | null;
  readonly remoteType: string | null;
  /** Offer created (once the answerer is ready) → data channel open, ms. */
  readonly timeToConnectedMs: number | null;
  /** Data channel ping → echo, ms. */
  readonly roundTripMs: number | null;
  /** Last ICE / peer connection states, for the reason of a failure. */
  readonly iceState: string;
  readonly state: string;
  /**
   * Offerer: ms from the offer to each phase's first occurrence (where the
   * time to connected goes): `answer` (remote description in), `local-<type>`
   * / `remote-<type>` (first candidate of each type), `ice-<state>`,
   * `gathering-complete`, `pc-<state>` (libdatachannel's connected: DTLS and the SCTP association up),
   * `open` (the pre-negotiated data channel open).
   */
  readonly phases?: Readonly<Record<string, number>>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as PeerConfig;
function send(m: PeerToRunner): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

const logLevel = process.env.PL_NAT_PEER_LOG;
if (logLevel === 'Verbose' || logLevel === 'Debug' || logLevel === 'Info' || logLevel === 'Warning') {
  const t0 = performance.now();
  nodeDataChannel.initLogger(logLevel, (level, message) => process.stderr.write(`[${config.role} +${Math.round(performance.now() - t0)} ms ${level}] ${message}\n`));
}

const pc = new nodeDataChannel.PeerConnection(config.role, {
  iceServers: [...config.iceServers],
  iceTransportPolicy: 'all',
  disableAutoNegotiation: true,
});
let iceState = 'new';
let state = 'new';
/** Phase → ms since the offer (first occurrence only); see {@link PeerResult.phases}. */
const phases: Record<string, number> = {};
let offeredAt: number | null = null;
const mark = (phase: string): void => {
  if (offeredAt !== null && !(phase in phases)) phases[phase] = Math.round(performance.now() - offeredAt);
};
const typeOf = (candidate: string): string => / typ (\w+)/.exec(candidate)?.[1] ?? 'unknown';
pc.onIceStateChange((s) => mark(`ice-${(iceState = s)}`));
pc.onStateChange((s) => mark(`pc-${(state = s)}`));
pc.onGatheringStateChange((s) => mark(`gathering-${s}`));
pc.onLocalDescription((sdp, type) => {
  if (type === 'offer' || type === 'answer') send({ type: 'description', sdp, sdpType: type });
});
pc.onLocalCandidate((candidate, mid) => {
  mark(`local-${typeOf(candidate)}`);
  send({ type: 'candidate', candidate, mid });
});

let remoteSet = false;
const pending: { candidate: string; mid: string }[] = [];

let onReady = (): void => undefined;

function onMessage(m: RunnerToPeer): void {
  switch (m.type) {
    case 'ready':
      onReady();
      break;
    case 'description':
      mark(m.sdpType);
      pc.setRemoteDescription(m.sdp, m.sdpType);
      remoteSet = true;
      for (const c of pending.splice(0)) pc.addRemoteCandidate(c.candidate, c.mid);
      if (m.sdpType === 'offer') pc.setLocalDescription('answer');
      break;
    case 'candidate':
      mark(`remote-${typeOf(m.candidate)}`);
      if (remoteSet) pc.addRemoteCandidate(m.candidate, m.mid);
      else pending.push({ candidate: m.candidate, mid: m.mid });
      break;
  }
}

onJsonLines<RunnerToPeer>(process.stdin, onMessage);
process.stdin.on('end', () => finish(null));

let finished = false;
function finish(result: PeerResult | null): void {
  if (finished) return;
  finished = true;
  if (result) send({ type: 'result', result });
  pc.close();
  nodeDataChannel.cleanup();
  process.exit(0);
}

/**
 * The probe channel is pre-negotiated (same id on both sides, RFC 8832 §6:
 * no DATA_CHANNEL_OPEN/ACK exchange): it opens as soon as the SCTP
 * association is up, so the time to connected is ICE + DTLS + SCTP. An
 * in-band (DCEP) channel adds one more round trip before the opener's `open`.
 */
const PROBE = { label: 'probe', init: { negotiated: true, id: 0 } } as const;

if (config.role === 'answerer') {
  const dc = pc.createDataChannel(PROBE.label, PROBE.init);
  dc.onMessage((msg) => dc.sendMessage(typeof msg === 'string' ? msg : Buffer.from(msg as ArrayBuffer).toString()));
  send({ type: 'ready' });
} else {
  const notReady = setTimeout(() => finish({ connected: false, localType: null, remoteType: null, timeToConnectedMs: null, roundTripMs: null, iceState: 'answerer not ready', state }), config.timeoutMs);
  onReady = () => {
    clearTimeout(notReady);
    onReady = () => undefined;
    offer();
  };
}

function offer(): void {
  const started = performance.now();
  offeredAt = started;
  let openedAt: number | null = null;
  const report = (connected: boolean, roundTripMs: number | null): void => {
    const pair = connected ? pc.getSelectedCandidatePair() : null;
    finish({
      connected,
      localType: pair?.local.type ?? null,
      remoteType: pair?.remote.type ?? null,
      timeToConnectedMs: openedAt === null ? null : Math.round(openedAt - started),
      roundTripMs,
      iceState,
      state,
      phases,
    });
  };
  const deadline = setTimeout(() => report(false, null), config.timeoutMs);
  const dc = pc.createDataChannel(PROBE.label, PROBE.init);
  let pingAt = 0;
  dc.onOpen(() => {
    mark('open');
    openedAt = performance.now();
    pingAt = openedAt;
    dc.sendMessage('ping');
  });
  dc.onMessage(() => {
    clearTimeout(deadline);
    report(true, Math.round((performance.now() - pingAt) * 10) / 10);
  });
  pc.setLocalDescription('offer');
}
