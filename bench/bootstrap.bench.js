// Bootstrap confidence intervals for CCA: the coverage study at full size (200 data
// sets, n = 300, p = q = 4, planted ρ₁ = 0.6, 999 resamples each; test/bootstrap.test.ts runs
// it with 199 resamples), then the time of one bootstrap against the same resample fits written
// on ml-matrix in this run (draw rows, closed-form CCA; correlations only, no sign matching).
import { Matrix as MLMatrix, EigenvalueDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { CCA, Matrix } from '../dist/index.js';
import { compare, rng } from './util.js';

/** n rows of p and q columns with canonical correlations `rho` planted in the first columns (row-major). */
function planted(n, p, q, rho, seed) {
  const u = rng(seed);
  const z = () => Math.sqrt(-2 * Math.log((u() + 1) / 2 || 1e-12)) * Math.cos(Math.PI * u());
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = z();
    for (let j = 0; j < q; j++) Y[i * q + j] = z();
    rho.forEach((r, c) => (Y[i * q + c] = r * X[i * p + c] + Math.sqrt(1 - r * r) * Y[i * q + c]));
  }
  return { X: Matrix.from({ data: X, rows: n, cols: p }), Y: Matrix.from({ data: Y, rows: n, cols: q }) };
}

// the coverage study
{
  const sets = 200, B = 999, cca = new CCA({ components: 1 });
  let covered = 0, width = 0;
  const t0 = performance.now();
  for (let d = 0; d < sets; d++) {
    const { X, Y } = planted(300, 4, 4, [0.6], 7000 + d);
    const r = cca.bootstrap(X, Y, { resamples: B, seed: d });
    const lo = r.correlations.lower[0], hi = r.correlations.upper[0];
    if (lo <= 0.6 && 0.6 <= hi) covered++;
    width += (hi - lo) / sets;
    X.dispose();
    Y.dispose();
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`coverage of planted ρ₁ = 0.6 by the 95 % BC interval (n = 300, p = q = 4): ${covered}/${sets} = ${(covered / sets).toFixed(3)}, mean width ${width.toFixed(3)} (target ≥ 0.85)`);
  console.log(`  ${sets} × ${B} resamples in ${s.toFixed(1)} s (${((sets * B) / s).toFixed(0)} resample fits/s)`);
  cca.dispose();
}

function mlInvSqrt(S) {
  const e = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  return V.clone().mulRowVector(e.realEigenvalues.map((l) => 1 / Math.sqrt(l))).mmul(V.transpose());
}

/** B resamples of the rows of X, Y (ml-matrix), each fitted in closed form: the first k correlations. */
function mlBootstrap(X, Y, k, B, seed) {
  const n = X.rows, u = rng(seed), out = [];
  for (let b = 0; b < B; b++) {
    const idx = Array.from({ length: n }, () => Math.floor(((u() + 1) / 2) * n));
    const Xb = new MLMatrix(idx.map((i) => X.getRow(i))), Yb = new MLMatrix(idx.map((i) => Y.getRow(i)));
    const Xc = Xb.clone().subRowVector(Xb.mean('column')), Yc = Yb.clone().subRowVector(Yb.mean('column'));
    const Sxx = Xc.transpose().mmul(Xc).div(n - 1), Syy = Yc.transpose().mmul(Yc).div(n - 1), Sxy = Xc.transpose().mmul(Yc).div(n - 1);
    const T = mlInvSqrt(Sxx).mmul(Sxy).mmul(mlInvSqrt(Syy));
    out.push(new SingularValueDecomposition(T, { autoTranspose: true }).diagonal.slice(0, k));
  }
  return out;
}

for (const [n, p, q, k, B] of [[300, 4, 4, 2, 199], [2000, 20, 20, 5, 199]]) {
  const { X, Y } = planted(n, p, q, [0.6, 0.4], 1);
  const rows = (M) => new MLMatrix(Array.from({ length: M.rows }, (_, i) => Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols))));
  const mX = rows(X), mY = rows(Y);
  const cca = new CCA({ components: k });
  await compare(`bootstrap n=${n} p=q=${p} k=${k} B=${B}`, {
    ours: () => cca.bootstrap(X, Y, { resamples: B }),
    peer: () => mlBootstrap(mX, mY, k, B, 1),
    peerName: 'ml-matrix',
    work: B,
    unit: 'resamples/s',
    scale: 1,
    iterations: 3,
    time: 500,
  });
  cca.dispose();
  X.dispose();
  Y.dispose();
}
