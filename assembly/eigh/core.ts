// The common part of eigh_f64 and invsqrt_spd_f64: scale, tridiagonalise, iterate, sort.
import { ldf as ld, stf as st } from '../simd_util';
import { SAFMIN, row, ldzOf, seg } from './common';
import { tridiag, formQt } from './tridiagonal';
import { ql } from './ql';

/**
 * values[0..n−1] descending (unscaled), eigenvectors as the ROWS of Zᵀ (work, stride
 * ldzOf(n)), perm[j] (i32, at permOf(work, n)) = row of the j-th largest. `s` (n×n, stride
 * lds) is scratch for the scaled lower triangle of A.
 * Returns 0, or > 0 when the QL iteration did not converge (or A has NaN/Inf entries).
 */
export function core(values: usize, a: usize, n: i32, lda: i32, s: usize, lds: i32, work: usize): i32 {
  const ldz = ldzOf(n), sg = <usize>seg(n) << 3;
  const zt = work;
  const d = zt + (<usize>ldz * <usize>n << 3);
  const e = d + sg, tau = e + sg;
  const b0 = tau + sg, b1 = b0 + sg, b2 = b1 + sg, b3 = b2 + sg;
  const cs = b3 + sg, sn = cs + sg, lam = sn + sg, perm = lam + sg;

  // 1. scale by the max-abs entry (no overflow/underflow for huge or tiny matrices)
  let amax = 0.0;
  for (let i = 0; i < n; i++) {
    const ra = row(a, i, lda);
    for (let j = 0; j <= i; j++) { const t = Math.abs(ld(ra, j)); if (!(t <= amax)) amax = t; }
  }
  if (amax != amax || amax == Infinity) return 1; // NaN or ±Inf entries
  if (amax == 0 || n == 1) {
    memory.fill(zt, 0, <usize>ldz * <usize>n << 3);
    for (let i = 0; i < n; i++) { st(row(zt, i, ldz), i, 1.0); st(values, i, 0); store<i32>(perm + (<usize>i << 2), i); }
    if (n == 1) st(values, 0, load<f64>(a));
    return 0;
  }
  const big = amax >= SAFMIN * 4.0;
  const inv = 1.0 / amax;
  for (let i = 0; i < n; i++) {
    const ra = row(a, i, lda), rs = row(s, i, lds);
    if (big) for (let j = 0; j <= i; j++) st(rs, j, ld(ra, j) * inv);
    else for (let j = 0; j <= i; j++) st(rs, j, ld(ra, j) / amax);
  }

  // 2-3. tridiagonal form and Pᵀ
  tridiag(s, lds, n, d, e, tau, b0, b1, b2, b3);
  formQt(zt, ldz, n, s, lds, tau, b0);
  // e[i] couples i, i+1
  for (let i = 0; i < n - 1; i++) st(e, i, ld(e, i + 1));
  st(e, n - 1, 0);

  // 4. eigenvalues only (copies), used as shifts
  memory.copy(lam, d, <usize>n << 3);
  memory.copy(b0, e, <usize>n << 3);
  let info = ql(lam, b0, n, 0, 0, cs, sn, 0, 0);
  const nl = info == 0 ? n : 0;
  // 5. QL with vectors
  info = ql(d, e, n, zt, ldz, cs, sn, lam, nl);
  if (info != 0) return info;

  // 6. sort descending (selection on indices)
  for (let i = 0; i < n; i++) store<i32>(perm + (<usize>i << 2), i);
  for (let i = 0; i < n - 1; i++) {
    let k = i, best = ld(d, load<i32>(perm + (<usize>i << 2)));
    for (let j = i + 1; j < n; j++) {
      const t = ld(d, load<i32>(perm + (<usize>j << 2)));
      if (t > best) { best = t; k = j; }
    }
    if (k != i) {
      const t = load<i32>(perm + (<usize>i << 2));
      store<i32>(perm + (<usize>i << 2), load<i32>(perm + (<usize>k << 2)));
      store<i32>(perm + (<usize>k << 2), t);
    }
  }
  for (let i = 0; i < n; i++) st(values, i, ld(d, load<i32>(perm + (<usize>i << 2))) * amax);
  return 0;
}
