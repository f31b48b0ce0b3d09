// PLACEHOLDER (naive loops) until the packed SIMD kernel lands. Signatures are final.
export function gemm_f64_nn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0.0;
    for (let p = 0; p < k; p++) s += load<f64>(a + (<usize>(i * lda + p) << 3)) * load<f64>(b + (<usize>(p * ldb + j) << 3));
    const cp = c + (<usize>(i * ldc + j) << 3);
    store<f64>(cp, beta == 0 ? alpha * s : alpha * s + beta * load<f64>(cp));
  }
}
export function gemm_f64_tn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0.0;
    for (let p = 0; p < k; p++) s += load<f64>(a + (<usize>(p * lda + i) << 3)) * load<f64>(b + (<usize>(p * ldb + j) << 3));
    const cp = c + (<usize>(i * ldc + j) << 3);
    store<f64>(cp, beta == 0 ? alpha * s : alpha * s + beta * load<f64>(cp));
  }
}
export function gemm_f64_nt(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0.0;
    for (let p = 0; p < k; p++) s += load<f64>(a + (<usize>(i * lda + p) << 3)) * load<f64>(b + (<usize>(j * ldb + p) << 3));
    const cp = c + (<usize>(i * ldc + j) << 3);
    store<f64>(cp, beta == 0 ? alpha * s : alpha * s + beta * load<f64>(cp));
  }
}
export function syrk_f64_tn(c: usize, a: usize, n: i32, k: i32, lda: i32, ldc: i32, alpha: f64, beta: f64): void {
  gemm_f64_tn(c, a, a, n, n, k, lda, lda, ldc, alpha, beta);
}
