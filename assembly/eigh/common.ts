// Shared constants, addressing and the work-buffer layout of the eigh family.

export const EPS: f64 = 2.220446049250313e-16;
export const SAFMIN: f64 = 2.2250738585072014e-308;
export const MAXIT: i32 = 40; // QL sweeps allowed per eigenvalue

/** byte address of row r of a row-major f64 matrix with row stride ld (elements) */
// @ts-ignore: decorator
@inline export function row(base: usize, r: i32, ld: i32): usize { return base + (<usize>r * <usize>ld << 3); }

/** row stride of Zᵀ in the work buffer: multiple of 8 so rotations run on 8-column chunks */
// @ts-ignore: decorator
@inline export function ldzOf(n: i32): i32 { return (n + 7) & ~7; }

// work layout (f64 offsets): Zᵀ [ldz·n] | d [n+2] | e [n+2] | tau [n+2] | b0..b3 [n+4 each] |
// cs [n+2] | sn [n+2] | lam [n+2] | perm [n+2]
// @ts-ignore: decorator
@inline export function seg(n: i32): i32 { return (n + 5) & ~1; }

/** byte address of perm (i32[n], row of Zᵀ holding the j-th largest eigenpair) in work */
// @ts-ignore: decorator
@inline export function permOf(work: usize, n: i32): usize {
  return work + (<usize>ldzOf(n) * <usize>n << 3) + (<usize>(10 * seg(n)) << 3);
}

/** √(a² + b²) without overflow or destructive underflow */
export function hypot2(a: f64, b: f64): f64 {
  const x = Math.abs(a), y = Math.abs(b);
  const m = x > y ? x : y;
  if (m == 0) return 0;
  const mn = x > y ? y : x;
  if (mn == 0) return m;
  const t = mn / m;
  return m * Math.sqrt(1 + t * t);
}
