export * from './errors.js';
export * from './emitter.js';
export type * from './types.js';
export type * from './provider.js';
export * from './stream-helpers.js';
