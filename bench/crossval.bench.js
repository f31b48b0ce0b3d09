// Cross-validated ridge: CCA.crossValidate (5 folds × 20 ridges) against the naive route written
// on ml-matrix in this run (for every fold and ridge: centre the training rows, the closed-form
// ridge CCA fit, then project and correlate the held-out rows), and against one fit of ours
// (what "about one pass over the data plus the eigenproblems" means here).
import { Matrix as MLMatrix, EigenvalueDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { CCA, MCCA, Matrix } from '../dist/index.js';
import { compare, randomArray } from './util.js';

const grid = Array.from({ length: 20 }, (_, i) => 1e-6 * 10 ** (i * (6 / 19)));

function mlInvSqrt(S) {
  const e = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  return V.clone().mulRowVector(e.realEigenvalues.map((l) => 1 / Math.sqrt(l))).mmul(V.transpose());
}

/** The naive k-fold route: one closed-form fit and one held-out projection per fold and ridge. */
function mlCrossValidate(X, Y, fold, folds, k) {
  const scores = grid.map(() => 0);
  const rowsOf = (M, idx) => new MLMatrix(idx.map((i) => M.getRow(i)));
  for (let f = 0; f < folds; f++) {
    const train = [], held = [];
    fold.forEach((g, i) => (g === f ? held : train).push(i));
    const Xt = rowsOf(X, train), Yt = rowsOf(Y, train), Xh = rowsOf(X, held), Yh = rowsOf(Y, held);
    const mx = Xt.mean('column'), my = Yt.mean('column');
    const Xc = Xt.clone().subRowVector(mx), Yc = Yt.clone().subRowVector(my), n = train.length;
    const Sxx = Xc.transpose().mmul(Xc).div(n - 1), Syy = Yc.transpose().mmul(Yc).div(n - 1), Sxy = Xc.transpose().mmul(Yc).div(n - 1);
    const Xhc = Xh.clone().subRowVector(mx), Yhc = Yh.clone().subRowVector(my);
    grid.forEach((r, g) => {
      const ridge = (S) => { const R = S.clone(); for (let i = 0; i < R.rows; i++) R.set(i, i, R.get(i, i) + r); return R; };
      const Wx = mlInvSqrt(ridge(Sxx)), Wy = mlInvSqrt(ridge(Syy));
      const svd = new SingularValueDecomposition(Wx.mmul(Sxy).mmul(Wy), { autoTranspose: true });
      const a = Wx.mmul(svd.leftSingularVectors.subMatrix(0, Sxx.rows - 1, 0, k - 1)), b = Wy.mmul(svd.rightSingularVectors.subMatrix(0, Syy.rows - 1, 0, k - 1));
      const U = Xhc.mmul(a), V = Yhc.mmul(b);
      for (let c = 0; c < k; c++) {
        const u = U.getColumn(c), v = V.getColumn(c), mu = u.reduce((s, x) => s + x, 0) / u.length, mv = v.reduce((s, x) => s + x, 0) / v.length;
        let suv = 0, suu = 0, svv = 0;
        for (let i = 0; i < u.length; i++) (suv += (u[i] - mu) * (v[i] - mv)), (suu += (u[i] - mu) ** 2), (svv += (v[i] - mv) ** 2);
        scores[g] += suv / Math.sqrt(suu * svv) / folds;
      }
    });
  }
  return scores;
}

for (const [n, p, q, k, peer] of [[2000, 20, 20, 5, true], [10000, 50, 50, 10, false]]) {
  const xd = randomArray(n * p, 3), yd = randomArray(n * q, 4);
  for (let i = 0; i < n * q; i++) yd[i] += 0.3 * xd[i % (n * p)];
  const X = Matrix.from({ data: xd, rows: n, cols: p }), Y = Matrix.from({ data: yd, rows: n, cols: q });
  const opts = { regularization: grid, folds: 5, components: k };
  const r = CCA.crossValidate(X, Y, opts);
  let mX, mY;
  if (peer) {
    const toRows = (d, c) => Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * c, (i + 1) * c)));
    mX = new MLMatrix(toRows(xd, p));
    mY = new MLMatrix(toRows(yd, q));
    const theirs = mlCrossValidate(mX, mY, r.foldOfRow, 5, k);
    const diff = Math.max(...r.table.map((t, g) => Math.abs(t.score - theirs[g])));
    console.log(`  (n=${n}: max |score ours − ml-matrix| over the grid = ${diff.toExponential(1)}; best ridge ${r.best.regularization.toExponential(2)})`);
  }
  const cv = await compare(`CCA.crossValidate n=${n} p=q=${p} 5×20`, {
    ours: () => CCA.crossValidate(X, Y, opts),
    peer: peer ? () => mlCrossValidate(mX, mY, r.foldOfRow, 5, k) : null,
    peerName: 'ml-matrix',
    work: n,
    unit: 'rows/s',
    scale: 1,
    iterations: 3,
    time: 0,
  });
  const one = await compare(`CCA fit n=${n} p=q=${p} (one ridge)`, { ours: () => new CCA({ components: k, regularization: 1e-3 }).fit(X, Y).dispose(), iterations: 5, time: 0 });
  console.log(`  5 folds × 20 ridges cost ${(cv.ours / one.ours).toFixed(1)} fits of all rows`);
  X.dispose();
  Y.dispose();
}

{
  const n = 10000, p = 50, m = 4;
  const shared = randomArray(n * p, 40);
  const views = Array.from({ length: m }, (_, v) => {
    const d = randomArray(n * p, 41 + v);
    for (let i = 0; i < n * p; i++) d[i] += 0.5 * shared[i];
    return Matrix.from({ data: d, rows: n, cols: p });
  });
  const cv = await compare(`MCCA.crossValidate ${m}×${n}×${p} 5×20`, { ours: () => MCCA.crossValidate(views, { regularization: grid, folds: 5, components: 5 }), iterations: 2, time: 0 });
  const one = await compare(`MCCA fit ${m}×${n}×${p} (one ridge)`, { ours: () => new MCCA({ components: 5, regularization: 1e-3 }).fit(views).dispose(), iterations: 3, time: 0 });
  console.log(`  5 folds × 20 ridges cost ${(cv.ours / one.ours).toFixed(1)} MCCA fits of all rows`);
  for (const v of views) v.dispose();
}
