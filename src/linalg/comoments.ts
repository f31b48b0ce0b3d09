/**
 * Mergeable sufficient statistics of two views (Chan, Golub & LeVeque): row count, means,
 * centred co-moment matrices Mxx, Myy, Mxy, and per view the fourth-moment terms
 * s4 = Σ‖x_i − mean‖⁴ and t = Σ‖x_i − mean‖²(x_i − mean) that the Ledoit–Wolf intensity
 * needs. Chunks and shards combine exactly: update(chunk) and merge(other) give the same
 * statistics (to rounding) as one pass over all rows.
 */
import * as W from '../wasm/index.js';
import { Matrix, rowBlocks, withScratch, type RowSource } from '../wasm/index.js';

/** Per-view part of the statistics. */
export interface ViewMoments {
  mean: Float64Array;
  /** Σ (x − mean)(x − mean)ᵀ, p×p */
  M: Matrix;
  s4: number;
  t: Float64Array;
}

export class CoMoments {
  n = 0;
  readonly x: ViewMoments;
  readonly y: ViewMoments;
  /** Σ (x − mean_x)(y − mean_y)ᵀ, p×q */
  readonly Mxy: Matrix;

  constructor(readonly p: number, readonly q: number) {
    this.x = { mean: new Float64Array(p), M: Matrix.zeros(p, p), s4: 0, t: new Float64Array(p) };
    let y: ViewMoments | undefined;
    try {
      y = { mean: new Float64Array(q), M: Matrix.zeros(q, q), s4: 0, t: new Float64Array(q) };
      this.Mxy = Matrix.zeros(p, q);
    } catch (e) {
      this.x.M.dispose();
      y?.M.dispose();
      throw e;
    }
    this.y = y;
  }

  /**
   * Rows per block for p + q columns: about 8 MiB of input and as much of centred scratch
   * per block, whatever the row count (at least 256 rows, so that a block's O(n(p+q)²) work
   * dwarfs the O((p+q)²) merge).
   */
  static blockRows(p: number, q: number): number {
    return Math.max(256, Math.floor(2 ** 20 / (p + q)));
  }

  /** Adds the rows of two row sources (shapes already checked) a block of blockRows at a time. */
  addRows(x: RowSource, y: RowSource): void {
    for (const [start, count] of rowBlocks(x.rows, CoMoments.blockRows(this.p, this.q))) this.update(x.block(start, count), y.block(start, count));
  }

  /** Adds the rows of X (n×p) and Y (n×q) in one pass (its scratch is n×(p+q)); shapes already checked. */
  update(X: Matrix, Y: Matrix): void {
    const n = X.rows, p = this.p, q = this.q;
    const chunk = new CoMoments(p, q);
    try {
      withScratch((s) => {
        const mx = s.matrix(1, p), my = s.matrix(1, q), xc = s.matrix(n, p), yc = s.matrix(n, q), tx = s.matrix(1, p), ty = s.matrix(1, q);
        W.colMeans(mx, X);
        W.colMeans(my, Y);
        W.center(xc, X, mx);
        W.center(yc, Y, my);
        W.syrk(chunk.x.M, xc, 1, 0);
        W.syrk(chunk.y.M, yc, 1, 0);
        W.gemm(chunk.Mxy, xc, yc, true, false, 1, 0);
        chunk.x.s4 = W.fourthMoments(tx, xc);
        chunk.y.s4 = W.fourthMoments(ty, yc);
        chunk.x.mean.set(mx.data);
        chunk.y.mean.set(my.data);
        chunk.x.t.set(tx.data);
        chunk.y.t.set(ty.data);
      });
      chunk.n = n;
      this.merge(chunk);
    } finally {
      chunk.dispose();
    }
  }

