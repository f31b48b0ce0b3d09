// Thin SVD (U, s, V) of a square random matrix: ours (Householder bidiagonalisation + implicit
// QR with logged rotations, wasm SIMD) vs ml-matrix's SingularValueDecomposition.
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { linalg, Matrix } from '../dist/index.js';
import { compare, randomArray } from './util.js';

for (const n of [100, 200, 500]) {
  const data = randomArray(n * n, 7 + n);
  const A = Matrix.from({ data, rows: n, cols: n });
  const M = MlMatrix.from1DArray(n, n, Array.from(data));
  const big = n >= 500;
  await compare(`svd ${n}×${n} (U, s, V)`, {
    ours: () => {
      const { u, v } = linalg.svd(A);
      u.dispose();
      v.dispose();
    },
    peer: () => {
      const d = new SingularValueDecomposition(M, { computeLeftSingularVectors: true, computeRightSingularVectors: true, autoTranspose: true });
      d.leftSingularVectors;
      d.rightSingularVectors;
    },
    peerName: 'ml-matrix',
    time: big ? 3000 : 1000,
    iterations: big ? 3 : 5,
  });
  A.dispose();
}
