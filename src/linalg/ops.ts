/**
 * Low-level linear algebra on wasm-resident matrices (f64). Every function returns new
 * Matrix objects the caller owns (dispose them) or JS-owned typed arrays.
 */
import * as W from '../wasm/index.js';
import { Matrix, Tensor, borrowMatrix, finiteResult, withScratch, type MatrixInput } from '../wasm/index.js';
import { ConvergenceError, ShapeError, SingularMatrixError, describe } from '../errors.js';
import { checkOptions } from '../options.js';

/** Options of linalg.matmul. */
export interface MatmulOptions {
  /** multiply by Aᵀ instead of A (default false) */
  transposeA?: boolean;
  /** multiply by Bᵀ instead of B (default false) */
  transposeB?: boolean;
}

/** Runs fn on inputs borrowed as matrices, releasing every copy afterwards. */
function borrowing<T>(inputs: [MatrixInput, string][], fn: (...ms: Matrix[]) => T): T {
  const held: { m: Matrix; release(): void }[] = [];
  try {
    for (const [input, name] of inputs) held.push(borrowMatrix(input, name));
    // finite inputs can still overflow (±1e300 squared): a typed error, never a silent Infinity
    return finiteResult(fn(...held.map((h) => h.m)), inputs.map(([, name]) => name));
  } finally {
    for (const h of held) h.release();
  }
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
  checkOptions(options, ['transposeA', 'transposeB']);
  const ta = !!options.transposeA, tb = !!options.transposeB;
  if (A instanceof Tensor || B instanceof Tensor) {
    if (!(A instanceof Tensor)) throw new ShapeError('A', 'a Tensor (B is a Tensor: both must be f32)', describe(A));
    if (!(B instanceof Tensor)) throw new ShapeError('B', 'a Tensor (A is a Tensor: both must be f32)', describe(B));
    const c = Tensor.empty(ta ? A.cols : A.rows, tb ? B.rows : B.cols);
    return finiteResult(filled(c, () => W.gemm(c, A, B, ta, tb)), ['A', 'B'], 'product');
  }
  return borrowing([[A, 'A'], [B, 'B']], (a, b) => {
    const c = Matrix.empty(ta ? a.cols : a.rows, tb ? b.rows : b.cols);
    return filled(c, () => W.gemm(c, a, b, ta, tb));
  });
}

/** Runs fill(out) and returns out, disposing it if fill throws. */
function filled<T extends Matrix | Tensor>(out: T, fill: () => unknown): T {
  orDispose(out, fill);
  return out;
}

/** Runs fn; if it throws, disposes the outputs that were made for it. */
function orDispose<T>(outputs: Matrix | Tensor | (Matrix | Tensor)[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    for (const m of Array.isArray(outputs) ? outputs : [outputs]) m.dispose();
    throw e;
  }
}

/**
 * Column means of X.
 *
 * @example
 * linalg.colMeans([[1, 2], [3, 6]]); // Float64Array [2, 4]
 */
export function colMeans(X: MatrixInput): Float64Array {
  return borrowing([[X, 'X']], (x) =>
    withScratch((s) => {
      const mean = s.matrix(1, x.cols);
      W.colMeans(mean, x);
      return mean.toFloat64Array();
    }),
  );
}

/**
 * Sample covariance of the columns of X (n − 1 normalisation), p×p.
 *
 * @example
 * const C = linalg.covariance([[1, 2], [3, 6], [5, 7]]); // [[4, 5], [5, 7]]
 * C.dispose();
 */
export function covariance(X: MatrixInput): Matrix {
  return borrowing([[X, 'X']], (x) => crossCov(x, null));
}

/**
 * Sample cross-covariance of the columns of X with those of Y (n − 1), p×q.
 *
 * @example
 * const C = linalg.crossCovariance([[1], [2], [4]], [[1, 0], [3, 1], [2, 2]]); // [[0.5, 1.5]]
 * C.dispose();
 */
export function crossCovariance(X: MatrixInput, Y: MatrixInput): Matrix {
  return borrowing([[X, 'X'], [Y, 'Y']], (x, y) => crossCov(x, y!));
}

