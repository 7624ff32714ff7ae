export * from './actions.js';
export * from './options.js';
export { CallManager, type CallInput, type CallManagerInit } from './call-manager.js';
