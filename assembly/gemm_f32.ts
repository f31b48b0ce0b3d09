// PLACEHOLDER (naive loops, scalar) until the packed f32x4 kernel lands. Signatures are final.
// C (m×n) = alpha·op(A)·op(B) + beta·C; C is not read when beta == 0. Strides in elements.
function gemm_naive(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, sai: i32, sak: i32, sbk: i32, sbj: i32, ldc: i32, alpha: f32, beta: f32): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s: f32 = 0;
    for (let p = 0; p < k; p++) s += load<f32>(a + (<usize>(i * sai + p * sak) << 2)) * load<f32>(b + (<usize>(p * sbk + j * sbj) << 2));
    const cp = c + (<usize>(i * ldc + j) << 2);
    store<f32>(cp, beta == 0 ? alpha * s : alpha * s + beta * load<f32>(cp));
  }
}
export function gemm_f32_nn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f32, beta: f32): void {
  gemm_naive(c, a, b, m, n, k, lda, 1, ldb, 1, ldc, alpha, beta);
}
export function gemm_f32_tn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f32, beta: f32): void {
  gemm_naive(c, a, b, m, n, k, 1, lda, ldb, 1, ldc, alpha, beta);
}
export function gemm_f32_nt(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f32, beta: f32): void {
  gemm_naive(c, a, b, m, n, k, lda, 1, 1, ldb, ldc, alpha, beta);
}
