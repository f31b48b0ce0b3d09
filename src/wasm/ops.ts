/**
 * Typed operations of linear algebra and statistics: the kernels of assembly/ called on
 * Matrix (f64) and Tensor (f32) objects instead of pointers. Shapes and strides come from
 * the objects (column-block views pass their row stride); each operation checks that its
 * operands agree and writes into outputs the caller owns, allocating nothing (except the
 * transposed-both product, which needs one scratch block). Decompositions return the
 * kernel's status code (0 = success) and leave the errors to the layer above.
 */
import { kernels } from './module.js';
import { addr } from './block.js';
import { Matrix } from './matrix.js';
import { Tensor } from './tensor.js';
import { withScratch } from './scratch.js';
import { ShapeError } from '../errors.js';

type Dense = Matrix | Tensor;

const dims = (m: { rows: number; cols: number }) => `${m.rows}×${m.cols}`;

/** Throws ShapeError(argument, expected, actual) unless ok. */
export function expectShape(ok: boolean, argument: string, expected: string, actual: string): void {
  if (!ok) throw new ShapeError(argument, expected, actual);
}

/** A 1×n (or n×1) vector's length. */
function vec(v: Matrix, n: number, name: string): void {
  expectShape(v.rows * v.cols >= n && v.contiguous, name, `a contiguous vector of ≥ ${n} values`, dims(v));
}

/**
 * c = alpha·op(a)·op(b) + beta·c, op(x) = xᵀ when asked; all three Matrix (f64) or all
 * Tensor (f32). c is not read when beta == 0.
 */
export function gemm<T extends Dense>(c: T, a: T, b: T, ta = false, tb = false, alpha = 1, beta = 0): void {
  const m = ta ? a.cols : a.rows, k = ta ? a.rows : a.cols;
  const kb = tb ? b.cols : b.rows, n = tb ? b.rows : b.cols;
  expectShape(k === kb, 'B', `${k} ${tb ? 'columns' : 'rows'} to match op(A) (${m}×${k})`, `${dims(b)}${tb ? ' (transposed)' : ''}`);
  expectShape(c.rows === m && c.cols === n && c.kind === a.kind && b.kind === a.kind, 'C', `a ${m}×${n} ${a.kind} matrix`, `${dims(c)} ${c.kind}`);
  const K = kernels();
  const f64 = a.kind === 'f64';
  if (ta && tb) {
    // AᵀBᵀ = (BA)ᵀ: B·A into scratch, then transposed into C
    withScratch((s) => {
      const t = f64 ? s.matrix(n, m) : s.tensor(n, m);
      (f64 ? K.gemm_f64_nn : K.gemm_f32_nn)(addr(t), addr(b), addr(a), n, m, k, b.ld, a.ld, m, 1, 0);
      const src = t.data;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          const v = src[j * m + i]!;
          c.set(i, j, !f64 && alpha === 1 && beta === 0 ? v : alpha * v + (beta === 0 ? 0 : beta * c.get(i, j)));
        }
    });
    return;
  }
  const fn = f64 ? (ta ? K.gemm_f64_tn : tb ? K.gemm_f64_nt : K.gemm_f64_nn) : ta ? K.gemm_f32_tn : tb ? K.gemm_f32_nt : K.gemm_f32_nn;
  fn(addr(c), addr(a), addr(b), m, n, k, a.ld, b.ld, c.ld, alpha, beta);
}

/** c (n×n, both triangles) = alpha·aᵀa + beta·c for a k×n. */
export function syrk(c: Matrix, a: Matrix, alpha: number, beta: number): void {
  const n = a.cols;
  expectShape(c.rows === n && c.cols === n, 'C', `${n}×${n}`, dims(c));
  kernels().syrk_f64_tn(addr(c), addr(a), n, a.rows, a.ld, c.ld, alpha, beta);
}

/** mean (1×p) = the column means of x (n×p). */
export function colMeans(mean: Matrix, x: Matrix): void {
  vec(mean, x.cols, 'mean');
  kernels().colmeans_f64(addr(mean), addr(x), x.rows, x.cols, x.ld);
}

/** out = x − 1·meanᵀ (out may be x). */
export function center(out: Matrix, x: Matrix, mean: Matrix): void {
  expectShape(out.rows === x.rows && out.cols === x.cols, 'out', dims(x), dims(out));
  vec(mean, x.cols, 'mean');
  kernels().center_f64(addr(out), addr(x), addr(mean), x.rows, x.cols, x.ld, out.ld);
}

/** a (m×n) += alpha·x·yᵀ for vectors x (m) and y (n). */
export function ger(a: Matrix, x: Matrix, y: Matrix, alpha: number): void {
  vec(x, a.rows, 'x');
  vec(y, a.cols, 'y');
  kernels().ger_f64(addr(a), addr(x), addr(y), a.rows, a.cols, a.ld, alpha);
}

