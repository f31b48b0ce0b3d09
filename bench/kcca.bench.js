// KernelCCA (RBF): exact at n = 2000 and Nyström (m = 500) at n = 50000, each against the same
// closed form written on ml-matrix in this run; and the Nyström gap to exact at n = 2000.
// The ml-matrix sides run once (an n×n eigendecomposition in plain JS takes minutes), ours
// once after a warm-up, so these lines are single timings, not medians.
import { Matrix as MLMatrix, EigenvalueDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { KernelCCA, Matrix } from '../dist/index.js';
import { randomArray } from './util.js';

const p = 5, q = 4, k = 5, kappa = 1e-3;
function data(n, seed) {
  const x = randomArray(n * p, seed), y = randomArray(n * q, seed + 1);
  for (let i = 0; i < n; i++) {
    y[i * q] += x[i * p] ** 2;
    y[i * q + 1] += Math.sin(3 * x[i * p + 1]);
  }
  return { x, y };
}
const gammaOf = (d, cols) => {
  let m = 0, v = 0;
  for (const t of d) m += t / d.length;
  for (const t of d) v += (t - m) ** 2 / d.length;
  return 1 / (cols * v);
};
const toML = (d, cols) => new MLMatrix(Array.from({ length: d.length / cols }, (_, i) => Array.from(d.subarray(i * cols, (i + 1) * cols))));

/** RBF Gram of the rows of A against B on ml-matrix. */
function mlRbf(A, B, gamma) {
  const G = A.mmul(B.transpose());
  const na = A.clone().pow(2).sum('row'), nb = B.clone().pow(2).sum('row');
  for (let i = 0; i < G.rows; i++) for (let j = 0; j < G.columns; j++) G.set(i, j, Math.exp(-gamma * Math.max(na[i] + nb[j] - 2 * G.get(i, j), 0)));
  return G;
}

/** Exact: K̃ = UΛUᵀ per view, F = U·diag(√(λ/(λ+(n−1)κ))), ρ = singular values of FxᵀFy. */
function mlExact(X, Y, gx, gy) {
  const n = X.rows;
  const F = [[X, gx], [Y, gy]].map(([A, g]) => {
    const K = mlRbf(A, A, g);
    const mean = K.mean('column'), all = K.mean();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, K.get(i, j) - mean[i] - mean[j] + all);
    const e = new EigenvalueDecomposition(K, { assumeSymmetric: true });
    const lam = e.realEigenvalues, U = e.eigenvectorMatrix, top = Math.max(...lam);
    const keep = lam.map((l, i) => [l, i]).filter(([l]) => l > n * 2.2e-16 * top);
    const out = new MLMatrix(n, keep.length);
    keep.forEach(([l, c], j) => { const s = Math.sqrt(l / (l + (n - 1) * kappa)); for (let i = 0; i < n; i++) out.set(i, j, U.get(i, c) * s); });
    return out;
  });
  return new SingularValueDecomposition(F[0].transpose().mmul(F[1]), { autoTranspose: true }).diagonal.slice(0, k);
}

/** Nyström: Φ = k(x, L)·V·M^-½, then ridge CCA on Φ (covariances, eigen whitening, SVD). */
function mlNystrom(X, Y, gx, gy, idx) {
  const n = X.rows;
  const Phi = [[X, gx], [Y, gy]].map(([A, g]) => {
    const L = new MLMatrix(idx.map((i) => A.getRow(i)));
    const e = new EigenvalueDecomposition(mlRbf(L, L, g), { assumeSymmetric: true });
    const lam = e.realEigenvalues, V = e.eigenvectorMatrix, top = Math.max(...lam);
    const keep = lam.map((l, i) => [l, i]).filter(([l]) => l > 1e-12 * top);
    const Amap = new MLMatrix(idx.length, keep.length);
    keep.forEach(([l, c], j) => { for (let i = 0; i < idx.length; i++) Amap.set(i, j, V.get(i, c) / Math.sqrt(l)); });
    const F = mlRbf(A, L, g).mmul(Amap);
    return F.subRowVector(F.mean('column'));
  });
  const isq = (S) => {
    const e = new EigenvalueDecomposition(S, { assumeSymmetric: true });
    return e.eigenvectorMatrix.clone().mulRowVector(e.realEigenvalues.map((l) => 1 / Math.sqrt(l))).mmul(e.eigenvectorMatrix.transpose());
  };
  const cov = (A, B) => A.transpose().mmul(B).div(n - 1);
  const ridge = (S) => { for (let i = 0; i < S.rows; i++) S.set(i, i, S.get(i, i) + kappa); return S; };
  const Wx = isq(ridge(cov(Phi[0], Phi[0]))), Wy = isq(ridge(cov(Phi[1], Phi[1])));
  return new SingularValueDecomposition(Wx.mmul(cov(Phi[0], Phi[1])).mmul(Wy), { autoTranspose: true }).diagonal.slice(0, k);
}

