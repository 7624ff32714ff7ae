export {};
export * from './contract/index.js';
export * from './session/index.js';
export * from './identity/identity.js';
export * from './providers/simulator/index.js';
export { parsePeerId, isPeerId, peerIdFromPublicKey, type PeerId } from '@peerlink/protocol';
export * from './providers/webrtc/index.js';
export * from './signaling/index.js';
export { sdpFingerprints, signConnectionProof, verifyConnectionProof, type ProofView } from './identity/connection-proof.js';
