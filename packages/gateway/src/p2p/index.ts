export { attachP2pSignaling, type P2pSignalingDeps, type P2pSignalingHandle, type P2pLogger, type NamespaceHost } from './signaling.js';
export { P2P_DEFAULTS, resolveP2pOptions, type P2pSignalingOptions } from './options.js';
export * from './messages.js';
export { deviceSignalingToken, parseDeviceAuth, deviceReachPolicy, DEVICE_PRINCIPAL_PREFIX, type P2pDeviceDirectory, type DeviceAuth } from './principals.js';
