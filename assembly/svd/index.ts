// f64 thin SVD, A (m×n) = U·diag(s)·Vᵀ, k = min(m, n), written for this package.
//
//   1. Scale A by a power of two so that its largest entry is in [1, 2) (exact; undone on s).
//      The zero matrix returns s = 0 with U, V the leading columns of I; NaN/±∞ returns 1.
//   2. Work on the taller of A and Aᵀ (M × N, M ≥ N), stored column-major in the work
//      buffer (one contiguous row of storage per column), so that both the left and the right
//      Householder updates of the Golub–Kahan bidiagonalisation are SIMD dot/axpy on
//      contiguous rows (bidiagonal.ts, householder.ts, rightupdate.ts).
//   3. Form Pᵀ (N × N) and then Qᵀ (N × M, in place of the reflectors) explicitly by backward
//      accumulation of the reflectors, again as contiguous rows (row stride a multiple of 8).
//   4. Implicit-shift QR on the bidiagonal (bdsqr.ts, sweeps.ts, rot2.ts), the plane rotations
//      logged and replayed on Qᵀ / Pᵀ a cache line of columns at a time (rotlog.ts).
//   5. Make the values non-negative (flip rows of Pᵀ), sort descending, transpose out.
import { bidiagonalise, formQP } from './bidiagonal';
import { bdsqr } from './bdsqr';
import { capRotFor, startLog, flush, ROTLOG_F64 } from './rotlog';
import { Rot2, ROT2_F64 } from './rot2';

/** f64 of the work buffer for the rotation log of an N×N bidiagonal: logU, logV, hdr, the log and 2×2 records. */
// @ts-ignore: decorator
@inline function logWork(N: i32): i32 {
  const R = capRotFor(N);
  return 4 * R + 2 * R + ((ROTLOG_F64 + ROT2_F64 + 1) & ~1);
}

// work layout (f64 counts; every region a multiple of 2 so v128 rows stay 16-byte aligned)
export function svd_f64_work(m: i32, n: i32): usize {
  const M = max(m, n), N = min(m, n);
  if (N <= 0) return 0;
  const ldw = (M + 7) & ~7, LV = (N + 7) & ~7, N2 = (N + 1) & ~1;
  return <usize>N * <usize>(ldw + LV) + <usize>(7 * N2 + ((M + 3) & ~1) + ((N + 3) & ~1) + logWork(N));
}

/**
 * Bidiagonal QR on its own, in the work buffer at w: d (N), e (N − 1) are overwritten, the
 * rotations logged and applied to Ut (row length LU) and Vt (LV) (LU = LV = 0: values only).
 */
function bidiagonalSvd(w: usize, Ut: usize, LU: i32, Vt: usize, LV: i32, N: i32, dp: usize, ep: usize): i32 {
  const R = capRotFor(N);
  const logU = w, logV = logU + (<usize>(2 * R) << 3), hdr = logV + (<usize>(2 * R) << 3);
  const rec = hdr + (<usize>(2 * R) << 3);
  const L = startLog(rec, Ut, LU, Vt, LV, logU, logV, hdr, R);
  const info = bdsqr(L, changetype<Rot2>(rec + (<usize>ROTLOG_F64 << 3)), N, dp, ep);
  flush(L);
  return info;
}

/** f64 of the work buffer bdsqr_f64 needs for n values. */
export function bdsqr_f64_work(n: i32): usize {
  if (n <= 0) return 0;
  return <usize>(2 * ((n + 1) & ~1) + logWork(n));
}

/**
 * Singular values s (n, descending, ≥ 0) of the upper bidiagonal matrix with diagonal d (n)
 * and superdiagonal e (n − 1); d and e are only read. Returns 0, or 1 when the iteration
 * did not converge (s unspecified). The bidiagonal QR of svd_f64, without the vectors.
 */
export function bdsqr_f64(s: usize, d: usize, e: usize, n: i32, work: usize): i32 {
  if (n <= 0) return 0;
  const n2 = (n + 1) & ~1;
  const dp = work, ep = work + (<usize>n2 << 3);
  memory.copy(dp, d, <usize>n << 3);
  if (n > 1) memory.copy(ep, e, <usize>(n - 1) << 3);
  store<f64>(ep + (<usize>(n - 1) << 3), 0);
  const info = bidiagonalSvd(ep + (<usize>n2 << 3), 0, 0, 0, 0, n, dp, ep);
  if (info != 0) return info;
  // |d| sorted descending (insertion sort)
  for (let i = 0; i < n; i++) {
    const di = abs(load<f64>(dp + (<usize>i << 3)));
    let j = i - 1;
    while (j >= 0 && load<f64>(s + (<usize>j << 3)) < di) {
      store<f64>(s + (<usize>(j + 1) << 3), load<f64>(s + (<usize>j << 3)));
      j--;
    }
    store<f64>(s + (<usize>(j + 1) << 3), di);
  }
  return 0;
}

function writeOut(dst: usize, ldd: i32, src: usize, lds: i32, rows: i32, k: i32, perm: usize, sg: usize): void {
  const lddb = <usize>ldd << 3;
  for (let p = 0; p < k; p++) {
    const j = load<i32>(perm + (<usize>p << 2));
    const srow = src + ((<usize>j * <usize>lds) << 3);
    const sv = sg != 0 ? load<f64>(sg + (<usize>j << 3)) : 1.0;
    let q = dst + (<usize>p << 3);
    for (let r = 0; r < rows; r++) {
      store<f64>(q, sv * load<f64>(srow + (<usize>r << 3)));
      q += lddb;
    }
  }
}

