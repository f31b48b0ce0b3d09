/**
 * Low-level linear algebra on wasm-resident matrices (f64). Every function returns new
 * Matrix objects the caller owns (dispose them) or JS-owned typed arrays.
 */
import { Matrix, borrow, type MatrixInput } from './matrix.js';
import { allocF64, free, heapF64, kernels, withScratch } from '../wasm/module.js';
import { ConvergenceError, ShapeError, SingularMatrixError, describe } from '../errors.js';
import { Tensor } from '../nn/tensor.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * op(A)·op(B), op = transpose when asked. Matrices (f64) give a Matrix; Tensors (f32) give
 * a Tensor; other inputs are read as f64.
 *
 * @example
 * const C = linalg.matmul([[1, 2]], [[3], [4]]); // Matrix [[11]]
 */
export function matmul(A: MatrixInput, B: MatrixInput, options?: MatmulOptions): Matrix;
export function matmul(A: Tensor, B: Tensor, options?: MatmulOptions): Tensor;
export function matmul(A: MatrixInput | Tensor, B: MatrixInput | Tensor, options: MatmulOptions = {}): Matrix | Tensor {
  const ta = !!options.transposeA, tb = !!options.transposeB;
  if (A instanceof Tensor || B instanceof Tensor) {
    if (!(A instanceof Tensor)) throw new ShapeError('A', 'a Tensor (B is a Tensor: both must be f32)', describe(A));
    if (!(B instanceof Tensor)) throw new ShapeError('B', 'a Tensor (A is a Tensor: both must be f32)', describe(B));
    const { m, n, k } = productShape(A, B, ta, tb);
    const c = Tensor.alloc(m, n);
    const K = kernels();
    const gemm = ta && tb ? null : ta ? K.gemm_f32_tn : tb ? K.gemm_f32_nt : K.gemm_f32_nn;
    if (gemm) gemm(c.ptr, A.ptr, B.ptr, m, n, k, A.cols, B.cols, n, 1, 0);
    else {
      // AᵀBᵀ = (B·A)ᵀ
      const t = Tensor.alloc(n, m);
      K.gemm_f32_nn(t.ptr, B.ptr, A.ptr, n, m, k, B.cols, A.cols, m, 1, 0);
      const src = t.data, dst = c.data;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dst[i * n + j] = src[j * m + i]!;
      t.dispose();
    }
    return c;
  }
  const a = borrow(A, 'A');
  try {
    const b = borrow(B, 'B');
    try {
      const { m, n } = productShape(a.m, b.m, ta, tb);
      const c = Matrix.alloc(m, n);
      gemmInto(c, a.m, b.m, ta, tb, 1, 0);
      return c;
    } finally {
      b.release();
    }
  } finally {
    a.release();
  }
}

function productShape(a: { rows: number; cols: number }, b: { rows: number; cols: number }, ta: boolean, tb: boolean) {
  const m = ta ? a.cols : a.rows, k = ta ? a.rows : a.cols;
  const kb = tb ? b.cols : b.rows, n = tb ? b.rows : b.cols;
  if (k !== kb) throw new ShapeError('B', `${k} ${tb ? 'columns' : 'rows'} to match op(A) (${m}×${k})`, `${b.rows}×${b.cols}${tb ? ' (transposed)' : ''}`);
  return { m, n, k };
}

/** c = alpha·op(a)·op(b) + beta·c, shapes already checked. @internal */
export function gemmInto(c: Matrix, a: Matrix, b: Matrix, ta: boolean, tb: boolean, alpha: number, beta: number): void {
  const K = kernels();
  const m = c.rows, n = c.cols, k = ta ? a.rows : a.cols;
  if (ta && tb) {
    // (AᵀBᵀ) = (BA)ᵀ: compute BA into scratch, then transpose
    withScratch((f64) => {
      const t = f64(n * m);
      K.gemm_f64_nn(t, b.ptr, a.ptr, n, m, k, b.cols, a.cols, m, 1, 0);
      const h = heapF64(), cd = c.ptr >>> 3, td = t >>> 3;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) h[cd + i * n + j] = alpha * h[td + j * m + i]! + (beta === 0 ? 0 : beta * h[cd + i * n + j]!);
    });
  } else if (ta) K.gemm_f64_tn(c.ptr, a.ptr, b.ptr, m, n, k, a.cols, b.cols, n, alpha, beta);
  else if (tb) K.gemm_f64_nt(c.ptr, a.ptr, b.ptr, m, n, k, a.cols, b.cols, n, alpha, beta);
  else K.gemm_f64_nn(c.ptr, a.ptr, b.ptr, m, n, k, a.cols, b.cols, n, alpha, beta);
}

/** Column means of X. */
export function colMeans(X: MatrixInput): Float64Array {
  const x = borrow(X, 'X');
  try {
    return withScratch((f64) => {
      const mean = f64(x.m.cols);
      kernels().colmeans_f64(mean, x.m.ptr, x.m.rows, x.m.cols, x.m.cols);
      return heapF64().slice(mean >>> 3, (mean >>> 3) + x.m.cols);
    });
  } finally {
    x.release();
  }
}

/** Sample covariance of the columns of X (n − 1 normalisation), p×p. */
export function covariance(X: MatrixInput): Matrix {
  return crossCov(X, null);
}

/** Sample cross-covariance of the columns of X with those of Y (n − 1), p×q. */
export function crossCovariance(X: MatrixInput, Y: MatrixInput): Matrix {
  return crossCov(X, Y);
}

