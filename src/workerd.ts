// Entry for Cloudflare workerd (and bundlers that honour the "workerd" condition): the
// baseline .wasm is imported as a compiled WebAssembly.Module, so plain init() works there.
import './wasm/workerd-loader.js';
export * from './core.js';
