// Entry point of the kernel module: re-exports only. Conventions for every kernel:
// outputs first, then inputs, then sizes and strides. Strides are in elements (not bytes),
// matrices are row-major with a leading dimension (row stride) `ld*`.
export * from './memory';
export * from './gemm_f64';
export * from './stats';
export * from './eigh';
export * from './svd';
export * from './gemm_f32';
export { gemm_block_size } from './gemm/driver';
export * from './activations';
export * from './dense';
export * from './blocks';
export * from './loss';
export * from './optim';
export * from './random';
export * from './validate';
export * from './kernel_fn';
