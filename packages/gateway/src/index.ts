export * from './core/model.js';
export type * from './core/ports.js';
export * from './errors.js';
