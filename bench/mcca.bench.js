// MCCA fit on four views of 10000 rows × 50 columns against the same closed form written on
// ml-matrix in this run: covariance of the joined views, Wᵢ = (Σᵢᵢ + rI)^-1/2 by an eigen-
// decomposition, the whitened block matrix with identity blocks on its diagonal, its eigenpairs.
import { Matrix as MLMatrix, EigenvalueDecomposition } from 'ml-matrix';
import { MCCA, Matrix } from '../dist/index.js';
import { compare, randomArray } from './util.js';

const n = 10000, p = 50, m = 4, k = 5, ridge = 1e-3;
const shared = randomArray(n * p, 40);
const views = Array.from({ length: m }, (_, v) => {
  const d = randomArray(n * p, 41 + v);
  for (let i = 0; i < n * p; i++) d[i] += 0.5 * shared[i];
  return d;
});
const ours = views.map((d) => Matrix.from({ data: d, rows: n, cols: p }));
const ml = views.map((d) => new MLMatrix(Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * p, (i + 1) * p)))));

function mlInvSqrt(S) {
  const e = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  return V.clone().mulRowVector(e.realEigenvalues.map((l) => 1 / Math.sqrt(l))).mmul(V.transpose());
}

function mlMCCA() {
  const centred = ml.map((X) => X.clone().subRowVector(X.mean('column')));
  const Wm = centred.map((Xc) => {
    const S = Xc.transpose().mmul(Xc).div(n - 1);
    for (let i = 0; i < p; i++) S.set(i, i, S.get(i, i) + ridge);
    return mlInvSqrt(S);
  });
  const P = m * p, M = new MLMatrix(P, P);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < p; a++) M.set(i * p + a, i * p + a, 1);
    for (let j = i + 1; j < m; j++) {
      const T = Wm[i].mmul(centred[i].transpose().mmul(centred[j]).div(n - 1)).mmul(Wm[j]);
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
        M.set(i * p + a, j * p + b, T.get(a, b));
        M.set(j * p + b, i * p + a, T.get(a, b));
      }
    }
  }
  const values = new EigenvalueDecomposition(M, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a);
  return values.slice(0, k);
}

const fit = new MCCA({ components: k, regularization: ridge }).fit(ours);
const diff = Math.max(...mlMCCA().map((v, i) => Math.abs(v - fit.eigenvalues[i])));
fit.dispose();
await compare(`MCCA fit m=${m} n=${n} p=${p} k=${k}`, {
  ours: () => new MCCA({ components: k, regularization: ridge }).fit(ours).dispose(),
  peer: mlMCCA,
  peerName: 'ml-matrix',
  work: n,
  unit: 'rows/s',
  scale: 1,
  iterations: 3,
  time: 0,
});
console.log(`  (max |λ ours − λ ml-matrix| = ${diff.toExponential(1)})`);
for (const o of ours) o.dispose();
