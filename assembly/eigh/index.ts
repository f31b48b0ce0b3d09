// Symmetric eigendecomposition (f64) and SPD inverse square root.
//
// Pipeline (all in the caller's buffers, nothing allocated):
//   1. scale A by its max-abs entry (core.ts);
//   2. Householder tridiagonalisation of the lower triangle, fused symv + rank-2 update
//      (tridiagonal.ts);
//   3. Pᵀ (P = product of the reflectors) accumulated row-wise into Zᵀ (work buffer)
//      (tridiagonal.ts);
//   4. eigenvalues of T by a root-free QL pass (no vectors, O(n²)) (ql.ts);
//   5. implicit QL on T with shifts taken from those eigenvalues (close to one sweep per
//      eigenvalue), Wilkinson shifts as a fallback; rotations applied to contiguous rows of
//      Zᵀ (ql.ts);
//   6. sort descending (core.ts), transpose Zᵀ into `vectors` (columns = eigenvectors).
import { gemm_f64_tn } from '../gemm/api_f64';
import { ldf as ld, stf as st, scal } from '../simd_util';
import { EPS, row, ldzOf, seg, permOf } from './common';
import { core } from './core';

export function eigh_f64_work(n: i32): usize {
  if (n < 1) return 16;
  return <usize>ldzOf(n) * <usize>n + <usize>(11 * seg(n) + 16);
}

export function invsqrt_spd_f64_work(n: i32): usize {
  return eigh_f64_work(n);
}

export function eigh_f64(values: usize, vectors: usize, a: usize, n: i32, lda: i32, ldv: i32, work: usize): i32 {
  if (n < 1) return 0;
  const info = core(values, a, n, lda, vectors, ldv, work);
  if (info != 0) return info;
  const ldz = ldzOf(n);
  const perm = permOf(work, n);
  // vectors[r][j] = Zᵀ[perm[j]][r], in blocks of 8 columns
  for (let jb = 0; jb < n; jb += 8) {
    const je = jb + 8 < n ? jb + 8 : n;
    for (let r = 0; r < n; r++) {
      const vr = row(vectors, r, ldv);
      for (let j = jb; j < je; j++) st(vr, j, ld(row(work, load<i32>(perm + (<usize>j << 2)), ldz), r));
    }
  }
  return 0;
}

export function invsqrt_spd_f64(out: usize, values: usize, a: usize, n: i32, lda: i32, ldo: i32, work: usize): i32 {
  if (n < 1) return 0;
  const info = core(values, a, n, lda, out, ldo, work);
  if (info != 0) return 1;
  const lmax = ld(values, 0), lmin = ld(values, n - 1);
  if (!(lmax > 0) || !(lmin > <f64>n * EPS * lmax)) return 2;
  const ldz = ldzOf(n);
  const perm = permOf(work, n);
  // W = diag(λ^-1/4)·Zᵀ (row order irrelevant), out = Wᵀ·W
  for (let j = 0; j < n; j++) {
    const k = load<i32>(perm + (<usize>j << 2));
    const f = 1.0 / Math.sqrt(Math.sqrt(ld(values, j)));
    scal(row(work, k, ldz), f, ldz);
  }
  gemm_f64_tn(out, work, work, n, n, n, ldz, ldz, ldo, 1.0, 0.0);
  // exact symmetry
  for (let i = 0; i < n; i++) {
    const ri = row(out, i, ldo);
    for (let j = 0; j < i; j++) {
      const pj = row(out, j, ldo) + (<usize>i << 3);
      const t = 0.5 * (ld(ri, j) + load<f64>(pj));
      st(ri, j, t); store<f64>(pj, t);
    }
  }
  return 0;
}