export function svd_f64(u: usize, s: usize, v: usize, a: usize, m: i32, n: i32, lda: i32, ldu: i32, ldv: i32, work: usize): i32 {
  const k = min(m, n);
  if (k <= 0) return 0;
  const trans = m < n;
  const M = trans ? n : m, N = k;
  const ldab = <usize>lda << 3;

  // largest magnitude (NaN / ±∞ → failure)
  let amax: f64 = 0;
  for (let r = 0; r < m; r++) {
    const row = a + <usize>r * ldab;
    for (let c = 0; c < n; c++) amax = max(amax, abs(load<f64>(row + (<usize>c << 3))));
  }
  if (!(amax <= f64.MAX_VALUE)) return 1;
  if (amax == 0) {
    for (let r = 0; r < m; r++) for (let c = 0; c < k; c++) store<f64>(u + ((<usize>r * <usize>ldu + <usize>c) << 3), r == c ? 1.0 : 0.0);
    for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) store<f64>(v + ((<usize>r * <usize>ldv + <usize>c) << 3), r == c ? 1.0 : 0.0);
    for (let c = 0; c < k; c++) store<f64>(s + (<usize>c << 3), 0);
    return 0;
  }
  // power-of-two scale: amax·sc in [1, 2)
  let ex = <i32>((reinterpret<u64>(amax) >> 52) & 0x7ff) - 1023;
  if (ex < -1022) ex = -1022;
  if (ex > 1022) ex = 1022;
  const sc = reinterpret<f64>(<u64>(1023 - ex) << 52);
  const unsc = reinterpret<f64>(<u64>(1023 + ex) << 52);

  // layout
  const ldw = (M + 7) & ~7, LV = (N + 7) & ~7, N2 = (N + 1) & ~1;
  const W = work;
  const Vt = W + ((<usize>N * <usize>ldw) << 3);
  const dp = Vt + ((<usize>N * <usize>LV) << 3);
  const ep = dp + (<usize>N2 << 3);
  const tq = ep + (<usize>N2 << 3);
  const tp = tq + (<usize>N2 << 3);
  const sg = tp + (<usize>N2 << 3);
  const perm = sg + (<usize>N2 << 3); // i32, 2 regions of N2 f64 reserved
  const y = perm + (<usize>(2 * N2) << 3);
  const g = y + (<usize>((M + 3) & ~1) << 3);
  const ldwb = <usize>ldw << 3;

  // column-major copy of the M × N working matrix, scaled (row padding zeroed: the rotation
  // replay runs over whole cache lines)
  if (ldw > M) for (let j = 0; j < N; j++) memory.fill(W + <usize>j * ldwb + (<usize>M << 3), 0, <usize>(ldw - M) << 3);
  if (trans) {
    for (let j = 0; j < N; j++) {
      const src = a + <usize>j * ldab, dst = W + <usize>j * ldwb;
      for (let r = 0; r < M; r++) store<f64>(dst + (<usize>r << 3), load<f64>(src + (<usize>r << 3)) * sc);
    }
  } else {
    for (let r = 0; r < M; r++) {
      const src = a + <usize>r * ldab;
      let dst = W + (<usize>r << 3);
      for (let j = 0; j < N; j++) {
        store<f64>(dst, load<f64>(src + (<usize>j << 3)) * sc);
        dst += ldwb;
      }
    }
  }

  // Golub–Kahan bidiagonalisation A = Q·B·Pᵀ, then Pᵀ (row stride LV) and Qᵀ (in place of W)
  bidiagonalise(W, ldwb, M, N, dp, ep, tq, tp, g, y);
  formQP(W, ldwb, Vt, <usize>LV << 3, M, N, tq, tp, g);
  const Ut = W, LU = ldw;

  // bidiagonal SVD, rotations logged and replayed on Qᵀ / Pᵀ
  const info = bidiagonalSvd(g + (<usize>((N + 3) & ~1) << 3), Ut, LU, Vt, LV, N, dp, ep);
  if (info != 0) return info;

  // signs, order (insertion sort, descending), output
  for (let i = 0; i < N; i++) {
    const di = load<f64>(dp + (<usize>i << 3));
    store<f64>(sg + (<usize>i << 3), di < 0 ? -1.0 : 1.0);
    store<f64>(dp + (<usize>i << 3), abs(di));
  }
  for (let i = 0; i < N; i++) {
    const di = load<f64>(dp + (<usize>i << 3));
    let j = i - 1;
    while (j >= 0 && load<f64>(dp + (<usize>load<i32>(perm + (<usize>j << 2)) << 3)) < di) {
      store<i32>(perm + (<usize>(j + 1) << 2), load<i32>(perm + (<usize>j << 2)));
      j--;
    }
    store<i32>(perm + (<usize>(j + 1) << 2), i);
  }
  for (let p = 0; p < N; p++) {
    const j = load<i32>(perm + (<usize>p << 2));
    store<f64>(s + (<usize>p << 3), load<f64>(dp + (<usize>j << 3)) * unsc);
  }
  if (trans) {
    writeOut(u, ldu, Vt, LV, N, N, perm, sg);
    writeOut(v, ldv, Ut, LU, M, N, perm, 0);
  } else {
    writeOut(u, ldu, Ut, LU, M, N, perm, 0);
    writeOut(v, ldv, Vt, LV, N, N, perm, sg);
  }
  return 0;
}