function crossCov(X: MatrixInput, Y: MatrixInput | null): Matrix {
  const x = borrow(X, 'X');
  try {
    const y = Y === null ? null : borrow(Y, 'Y');
    try {
      const n = x.m.rows, p = x.m.cols;
      if (n < 2) throw new ShapeError('X', 'at least 2 rows for a covariance', `${n} row`);
      if (y && y.m.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.m.rows} rows`);
      const q = y ? y.m.cols : p;
      const out = Matrix.alloc(p, q);
      const K = kernels();
      withScratch((f64) => {
        const mx = f64(p), xc = f64(n * p);
        K.colmeans_f64(mx, x.m.ptr, n, p, p);
        K.center_f64(xc, x.m.ptr, mx, n, p, p, p);
        if (!y) K.syrk_f64_tn(out.ptr, xc, p, n, p, p, 1 / (n - 1), 0);
        else {
          const my = f64(q), yc = f64(n * q);
          K.colmeans_f64(my, y.m.ptr, n, q, q);
          K.center_f64(yc, y.m.ptr, my, n, q, q, q);
          K.gemm_f64_tn(out.ptr, xc, yc, p, q, n, p, q, q, 1 / (n - 1), 0);
        }
      });
      return out;
    } finally {
      y?.release();
    }
  } finally {
    x.release();
  }
}

function requireSquare(m: Matrix, name: string) {
  if (m.rows !== m.cols) throw new ShapeError(name, 'a square matrix', `${m.rows}×${m.cols}`);
}

/**
 * Symmetric eigendecomposition S = V·diag(values)·Vᵀ: values descending, eigenvectors in
 * the columns of `vectors` (orthonormal). Only symmetric input is meaningful.
 *
 * @example
 * const { values, vectors } = linalg.eigh([[2, 1], [1, 2]]); // values [3, 1]
 * vectors.dispose();
 */
export function eigh(S: MatrixInput): { values: Float64Array; vectors: Matrix } {
  const s = borrow(S, 'S');
  try {
    requireSquare(s.m, 'S');
    const n = s.m.rows;
    const K = kernels();
    const vectors = Matrix.alloc(n, n);
    try {
      const values = withScratch((f64) => {
        const vals = f64(n), work = f64(K.eigh_f64_work(n));
        const info = K.eigh_f64(vals, vectors.ptr, s.m.ptr, n, n, n, work);
        if (info !== 0) throw new ConvergenceError(`eigh: the QL iteration did not converge (code ${info}) for a ${n}×${n} matrix`);
        return heapF64().slice(vals >>> 3, (vals >>> 3) + n);
      });
      return { values, vectors };
    } catch (e) {
      vectors.dispose();
      throw e;
    }
  } finally {
    s.release();
  }
}

/**
 * Thin SVD A = U·diag(s)·Vᵀ with k = min(m, n): u m×k, s descending, v n×k.
 *
 * @example
 * const { u, s, v } = linalg.svd([[3, 0], [0, 4]]); // s [4, 3]
 * u.dispose(); v.dispose();
 */
export function svd(A: MatrixInput): { u: Matrix; s: Float64Array; v: Matrix } {
  const a = borrow(A, 'A');
  try {
    const m = a.m.rows, n = a.m.cols, k = Math.min(m, n);
    const K = kernels();
    const u = Matrix.alloc(m, k);
    const v = Matrix.alloc(n, k);
    try {
      const s = withScratch((f64) => {
        const sv = f64(k), work = f64(K.svd_f64_work(m, n));
        const info = K.svd_f64(u.ptr, sv, v.ptr, a.m.ptr, m, n, n, k, k, work);
        if (info !== 0) throw new ConvergenceError(`svd: the QR iteration did not converge (code ${info}) for a ${m}×${n} matrix`);
        return heapF64().slice(sv >>> 3, (sv >>> 3) + k);
      });
      return { u, s, v };
    } catch (e) {
      u.dispose();
      v.dispose();
      throw e;
    }
  } finally {
    a.release();
  }
}

/**
 * S^(-1/2) for symmetric positive definite S. Throws SingularMatrixError when S is not
 * numerically positive definite (smallest eigenvalue ≤ n·ε·largest).
 */
export function invSqrt(S: MatrixInput, name = 'S'): { matrix: Matrix; values: Float64Array } {
  const s = borrow(S, name);
  try {
    requireSquare(s.m, name);
    const n = s.m.rows;
    const K = kernels();
    const out = Matrix.alloc(n, n);
    try {
      const values = withScratch((f64) => {
        const vals = f64(n), work = f64(K.invsqrt_spd_f64_work(n));
        const info = K.invsqrt_spd_f64(out.ptr, vals, s.m.ptr, n, n, n, work);
        const values = heapF64().slice(vals >>> 3, (vals >>> 3) + n);
        if (info === 1) throw new ConvergenceError(`invSqrt: the eigen iteration did not converge for ${name} (${n}×${n})`);
        if (info === 2)
          throw new SingularMatrixError(
            `${name} (${n}×${n}) is not positive definite: smallest eigenvalue ${values[n - 1]!.toExponential(3)}, largest ${values[0]!.toExponential(3)}`,
          );
        return values;
      });
      return { matrix: out, values };
    } catch (e) {
      out.dispose();
      throw e;
    }
  } finally {
    s.release();
  }
}

