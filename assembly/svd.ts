// PLACEHOLDER until the SVD kernel lands. Signatures are final.
export function svd_f64_work(m: i32, n: i32): usize { return <usize>(m * n + 4 * (m + n)); }
export function svd_f64(u: usize, s: usize, v: usize, a: usize, m: i32, n: i32, lda: i32, ldu: i32, ldv: i32, work: usize): i32 { return -1; }