function time(fn) {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}
const maxDiff = (a, b) => Math.max(...Array.from(a).map((v, i) => Math.abs(v - b[i])));

{
  const n = 2000, { x, y } = data(n, 70);
  const X = Matrix.from({ data: x, rows: n, cols: p }), Y = Matrix.from({ data: y, rows: n, cols: q });
  // the peer's γ (1/(p·variance), on the raw columns): a given γ keeps scale false, the same model on both sides
  const opts = { components: k, regularization: kappa, gamma: [gammaOf(x, p), gammaOf(y, q)] };
  new KernelCCA({ ...opts, approximation: { nystrom: 50 } }).fit(X, Y).dispose(); // warm-up
  const [tOurs, exact] = time(() => new KernelCCA(opts).fit(X, Y));
  const [tNys, nys] = time(() => new KernelCCA({ ...opts, approximation: { nystrom: 500, seed: 0 } }).fit(X, Y));
  const held = data(2000, 90);
  const gap = maxDiff(nys.correlations, exact.correlations);
  const heldGap = maxDiff(nys.score({ data: held.x, rows: 2000, cols: p }, { data: held.y, rows: 2000, cols: q }), exact.score({ data: held.x, rows: 2000, cols: p }, { data: held.y, rows: 2000, cols: q }));
  const [tPeer, theirs] = time(() => mlExact(toML(x, p), toML(y, q), gammaOf(x, p), gammaOf(y, q)));
  console.log(`KernelCCA exact RBF n=${n} k=${k}        ours ${tOurs.toFixed(0)} ms   ml-matrix ${tPeer.toFixed(0)} ms   ${(tPeer / tOurs).toFixed(2)}× faster than ml-matrix`);
  console.log(`  (ranks ${exact.ranks.join(' / ')}; max |ρ ours − ρ ml-matrix| = ${maxDiff(exact.correlations, theirs).toExponential(1)})`);
  console.log(`KernelCCA Nyström m=500 at n=${n}: ${tNys.toFixed(0)} ms (${(tOurs / tNys).toFixed(1)}× less than exact); gap to exact: training ρ ≤ ${gap.toExponential(2)}, held-out ρ ≤ ${heldGap.toExponential(2)}`);
  console.log(`  exact ρ ${Array.from(exact.correlations, (v) => v.toFixed(4)).join(' ')}; Nyström ρ ${Array.from(nys.correlations, (v) => v.toFixed(4)).join(' ')}`);
  for (const o of [X, Y, exact, nys]) o.dispose();
}
{
  const n = 50000, m = 500, { x, y } = data(n, 80);
  const X = Matrix.from({ data: x, rows: n, cols: p }), Y = Matrix.from({ data: y, rows: n, cols: q });
  const opts = { components: k, regularization: kappa, gamma: [gammaOf(x, p), gammaOf(y, q)], approximation: { nystrom: m, seed: 0 } };
  new KernelCCA({ ...opts, approximation: { nystrom: 50 } }).fit(X, Y).dispose(); // warm-up
  const [tOurs, ours] = time(() => new KernelCCA(opts).fit(X, Y));
  const idx = Array.from(ours.landmarks.indices);
  const [tPeer, theirs] = time(() => mlNystrom(toML(x, p), toML(y, q), gammaOf(x, p), gammaOf(y, q), idx));
  console.log(`KernelCCA Nyström RBF m=${m} n=${n} k=${k}  ours ${tOurs.toFixed(0)} ms   ml-matrix ${tPeer.toFixed(0)} ms   ${(tPeer / tOurs).toFixed(2)}× faster than ml-matrix`);
  console.log(`  (ranks ${ours.ranks.join(' / ')}; max |ρ ours − ρ ml-matrix| = ${maxDiff(ours.correlations, theirs).toExponential(1)})`);
  for (const o of [X, Y, ours]) o.dispose();
}
