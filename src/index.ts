// Entry for Node, Deno and Bun: bundled .wasm files are read from disk.
/**
 * crossmodal: cross-modal learning (exact linear CCA, DeepCCA, multimodal autoencoders and
 * VAEs, conditional GANs) on hand-written WebAssembly SIMD kernels. The same API is served
 * to Node, Deno and Bun (this entry), browsers and bundlers (browser.ts) and workerd.
 *
 * @example
 * ```ts
 * import { init, CCA } from 'crossmodal';
 * await init();
 * const cca = new CCA({ components: 2 }).fit(X, Y);
 * ```
 * @module crossmodal
 */
import './wasm/node-loader.js';
export * from './core.js';
