// Symmetric eigendecomposition (values + vectors) of random symmetric n×n matrices:
// crossmodal's wasm kernel vs ml-matrix's EigenvalueDecomposition (tred2 + tql2 in JS).
import { Matrix as MLMatrix, EigenvalueDecomposition } from 'ml-matrix';
import { Matrix, linalg } from '../dist/index.js';
import { compare, randomSymmetric } from './util.js';

for (const n of [100, 200, 500]) {
  const data = randomSymmetric(n, 42 + n);
  const A = Matrix.from({ data, rows: n, cols: n });
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(data.subarray(i * n, (i + 1) * n)));
  const M = new MLMatrix(rows);
  let sink = 0;
  await compare(`eigh ${n}×${n} (values + vectors)`, {
    ours: () => {
      const { values, vectors } = linalg.eigh(A);
      sink += values[0];
      vectors.dispose();
    },
    peer: () => {
      const e = new EigenvalueDecomposition(M, { assumeSymmetric: true });
      sink += e.realEigenvalues[0] + e.eigenvectorMatrix.get(0, 0);
    },
    peerName: 'ml-matrix',
    time: n >= 500 ? 3000 : 1000,
  });
  A.dispose();
  if (!Number.isFinite(sink)) throw new Error('non-finite result');
}
