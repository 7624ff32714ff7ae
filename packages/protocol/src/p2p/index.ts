export * from './base32.js';
export * from './peer-id.js';
export * from './frames.js';
export * from './codec.js';
export * from './frame-reader.js';
