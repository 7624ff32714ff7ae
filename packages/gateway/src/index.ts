export * from './core/model.js';
export type * from './core/ports.js';
export type * from './core/auth.js';
export * from './errors.js';
export * from './config.js';
export * from './secrets.js';
