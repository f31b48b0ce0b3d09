// Entry for browsers and bundlers: bundled .wasm files are fetched relative to this module.
export * from './core.js';