function crossCov(x: Matrix, y: Matrix | null): Matrix {
  const n = x.rows, p = x.cols;
  if (n < 2) throw new ShapeError('X', 'at least 2 rows for a covariance', `${n} row`);
  if (y && y.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.rows} rows`);
  const q = y ? y.cols : p;
  const out = Matrix.empty(p, q);
  return filled(out, () =>
    withScratch((s) => {
      const mx = s.matrix(1, p), xc = s.matrix(n, p);
      W.colMeans(mx, x);
      W.center(xc, x, mx);
      if (!y) W.syrk(out, xc, 1 / (n - 1), 0);
      else {
        const my = s.matrix(1, q), yc = s.matrix(n, q);
        W.colMeans(my, y);
        W.center(yc, y, my);
        W.gemm(out, xc, yc, true, false, 1 / (n - 1), 0);
      }
    }),
  );
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
  return borrowing([[S, 'S']], (s) => {
    requireSquare(s, 'S');
    const n = s.rows;
    const vectors = Matrix.empty(n, n);
    const values = orDispose(vectors, () =>
      withScratch((sc) => {
        const vals = sc.matrix(1, n);
        const info = W.eigh(vals, vectors, s, sc.matrix(1, W.eighWorkSize(n)));
        if (info !== 0) throw new ConvergenceError(`eigh: the QL iteration did not converge (code ${info}) for a ${n}×${n} matrix`);
        return vals.toFloat64Array();
      }),
    );
    return { values, vectors };
  });
}

/**
 * Thin SVD A = U·diag(s)·Vᵀ with k = min(m, n): u m×k, s descending, v n×k.
 *
 * @example
 * const { u, s, v } = linalg.svd([[3, 0], [0, 4]]); // s [4, 3]
 * u.dispose(); v.dispose();
 */
export function svd(A: MatrixInput): { u: Matrix; s: Float64Array; v: Matrix } {
  return borrowing([[A, 'A']], (a) => {
    const m = a.rows, n = a.cols, k = Math.min(m, n);
    const u = Matrix.empty(m, k);
    const v = orDispose(u, () => Matrix.empty(n, k));
    const s = orDispose([u, v], () =>
      withScratch((sc) => {
        const sv = sc.matrix(1, k);
        const info = W.svd(u, sv, v, a, sc.matrix(1, W.svdWorkSize(m, n)));
        if (info !== 0) throw new ConvergenceError(`svd: the QR iteration did not converge (code ${info}) for a ${m}×${n} matrix`);
        return sv.toFloat64Array();
      }),
    );
    return { u, s, v };
  });
}

/**
 * S^(-1/2) for symmetric positive definite S. Throws SingularMatrixError when S is not
 * numerically positive definite (smallest eigenvalue ≤ n·ε·largest).
 *
 * @example
 * const { matrix, values } = linalg.invSqrt([[4, 0], [0, 9]]); // [[0.5, 0], [0, 1/3]], values [9, 4]
 * matrix.dispose();
 */
export function invSqrt(S: MatrixInput, name = 'S'): { matrix: Matrix; values: Float64Array } {
  return borrowing([[S, name]], (s) => {
    requireSquare(s, name);
    const n = s.rows;
    const out = Matrix.empty(n, n);
    const values = orDispose(out, () =>
      withScratch((sc) => {
        const vals = sc.matrix(1, n);
        const info = W.invSqrtSpd(out, vals, s, sc.matrix(1, W.invSqrtWorkSize(n)));
        const values = vals.toFloat64Array();
        if (info === 1) throw new ConvergenceError(`invSqrt: the eigen iteration did not converge for ${name} (${n}×${n})`);
        if (info === 2)
          throw new SingularMatrixError(
            `${name} (${n}×${n}) is not positive definite: smallest eigenvalue ${values[n - 1]!.toExponential(3)}, largest ${values[0]!.toExponential(3)}`,
          );
        return values;
      }),
    );
    return { matrix: out, values };
  });
}
