// Entry point of the kernel module: re-exports only. Conventions for every kernel:
// outputs first, then inputs, then sizes and strides. Strides are in elements (not bytes),
// matrices are row-major with a leading dimension (row stride) `ld*`.
export * from './memory';
export * from './gemm/api_f64';
export * from './stats';
export * from './eigh/index';
export * from './svd/index';
export * from './gemm/api_f32';
export { gemm_block_size } from './gemm/driver';
export * from './activations';
export * from './dense';
export * from './blocks';
export * from './rows';
export * from './convert';
export * from './loss';
export * from './classify';
export * from './optim';
export * from './vector';
export * from './random';
export * from './finite';
export * from './kcca_gram';
export * from './retrieval';
export { pool_prepare, pool_start, pool_stop, pool_threads, pool_dispatches, pool_set_thresholds, pool_abandon, pool_inject, pool_worker, build_threads } from './pool';
