/**
 * The one door to wasm memory. Everything above src/wasm/ (linalg, nn, models) imports from
 * here: the module's life cycle, the storage objects (Matrix, Tensor, Indices, Rng, leases
 * and scratch) and the typed operations on them. Pointers, the raw kernel interface,
 * allocation and heap views stay behind it (test/layers.test.ts checks that none leaks).
 */
export { init, shutdown, isInitialized, memoryStats, wasmFeatures, type InitOptions, type InitInfo, type MemoryStats, type SimdChoice, type Build } from './module.js';
export type { Shaped } from './input.js';
export {
  Lease,
  Block,
  Dense2D,
  Matrix,
  Tensor,
  Indices,
  Rng,
  withScratch,
  borrowMatrix,
  borrowTensor,
  rowSource,
  bufferedSource,
  finiteResult,
  finiteAs,
  overflowError,
  rowBlocks,
  checkFinite,
  type RowSource,
  type MatrixInput,
  type TensorInput,
  type IndexKind,
  type Scratch,
} from './storage.js';
export * from './ops.js';
export * from './ops_nn.js';
