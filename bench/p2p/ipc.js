// What run.js and its peer processes share: transfer shape and the IPC reply.

/** Bytes per write / message, both sides (SCTP's default max message size is 64 KiB). */
export const CHUNK = 64 * 1024;
/** Bare sender: pause while more than this is queued in the data channel… */
export const HIGH_WATER = Number(process.env.BENCH_P2P_HIGH_WATER ?? 4 * 1024 * 1024);
/** …and resume when it drops to this (`bufferedAmountLowThreshold`). */
export const LOW_WATER = Number(process.env.BENCH_P2P_LOW_WATER ?? 1024 * 1024);

/** Answers command `m` (which carries an id) to the parent. */
export function reply(m, body) {
  process.send({ type: 'reply', id: m.id, ...body });
}

/** Removes candidate lines: candidates travel as trickle signals only (see the provider's negotiator). */
export function stripCandidates(sdp) {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
    .join('\r\n');
}