  /** Folds `other`'s statistics into this one (other is left unchanged). */
  merge(other: CoMoments): void {
    if (other.n === 0) return;
    if (this.n === 0) {
      this.n = other.n;
      copyView(this.x, other.x);
      copyView(this.y, other.y);
      this.Mxy.data.set(other.Mxy.data);
      return;
    }
    const na = this.n, nb = other.n, n = na + nb;
    const dx = sub(other.x.mean, this.x.mean), dy = sub(other.y.mean, this.y.mean);
    // shift each side's fourth-moment terms to the merged mean before the M's change
    const shiftedA = [shiftFourth(this.x, na, dx, nb / n), shiftFourth(this.y, na, dy, nb / n)] as const;
    const shiftedB = [shiftFourth(other.x, nb, dx, -na / n), shiftFourth(other.y, nb, dy, -na / n)] as const;
    const w = (na * nb) / n;
    withScratch((s) => {
      const px = s.matrix(1, this.p), py = s.matrix(1, this.q);
      px.data.set(dx);
      py.data.set(dy);
      addInto(this.x.M, other.x.M);
      addInto(this.y.M, other.y.M);
      addInto(this.Mxy, other.Mxy);
      W.ger(this.x.M, px, px, w);
      W.ger(this.y.M, py, py, w);
      W.ger(this.Mxy, px, py, w);
    });
    for (const [v, d, a, b] of [
      [this.x, dx, shiftedA[0], shiftedB[0]],
      [this.y, dy, shiftedA[1], shiftedB[1]],
    ] as const) {
      for (let j = 0; j < v.mean.length; j++) v.mean[j] = v.mean[j]! + (d[j]! * nb) / n;
      v.s4 = a.s4 + b.s4;
      for (let j = 0; j < v.t.length; j++) v.t[j] = a.t[j]! + b.t[j]!;
    }
    this.n = n;
  }

  dispose(): void {
    this.x.M.dispose();
    this.y.M.dispose();
    this.Mxy.dispose();
  }
}

function copyView(dst: ViewMoments, src: ViewMoments) {
  dst.mean.set(src.mean);
  dst.t.set(src.t);
  dst.s4 = src.s4;
  dst.M.data.set(src.M.data);
}

function sub(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

function addInto(dst: Matrix, src: Matrix) {
  const d = dst.data, s = src.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]!;
}

/**
 * The fourth-moment terms of a view (about its own mean) re-expressed about mean + d with
 * d = delta·frac. With y the centred rows, c = ‖d‖²:
 *   Σ‖y − d‖⁴      = s4 − 4 t·d + 4 dᵀMd + 2c·tr(M) + n c²
 *   Σ‖y − d‖²(y−d) = t − 2Md − tr(M) d − n c d
 */
function shiftFourth(v: ViewMoments, n: number, delta: Float64Array, frac: number): { s4: number; t: Float64Array } {
  const p = delta.length;
  const d = new Float64Array(p);
  for (let j = 0; j < p; j++) d[j] = delta[j]! * frac;
  const M = v.M.data;
  const Md = new Float64Array(p);
  let tr = 0, c = 0, td = 0, dMd = 0;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += M[i * p + j]! * d[j]!;
    Md[i] = s;
    tr += M[i * p + i]!;
    c += d[i]! * d[i]!;
    td += v.t[i]! * d[i]!;
    dMd += d[i]! * s;
  }
  const s4 = v.s4 - 4 * td + 4 * dMd + 2 * c * tr + n * c * c;
  const t = new Float64Array(p);
  for (let j = 0; j < p; j++) t[j] = v.t[j]! - 2 * Md[j]! - tr * d[j]! - n * c * d[j]!;
  return { s4, t };
}

/**
 * Ledoit–Wolf shrinkage intensity δ ∈ [0, 1] of a view, from its statistics, with the
 * same estimator as scikit-learn's `ledoit_wolf_shrinkage` (biased covariance M/n):
 *   μ = tr(M)/(n p),  d² = ‖M/n − μI‖²_F / p,  b² = min(d², (s4/n − ‖M/n‖²_F)/(n p)),  δ = b²/d²
 * (δ = 0 when d² ≤ 1e-12 μ²: the covariance is already a multiple of I, e.g. one column).
 */
export function ledoitWolf(v: ViewMoments, n: number): { delta: number; mu: number } {
  const M = v.M.data;
  const p = v.mean.length;
  let tr = 0, fro = 0;
  for (let i = 0; i < p; i++) tr += M[i * p + i]!;
  for (let i = 0; i < M.length; i++) fro += M[i]! * M[i]!;
  const mu = tr / (n * p);
  const fro2 = fro / (n * n);
  const d2 = (fro2 - (2 * mu * tr) / n + p * mu * mu) / p;
  let b2 = (v.s4 / n - fro2) / (n * p);
  b2 = Math.min(b2, d2);
  // d² ≈ 0: the covariance already is μI (always so for one column), nothing to shrink; a
  // rounding-noise d² must not decide between 0 and 1
  const delta = b2 <= 0 || d2 <= 1e-12 * mu * mu ? 0 : b2 / d2;
  return { delta, mu };
}
