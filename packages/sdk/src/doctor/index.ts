/**
 * `peerlink doctor`: NAT mapping, TURN/tunnel reachability and the likely
 * connection path, seen from the host it runs on. Node only (sockets): import
 * it as `@peerlink/sdk/doctor`, never from browser code.
 */
export * from './report.js';
export { formatDoctorReport } from './format.js';
export { runDoctor, DEFAULT_DOCTOR_RTO_MS, DEFAULT_DOCTOR_TIMEOUT_MS, type DoctorOptions } from './run.js';
export { iceUrlHostPort } from './probes.js';
export { formatHostPort, type HostPort } from './transports.js';
export { allocateRequest, bindingRequest, parseReply, type StunReply, type TurnCredentials } from './stun-client.js';
