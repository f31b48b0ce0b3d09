export { Matrix, type MatrixInput, type Shaped } from '../wasm/index.js';
export { matmul, colMeans, covariance, crossCovariance, eigh, svd, invSqrt, type MatmulOptions } from './ops.js';
