/**
 * The exact kernel CCA solve (n ≤ EXACT_LIMIT): per view K̃ = U·Λ·Uᵀ of the doubly centred
 * Gram matrix, the features UΛ^½ (one column per eigenvalue above rounding) shrunk by the
 * ridge, F = U·diag(√(λ/(λ+(n−1)κ))), the SVD of FxᵀFy for ρ and the dual coefficients.
 */
import * as W from '../../wasm/index.js';
import { Matrix } from '../../wasm/index.js';
import { eigh, svd } from '../../linalg/ops.js';
import { Owner } from '../../lifecycle.js';
import { gram, symmetrise, type Spec } from './kcca_gram.js';
import { offsets, orient, rankOf, tooFewFeatures, type Solved } from './kcca_fit.js';

/** The largest n an exact fit takes (two n×n eigenproblems). */
export const EXACT_LIMIT = 5000;

/** Exact kernel CCA of two wasm views (n ≤ EXACT_LIMIT). */
export function exactFit(X: Matrix, Y: Matrix, specs: [Spec, Spec], ridges: [number, number], k: number): Solved {
  const n = X.rows, owner = new Owner(), own = owner.own;
  try {
    // per view: K̃ = UΛUᵀ; F = U·diag(√(λ/(λ+(n−1)κ))) (n×r) and the column means of K
    const views = ([X, Y] as const).map((V, i) => {
      const name = i === 0 ? 'X' : 'Y';
      const K = gram(V, V, specs[i]!, name);
      const colMean = new Float64Array(n);
      const dec = (() => {
        try {
          symmetrise(K);
          const d = K.data;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) colMean[b] = colMean[b]! + d[a * n + b]! / n;
          let g = 0;
          for (let b = 0; b < n; b++) g += colMean[b]! / n;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) d[a * n + b] = d[a * n + b]! - colMean[a]! - colMean[b]! + g;
          return eigh(K);
        } finally {
          K.dispose();
        }
      })();
      own(dec.vectors);
      const r = rankOf(dec.values);
      if (r < k) throw tooFewFeatures(name, r, k);
      const kappa = ridges[i]! * (n - 1);
      const shrink = Float64Array.from(dec.values.subarray(0, r), (l) => Math.sqrt(l / (l + kappa)));
      // the dual coefficient per unit of F: √(n−1)/√(λ(λ+(n−1)κ)) ÷ √(λ/(λ+(n−1)κ)) = √(n−1)/λ
      const perF = Float64Array.from(dec.values.subarray(0, r), (l) => Math.sqrt(n - 1) / l);
      const F = own(Matrix.empty(n, r));
      // both views taken after the last allocation
      const f = F.data, u = dec.vectors.data;
      // K̃'s eigenvectors are orthogonal to 1 (K̃1 = 0) in exact arithmetic; those of tiny
      // eigenvalues mix with 1 in rounding, which new rows' centring would not undo: centre them
      const mean = new Float64Array(r);
      for (let a = 0; a < n; a++) for (let c = 0; c < r; c++) mean[c] = mean[c]! + u[a * n + c]! / n;
      for (let a = 0; a < n; a++) for (let c = 0; c < r; c++) f[a * r + c] = (u[a * n + c]! - mean[c]!) * shrink[c]!;
      dec.vectors.dispose();
      return { F, r, perF, colMean };
    });
    const [vx, vy] = views as [(typeof views)[0], (typeof views)[0]];
    const T = own(Matrix.empty(vx.r, vy.r));
    W.gemm(T, vx.F, vy.F, true, false);
    const dec = svd(T);
    own(dec.u);
    own(dec.v);
    const kk = Math.min(vx.r, vy.r);
    const all = Float64Array.from(dec.s.subarray(0, kk), (s) => Math.min(1, Math.max(0, s)));
    // coefficients α = F·diag(perF)·a_k; training variates √(n−1)·F·a_k
    const sides = ([[vx, dec.u], [vy, dec.v]] as const).map(([v, vecs]) => {
      const a = own(Matrix.empty(v.r, k)), ad = a.data, src = vecs.toShaped().data, cols = vecs.cols;
      for (let c = 0; c < v.r; c++) for (let j = 0; j < k; j++) ad[c * k + j] = src[c * cols + j]!;
      const train = own(Matrix.empty(n, k));
      W.gemm(train, v.F, a, false, false, Math.sqrt(n - 1), 0);
      for (let c = 0; c < v.r; c++) for (let j = 0; j < k; j++) ad[c * k + j] = ad[c * k + j]! * v.perF[c]!;
      const alpha = own(Matrix.empty(n, k));
      W.gemm(alpha, v.F, a);
      const coef = Float64Array.from(alpha.toShaped().data);
      return { coef, offset: offsets(coef, v.colMean, k), train: train.toShaped().data };
    });
    orient(sides[0]!.train, n, k, sides);
    return {
      n,
      basis: [Float64Array.from(X.toShaped().data), Float64Array.from(Y.toShaped().data)],
      nb: n,
      dims: [X.cols, Y.cols],
      coef: [sides[0]!.coef, sides[1]!.coef],
      offset: [sides[0]!.offset, sides[1]!.offset],
      all,
      ranks: [vx.r, vy.r],
      landmarks: null,
    };
  } finally {
    owner.dispose();
  }
}

