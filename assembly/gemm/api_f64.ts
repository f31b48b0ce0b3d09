// f64 matrix products for the linear algebra: the exported entry points of the one
// GEMM driver (driver.ts) with the f64 micro-kernel (f64.ts, 4×4 f64x2 tiles).
// C = alpha·op(A)·op(B) + beta·C; when beta == 0, C is never read; when alpha == 0 or
// k == 0, A and B are not read. Strides in elements, matrices row-major.
import { scaleC, mirrorUpper } from './driver';
import { gemmPar } from './parallel';

/** C (m×n) = alpha·A·B + beta·C; A m×k (row stride lda), B k×n (ldb). */
export function gemm_f64_nn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) { scaleC<f64>(c, m, n, ldc, beta); return; }
  gemmPar<f64>(c, a, b, m, n, k, <usize>lda, 1, 1, <usize>ldb, ldc, alpha, beta, false);
}

/** C (m×n) = alpha·Aᵀ·B + beta·C; A stored k×m (lda), B k×n (ldb). */
export function gemm_f64_tn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) { scaleC<f64>(c, m, n, ldc, beta); return; }
  gemmPar<f64>(c, a, b, m, n, k, 1, <usize>lda, 1, <usize>ldb, ldc, alpha, beta, false);
}

/** C (m×n) = alpha·A·Bᵀ + beta·C; A m×k (lda), B stored n×k (ldb). */
export function gemm_f64_nt(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) { scaleC<f64>(c, m, n, ldc, beta); return; }
  gemmPar<f64>(c, a, b, m, n, k, <usize>lda, 1, <usize>ldb, 1, ldc, alpha, beta, false);
}

/**
 * C (n×n, both triangles written) = alpha·AᵀA + beta·C; A stored k×n (lda), rows are
 * observations. Only the tiles touching the upper triangle are computed, then mirrored;
 * when beta != 0 only the upper triangle of C is read (C is taken as symmetric).
 */
export function syrk_f64_tn(c: usize, a: usize, n: i32, k: i32, lda: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (n <= 0) return;
  if (k <= 0 || alpha == 0) scaleC<f64>(c, n, n, ldc, beta);
  else gemmPar<f64>(c, a, a, n, n, k, 1, <usize>lda, 1, <usize>lda, ldc, alpha, beta, true);
  mirrorUpper<f64>(c, n, ldc);
}
