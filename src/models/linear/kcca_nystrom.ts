/**
 * The Nyström kernel CCA solve: m landmark rows drawn by the seed, features k(x, L)·V·M^-½
 * from K_mm = V·M·Vᵀ, then the streaming linear CCA with ridge κ on them (blocks of rows:
 * O(n·m²) time, no n×n matrix).
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, Rng, withScratch } from '../../wasm/index.js';
import { eigh } from '../../linalg/ops.js';
import { SingularMatrixError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { CCA } from './cca.js';
import { BLOCK, gatherRows, gram, symmetrise, type Spec } from './kcca_gram.js';
import { offsets, orient, rankOf, tooFewFeatures, type Solved } from './kcca_fit.js';

/** Nyström drops K_mm's eigenvalues below this fraction of the largest (the pseudo-inverse's cutoff). */
export const NYSTROM_RCOND = 1e-12;

/** m distinct row indices of 0..n−1 drawn by the seed (the in-wasm PRNG's shuffle), ascending. */
function drawLandmarks(n: number, m: number, seed: number): Uint32Array {
  const rng = Rng.create(seed), idx = Indices.empty(n);
  try {
    W.shuffle(idx, rng);
    return Uint32Array.from(idx.values.subarray(0, m)).sort();
  } finally {
    rng.dispose();
    idx.dispose();
  }
}

/** Nyström kernel CCA: features k(x, L)·V·M^-½ of each view, then the streaming ridge CCA on them. */
export function nystromFit(X: Matrix, Y: Matrix, specs: [Spec, Spec], ridges: [number, number], k: number, m: number, seed: number): Solved {
  const n = X.rows, owner = new Owner(), own = owner.own;
  try {
    const landmarks = drawLandmarks(n, m, seed);
    const views = ([X, Y] as const).map((V, i) => {
      const name = i === 0 ? 'X' : 'Y';
      const L = own(gatherRows(V, landmarks));
      const Kmm = own(gram(L, L, specs[i]!, name));
      symmetrise(Kmm);
      const dec = eigh(Kmm);
      own(dec.vectors);
      const r = rankOf(dec.values, NYSTROM_RCOND);
      if (r < k) throw tooFewFeatures(name, r, k);
      const A = own(Matrix.empty(m, r));
      const v = dec.vectors.toShaped().data, a = A.data;
      for (let s = 0; s < m; s++) for (let c = 0; c < r; c++) a[s * r + c] = v[s * m + c]! / Math.sqrt(dec.values[c]!);
      return { V, L, Kmm, A, r, name };
    });
    const [vx, vy] = views as [(typeof views)[0], (typeof views)[0]];
    const inner = own(new CCA({ components: k, regularization: [ridges[0], ridges[1]] }));
    // features a block of rows at a time: k(rows, L)·A
    const features = (v: typeof vx, start: number, count: number, into: Matrix) =>
      withScratch((s) => {
        const rows = s.matrix(count, v.V.cols);
        rows.data.set(v.V.data.subarray(start * v.V.cols, (start + count) * v.V.cols));
        const K = gram(rows, v.L, specs[v === vx ? 0 : 1], v.name);
        try {
          W.gemm(into, K, v.A);
        } finally {
          K.dispose();
        }
      });
    const step = Math.max(1, Math.min(n, Math.floor(BLOCK / m)));
    for (let start = 0; start < n; start += step) {
      const count = Math.min(step, n - start);
      withScratch((s) => {
        const fx = s.matrix(count, vx.r), fy = s.matrix(count, vy.r);
        features(vx, start, count, fx);
        features(vy, start, count, fy);
        inner.partialFit(fx, fy);
      });
    }
    try {
      void inner.correlations;
    } catch (e) {
      if (e instanceof SingularMatrixError) throw new SingularMatrixError(`${e.message.replace(/\. Add a ridge.*$|; use a larger ridge$/, '')}: the Nyström features are collinear without a ridge; use new KernelCCA({ regularization: 1e-3 })`);
      throw e;
    }
    // u = (k(x, L)·A − μ)·Wc = k(x, L)·(A·Wc) − μᵀWc
    const sides = ([[vx, inner.xWeights, inner.xMeans], [vy, inner.yWeights, inner.yMeans]] as const).map(([v, w, mu]) => {
      const coef = own(Matrix.empty(m, k));
      const Wc = own(Matrix.from(w, 'weights'));
      W.gemm(coef, v.A, Wc);
      const c = Float64Array.from(coef.toShaped().data);
      return { coef: c, offset: offsets(w.data, mu, k) };
    });
    // the landmarks' own variates decide the signs
    const uL = own(Matrix.empty(m, k));
    W.gemm(uL, vx.Kmm, own(Matrix.from({ data: sides[0]!.coef, rows: m, cols: k }, 'coef')));
    const ul = Float64Array.from(uL.toShaped().data);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) ul[i * k + j] = ul[i * k + j]! - sides[0]!.offset[j]!;
    orient(ul, m, k, sides);
    return {
      n,
      basis: [Float64Array.from(vx.L.toShaped().data), Float64Array.from(vy.L.toShaped().data)],
      nb: m,
      dims: [X.cols, Y.cols],
      coef: [sides[0]!.coef, sides[1]!.coef],
      offset: [sides[0]!.offset, sides[1]!.offset],
      all: inner.allCorrelations,
      ranks: [vx.r, vy.r],
      landmarks,
    };
  } finally {
    owner.dispose();
  }
}
