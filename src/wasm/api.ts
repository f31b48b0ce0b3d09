/**
 * Typed interface of the kernel module (assembly/). Pointers are byte offsets into the
 * module's memory; sizes and strides are in elements; matrices are row-major, `ld*` is the
 * row stride. Outputs come first, then inputs, then sizes and strides.
 * Only src/wasm/ and the thin wrappers in src/linalg/ touch this interface.
 */
export type Ptr = number;

export interface Kernels {
  // memory.ts — allocator with exact live-byte accounting; payloads 16-byte aligned
  mem_alloc(bytes: number): Ptr;
  mem_free(ptr: Ptr): void;
  mem_live_bytes(): number;
  mem_live_blocks(): number;

  // gemm_f64.ts — C (m×n) = alpha·op(A)·op(B) + beta·C; C is not read when beta == 0
  /** A m×k, B k×n */
  gemm_f64_nn(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** A stored k×m (C = alpha·Aᵀ·B), B k×n */
  gemm_f64_tn(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** A m×k, B stored n×k (C = alpha·A·Bᵀ) */
  gemm_f64_nt(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** C (n×n, both triangles written) = alpha·AᵀA + beta·C, A stored k×n */
  syrk_f64_tn(c: Ptr, a: Ptr, n: number, k: number, lda: number, ldc: number, alpha: number, beta: number): void;

  // stats.ts
  colmeans_f64(mean: Ptr, x: Ptr, n: number, p: number, ldx: number): void;
  center_f64(out: Ptr, x: Ptr, mean: Ptr, n: number, p: number, ldx: number, ldo: number): void;
  ger_f64(a: Ptr, x: Ptr, y: Ptr, m: number, n: number, lda: number, alpha: number): void;
  fourth_moments_f64(t: Ptr, xc: Ptr, n: number, p: number, ldx: number): number;
  colcorr_f64(out: Ptr, u: Ptr, v: Ptr, n: number, k: number, ldu: number, ldv: number): void;
  first_nonfinite_f64(x: Ptr, len: number): number;

  // eigh.ts — symmetric eigendecomposition A = V·diag(values)·Vᵀ, values descending,
  // eigenvectors in the columns of V (n×n, stride ldv). A is only read (the full
  // matrix, assumed symmetric). Returns 0 on success,
  // > 0 when the iteration failed to converge.
  /** number of f64 the work buffer needs */
  eigh_f64_work(n: number): number;
  eigh_f64(values: Ptr, vectors: Ptr, a: Ptr, n: number, lda: number, ldv: number, work: Ptr): number;
  /** out = A^(-1/2) for symmetric positive definite A; values gets A's eigenvalues
   *  (descending). Returns 0 ok, 1 no convergence, 2 not positive definite
   *  (λmin ≤ n·ε·λmax or λmax ≤ 0), in which case out is unspecified. */
  invsqrt_spd_f64_work(n: number): number;
  invsqrt_spd_f64(out: Ptr, values: Ptr, a: Ptr, n: number, lda: number, ldo: number, work: Ptr): number;

  // svd.ts — thin SVD A (m×n) = U·diag(s)·Vᵀ, k = min(m, n): U m×k, s k (descending,
  // ≥ 0), V n×k. A is only read. Returns 0 on success, > 0 on no convergence.
  svd_f64_work(m: number, n: number): number;
  svd_f64(u: Ptr, s: Ptr, v: Ptr, a: Ptr, m: number, n: number, lda: number, ldu: number, ldv: number, work: Ptr): number;
}
