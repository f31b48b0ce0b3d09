// PLACEHOLDER until the eigen kernel lands. Signatures are final.
export function eigh_f64_work(n: i32): usize { return <usize>(n * n + 4 * n); }
export function eigh_f64(values: usize, vectors: usize, a: usize, n: i32, lda: i32, ldv: i32, work: usize): i32 { return -1; }
export function invsqrt_spd_f64_work(n: i32): usize { return <usize>(2 * n * n + 4 * n); }
export function invsqrt_spd_f64(out: usize, values: usize, a: usize, n: i32, lda: i32, ldo: i32, work: usize): i32 { return -1; }
