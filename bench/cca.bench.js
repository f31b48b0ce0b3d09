// CCA fit (covariances, two inverse square roots, one SVD) on random data, compared with
// the same closed form written on ml-matrix in this run. Reference machine figures for
// context (not measured here): numpy/LAPACK closed form 12.7 ms, scikit-learn CCA 6.8 s
// at n = 10000, p = q = 50.
import { Matrix as MLMatrix, EigenvalueDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { CCA, Matrix } from '../dist/index.js';
import { compare, randomArray } from './util.js';

function mlInvSqrt(S) {
  const e = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  const d = e.realEigenvalues.map((l) => 1 / Math.sqrt(l));
  return V.clone().mulRowVector(d).mmul(V.transpose()); // ml-matrix ops are in place
}

function mlCCA(X, Y, k) {
  const n = X.rows;
  const center = (M) => M.clone().subRowVector(M.mean('column'));
  const Xc = center(X), Yc = center(Y);
  const Sxx = Xc.transpose().mmul(Xc).div(n - 1), Syy = Yc.transpose().mmul(Yc).div(n - 1), Sxy = Xc.transpose().mmul(Yc).div(n - 1);
  const Wx = mlInvSqrt(Sxx), Wy = mlInvSqrt(Syy);
  const svd = new SingularValueDecomposition(Wx.mmul(Sxy).mmul(Wy), { autoTranspose: true });
  return svd.diagonal.slice(0, k);
}

/** regularization 'auto' on ml-matrix: Schäfer–Strimmer λ of the joined standardised views, correlations times 1 − λ. */
function mlAuto(X, Y, k) {
  const n = X.rows, p = X.columns;
  const joined = new MLMatrix(X.rows, p + Y.columns);
  joined.setSubMatrix(X, 0, 0);
  joined.setSubMatrix(Y, 0, p);
  const Zc = joined.clone().subRowVector(joined.mean('column'));
  const sd = Zc.clone().mul(Zc).sum('column').map((v) => Math.sqrt(v / (n - 1)) || 1);
  const S = Zc.divRowVector(sd);
  const R = S.transpose().mmul(S).div(n - 1), Q = S.clone().mul(S);
  const ER2 = Q.transpose().mmul(Q).div(n);
  let a = 0, b = 0;
  for (let i = 0; i < R.rows; i++)
    for (let j = 0; j < R.rows; j++)
      if (i !== j) {
        const w = (R.get(i, j) * (n - 1)) / n;
        a += w * w;
        b += ER2.get(i, j);
      }
  const lambda = Math.min(1, Math.max(0, (b - a) / a / (n - 1)));
  const shrunk = R.mul(1 - lambda);
  for (let i = 0; i < R.rows; i++) shrunk.set(i, i, 1);
  const Wx = mlInvSqrt(shrunk.subMatrix(0, p - 1, 0, p - 1)), Wy = mlInvSqrt(shrunk.subMatrix(p, R.rows - 1, p, R.rows - 1));
  const svd = new SingularValueDecomposition(Wx.mmul(shrunk.subMatrix(0, p - 1, p, R.rows - 1)).mmul(Wy), { autoTranspose: true });
  return svd.diagonal.slice(0, k);
}

for (const [n, p, q, k, iterations] of [[2000, 20, 20, 5, 10], [10000, 50, 50, 10, 5], [10000, 200, 200, 10, 3]]) {
  const xd = randomArray(n * p, 1), yd = randomArray(n * q, 2);
  for (let i = 0; i < n * q; i++) yd[i] += 0.5 * xd[i % (n * p)];
  const X = Matrix.from({ data: xd, rows: n, cols: p }), Y = Matrix.from({ data: yd, rows: n, cols: q });
  const toRows = (d, c) => Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * c, (i + 1) * c)));
  const mX = new MLMatrix(toRows(xd, p)), mY = new MLMatrix(toRows(yd, q));
  const ours = new CCA({ components: k }).fit(X, Y).correlations;
  const theirs = mlCCA(mX, mY, k);
  const diff = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i])));
  await compare(`CCA fit n=${n} p=q=${p} k=${k}`, {
    ours: () => new CCA({ components: k }).fit(X, Y).dispose(),
    peer: p <= 50 ? () => mlCCA(mX, mY, k) : null,
    peerName: 'ml-matrix',
    work: n,
    unit: 'rows/s',
    scale: 1,
    iterations,
    time: 500,
  });
  console.log(`  (max |ρ ours − ρ ml-matrix| = ${diff.toExponential(1)})`);
  X.dispose();
  Y.dispose();
}

// regularization 'auto' (unit-free: the fourth-order sums of the joined rows, about 2.5× the
// work per row of a ridge fit) against the same estimator on ml-matrix, and against our ridge fit
{
  const [n, p, k] = [10000, 50, 10];
  const xd = randomArray(n * p, 3), yd = randomArray(n * p, 4);
  for (let i = 0; i < n * p; i++) yd[i] += 0.5 * xd[i];
  const X = Matrix.from({ data: xd, rows: n, cols: p }), Y = Matrix.from({ data: yd, rows: n, cols: p });
  const toRows = (d) => Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * p, (i + 1) * p)));
  const mX = new MLMatrix(toRows(xd)), mY = new MLMatrix(toRows(yd));
  const ours = new CCA({ components: k, regularization: 'auto' }).fit(X, Y).correlations;
  const theirs = mlAuto(mX, mY, k);
  const auto = await compare(`CCA fit 'auto' n=${n} p=q=${p} k=${k}`, {
    ours: () => new CCA({ components: k, regularization: 'auto' }).fit(X, Y).dispose(),
    peer: () => mlAuto(mX, mY, k),
    peerName: 'ml-matrix',
    work: n,
    unit: 'rows/s',
    scale: 1,
    iterations: 5,
    time: 500,
  });
  console.log(`  (max |ρ ours − ρ ml-matrix| = ${Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]))).toExponential(1)})`);
  const ridge = await compare(`CCA fit ridge 1e-3 n=${n} p=q=${p} k=${k}`, {
    ours: () => new CCA({ components: k, regularization: 1e-3 }).fit(X, Y).dispose(),
    peer: null,
    work: n,
    unit: 'rows/s',
    scale: 1,
    iterations: 5,
    time: 500,
  });
  console.log(`  ('auto' costs ${(auto.ours / ridge.ours).toFixed(2)}× a ridge fit)`);
  X.dispose();
  Y.dispose();
}
