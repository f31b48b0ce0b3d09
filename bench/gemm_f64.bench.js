// f64 matrix products: linalg.matmul (packed 4×4 SIMD GEMM) against ml-matrix's mmul, our
// own GFLOP/s for the transposed layouts, and linalg.covariance (syrk) on tall data.
// Inputs are created outside the timed functions; results are disposed inside them.
import { Matrix as MLMatrix } from 'ml-matrix';
import { Matrix, linalg } from '../dist/index.js';
import { compare, randomArray } from './util.js';

const mat = (rows, cols, seed) => Matrix.from({ data: randomArray(rows * cols, seed), rows, cols });
const mlMat = (rows, cols, seed) => {
  const d = randomArray(rows * cols, seed);
  const m = new MLMatrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, d[i * cols + j]);
  return m;
};

// A·B at 512³ against ml-matrix
{
  const n = 512;
  const A = mat(n, n, 1), B = mat(n, n, 2);
  const mA = mlMat(n, n, 1), mB = mlMat(n, n, 2);
  await compare(`matmul A·B ${n}³`, {
    ours: () => linalg.matmul(A, B).dispose(),
    peer: () => mA.mmul(mB),
    peerName: 'ml-matrix',
    work: 2 * n * n * n,
  });
  A.dispose();
  B.dispose();
}

// our own rates for all three layouts (1024³: ours only, ml-matrix is too slow)
for (const n of [256, 512, 1024]) {
  const A = mat(n, n, 3), B = mat(n, n, 4);
  const work = 2 * n * n * n;
  const opts = n >= 1024 ? { time: 2000, iterations: 5 } : {};
  if (n !== 512) await compare(`matmul A·B ${n}³`, { ours: () => linalg.matmul(A, B).dispose(), work, ...opts });
  await compare(`matmul Aᵀ·B ${n}³`, { ours: () => linalg.matmul(A, B, { transposeA: true }).dispose(), work, ...opts });
  await compare(`matmul A·Bᵀ ${n}³`, { ours: () => linalg.matmul(A, B, { transposeB: true }).dispose(), work, ...opts });
  A.dispose();
  B.dispose();
}

// covariance of tall data: column means + centring + syrk. Only the upper half of XᵀX is
// computed, so the rate counts the flops actually needed, n·p·(p + 1) (not 2·n·p²)
for (const [rows, cols] of [[10000, 50], [10000, 784]]) {
  const X = mat(rows, cols, 5);
  await compare(`covariance ${rows}×${cols}`, { ours: () => linalg.covariance(X).dispose(), work: rows * cols * (cols + 1) });
  X.dispose();
}