/** t (1×p) = Σ‖x_i‖²·x_i over the rows of the centred xc; returns Σ‖x_i‖⁴. */
export function fourthMoments(t: Matrix, xc: Matrix): number {
  vec(t, xc.cols, 't');
  return kernels().fourth_moments_f64(addr(t), addr(xc), xc.rows, xc.cols, xc.ld);
}

/** out (1×k) = Pearson correlation of column j of u with column j of v (n×k each). */
export function colCorr(out: Matrix, u: Matrix, v: Matrix): void {
  expectShape(v.rows === u.rows && v.cols === u.cols, 'v', dims(u), dims(v));
  vec(out, u.cols, 'out');
  kernels().colcorr_f64(addr(out), addr(u), addr(v), u.rows, u.cols, u.ld, v.ld);
}

/** a += r·I (a square). */
export function addDiagonal(a: Matrix, r: number): void {
  expectShape(a.rows === a.cols, 'a', 'a square matrix', dims(a));
  kernels().add_diag_f64(addr(a), a.rows, a.ld, r);
}

/** out = x·diag(s): column j of x scaled by s[j]. */
export function scaleCols(out: Matrix, x: Matrix, s: Matrix): void {
  expectShape(out.rows === x.rows && out.cols === x.cols, 'out', dims(x), dims(out));
  vec(s, x.cols, 's');
  kernels().scale_cols_f64(addr(out), addr(x), addr(s), x.rows, x.cols, x.ld, out.ld);
}

/** out[i] = squared norm of row i of x. */
export function rowSqNorms(out: Matrix, x: Matrix): void {
  vec(out, x.rows, 'out');
  kernels().row_sq_norms_f64(addr(out), addr(x), x.rows, x.cols, x.ld);
}

/** g ← exp(−γ·max(a[i] + b[j] − 2·g[i, j], 0)) in place (a, b: squared row norms of the two sides). */
export function rbfFromGram(g: Matrix, a: Matrix, b: Matrix, gamma: number): void {
  vec(a, g.rows, 'a');
  vec(b, g.cols, 'b');
  kernels().rbf_from_gram_f64(addr(g), addr(a), addr(b), g.rows, g.cols, g.ld, gamma);
}

/** g ← (γ·g + coef0)^degree in place (integer degree ≥ 1). */
export function polyFromGram(g: Matrix, gamma: number, coef0: number, degree: number): void {
  expectShape(Number.isInteger(degree) && degree >= 1, 'degree', 'an integer ≥ 1', String(degree));
  kernels().poly_from_gram_f64(addr(g), g.rows, g.cols, g.ld, gamma, coef0, degree);
}

/** f64 values of the work block eigh needs for n×n. */
export const eighWorkSize = (n: number) => kernels().eigh_f64_work(n);
/** f64 values of the work block invSqrtSpd needs for n×n. */
export const invSqrtWorkSize = (n: number) => kernels().invsqrt_spd_f64_work(n);
/** f64 values of the work block svd needs for m×n. */
export const svdWorkSize = (m: number, n: number) => kernels().svd_f64_work(m, n);

/** a (n×n, symmetric) = vectors·diag(values)·vectorsᵀ, values descending. 0 = converged. */
export function eigh(values: Matrix, vectors: Matrix, a: Matrix, work: Matrix): number {
  const n = a.rows;
  expectShape(a.cols === n && vectors.rows === n && vectors.cols === n, 'vectors', `${n}×${n}`, dims(vectors));
  vec(values, n, 'values');
  vec(work, eighWorkSize(n), 'work');
  return kernels().eigh_f64(addr(values), addr(vectors), addr(a), n, a.ld, vectors.ld, addr(work));
}

/** out = a^(-1/2) for symmetric positive definite a; values = a's eigenvalues. 0 ok, 1 no convergence, 2 not positive definite. */
export function invSqrtSpd(out: Matrix, values: Matrix, a: Matrix, work: Matrix): number {
  const n = a.rows;
  expectShape(a.cols === n && out.rows === n && out.cols === n, 'out', `${n}×${n}`, dims(out));
  vec(values, n, 'values');
  vec(work, invSqrtWorkSize(n), 'work');
  return kernels().invsqrt_spd_f64(addr(out), addr(values), addr(a), n, a.ld, out.ld, addr(work));
}

/** Thin SVD a (m×n) = u·diag(s)·vᵀ, k = min(m, n): u m×k, s k, v n×k. 0 = converged. */
export function svd(u: Matrix, s: Matrix, v: Matrix, a: Matrix, work: Matrix): number {
  const m = a.rows, n = a.cols, k = Math.min(m, n);
  expectShape(u.rows === m && u.cols === k, 'u', `${m}×${k}`, dims(u));
  expectShape(v.rows === n && v.cols === k, 'v', `${n}×${k}`, dims(v));
  vec(s, k, 's');
  vec(work, svdWorkSize(m, n), 'work');
  return kernels().svd_f64(addr(u), addr(s), addr(v), addr(a), m, n, a.ld, u.ld, v.ld, addr(work));
}
