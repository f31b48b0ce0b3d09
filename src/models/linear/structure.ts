/**
 * Structure correlations on the rows given, a block of rows at a time: the co-moments of a
 * set of columns (X, P of them) with a set of variates (U, Q of them), merged block by block
 * (Chan, Golub & LeVeque) so the memory they take does not grow with the row count. Shared by
 * the multi-view models and KernelCCA (the linear CCA family's own lives with CCA).
 */
import * as W from '../../wasm/index.js';
import { withScratch } from '../../wasm/index.js';

/**
 * The centred co-moments of X (n×P) with U (n×Q): Σ(x − x̄)(u − ū)ᵀ (P×Q), and each column's
 * Σ(x − x̄)² and Σ(u − ū)², merged block by block.
 */
export class CrossMoments {
  n = 0;
  readonly meanX: Float64Array;
  readonly meanU: Float64Array;
  readonly ssX: Float64Array;
  readonly ssU: Float64Array;
  /** P×Q row-major */
  readonly M: Float64Array;

  constructor(readonly P: number, readonly Q: number) {
    this.meanX = new Float64Array(P);
    this.meanU = new Float64Array(Q);
    this.ssX = new Float64Array(P);
    this.ssU = new Float64Array(Q);
    this.M = new Float64Array(P * Q);
  }

  /** Adds `count` rows: x (count×P) and u (count×Q), row-major JS-owned arrays (a view of wasm memory may be detached by the scratch this allocates); the cross product runs in wasm. */
  add(x: ArrayLike<number>, u: ArrayLike<number>, count: number): void {
    if (count === 0) return;
    const { P, Q } = this;
    const mx = colMeans(x, count, P), mu = colMeans(u, count, Q);
    withScratch((s) => {
      const xc = s.matrix(count, P), uc = s.matrix(count, Q), cross = s.matrix(P, Q);
      // every view read after the last allocation
      const sx = centre(xc.data, x, mx, count, P), su = centre(uc.data, u, mu, count, Q);
      W.gemm(cross, xc, uc, true, false);
      const c = cross.data, na = this.n, n = na + count, w = (na * count) / n;
      const dx = mx.map((v, a) => v - this.meanX[a]!), du = mu.map((v, b) => v - this.meanU[b]!);
      for (let a = 0; a < P; a++) for (let b = 0; b < Q; b++) this.M[a * Q + b] = this.M[a * Q + b]! + c[a * Q + b]! + w * dx[a]! * du[b]!;
      for (let a = 0; a < P; a++) (this.ssX[a] = this.ssX[a]! + sx[a]! + w * dx[a]! ** 2), (this.meanX[a] = this.meanX[a]! + (dx[a]! * count) / n);
      for (let b = 0; b < Q; b++) (this.ssU[b] = this.ssU[b]! + su[b]! + w * du[b]! ** 2), (this.meanU[b] = this.meanU[b]! + (du[b]! * count) / n);
      this.n = n;
    });
  }

  /**
   * The Pearson correlation of columns a0…a0+rows−1 of X with variates b0…b0+cols−1 of U
   * (rows×cols, row-major); 0 where either is constant on these rows.
   */
  correlations(a0: number, rows: number, b0: number, cols: number): Float64Array {
    const out = new Float64Array(rows * cols);
    for (let a = 0; a < rows; a++) {
      const sa = this.ssX[a0 + a]!;
      for (let b = 0; b < cols; b++) {
        const sb = this.ssU[b0 + b]!;
        // √a·√b, not √(ab): the product of two tiny sums of squares underflows
        out[a * cols + b] = sa > 0 && sb > 0 ? this.M[(a0 + a) * this.Q + b0 + b]! / (Math.sqrt(sa) * Math.sqrt(sb)) : 0;
      }
    }
    return out;
  }
}

function colMeans(x: ArrayLike<number>, n: number, p: number): Float64Array {
  const m = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) m[j] = m[j]! + x[r * p + j]!;
  for (let j = 0; j < p; j++) m[j] = m[j]! / n;
  return m;
}

/** dst = x − mean (n×p); returns each column's sum of squares. */
function centre(dst: Float64Array, x: ArrayLike<number>, mean: Float64Array, n: number, p: number): Float64Array {
  const ss = new Float64Array(p);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < p; j++) {
      const d = x[r * p + j]! - mean[j]!;
      dst[r * p + j] = d;
      ss[j] = ss[j]! + d * d;
    }
  return ss;
}
