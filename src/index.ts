// Entry for Node, Deno and Bun: bundled .wasm files are read from disk.
import './wasm/node-loader.js';
export * from './core.js';
