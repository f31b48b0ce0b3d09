// Entry point of the kernel module: re-exports only. Conventions for every kernel:
// outputs first, then inputs, then sizes and strides. Strides are in elements (not bytes),
// matrices are row-major with a leading dimension (row stride) `ld*`.
export * from './memory';
export * from './gemm/api_f64';
// not centerRange: the pool's per-share body
export { colmeans_f64, center_f64, ger_f64, fourth_moments_f64, colcorr_f64, add_diag_f64, scale_cols_f64 } from './stats';
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
// not adamRange / sgdRange: the pool's per-share bodies
export { sgd_f32, adam_f32 } from './optim';
export * from './vector';
export * from './random';
export * from './finite';
export * from './kcca_gram';
export { pool_prepare, pool_start, pool_stop, pool_threads, pool_dispatches, pool_set_thresholds, pool_worker, build_threads } from './pool';
