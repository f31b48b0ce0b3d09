/**
 * The one door to wasm memory. Everything above src/wasm/ (linalg, nn, models) imports from
 * here: the module's life cycle, the storage objects (Matrix, Tensor, Indices, Rng, leases
 * and scratch) and the typed operations on them. Pointers, the raw kernel interface,
 * allocation and heap views stay behind it (test/layers.test.ts checks that none leaks).
 */
export { init, shutdown, isInitialized, memoryStats, wasmFeatures, type InitOptions, type InitInfo, type MemoryStats, type SimdChoice, type Build } from './module.js';
export type { Shaped, MatrixResult, FloatResult, Rows } from './input.js';
export { Lease } from './lease.js';
export { Block } from './block.js';
export { Dense2D } from './dense.js';
export { Matrix, type MatrixInput } from './matrix.js';
export { Tensor, type TensorInput } from './tensor.js';
export { Indices, type IndexKind } from './indices.js';
export { Rng } from './rng.js';
export { withScratch, allocating, type Scratch } from './scratch.js';
export { borrowMatrix, borrowTensor } from './borrow.js';
export { rowSource, bufferedSource, rowBlocks, type RowSource } from './rows.js';
export { checkFinite, finiteResult, finiteAs, overflowError } from './finite.js';
export * from './ops.js';
export * from './ops_nn.js';
export { retrievalScan, type RetrievalScan, type RetrievalScanSettings, type RetrievalMetric } from './ops_retrieval.js';
export * from './missing.js';
