// Householder tridiagonalisation of the (scaled) lower triangle, and Pᵀ.
//
// Working on the LOWER triangle, row by row from the bottom (each reflector comes from a
// contiguous row). The symmetric matrix-vector product of step i is fused with the rank-2
// update of step i+1, so each step streams the remaining triangle through the cache once.
import { ldf as ld, stf as st, dot, axpy, rank2row } from '../simd_util';
import { row } from './common';

/**
 * Row r of the step's pass: row[0..r] = row[0..r] − (vp[r]·wp + wp[r]·vp) (pending rank-2
 * update of the previous step, when `pend`), then the symmetric product contribution
 * p[0..r−1] += row[j]·v[r], p[r] += row[0..r]·v[0..r] (when `mv`).
 */
function passRow(rr: usize, r: i32, vp: usize, wp: usize, pend: bool, v: usize, p: usize, mv: bool): void {
  if (pend && !mv) { rank2row(rr, vp, wp, ld(vp, r), ld(wp, r), r + 1); return; }
  const vr = ld(v, r);
  const vpr = pend ? ld(vp, r) : 0.0, wpr = pend ? ld(wp, r) : 0.0;
  let j = 0, s = 0.0;
  if (ASC_FEATURE_SIMD) {
    const bv = f64x2.splat(vr);
    let acc = f64x2.splat(0);
    if (pend) {
      const a = f64x2.splat(vpr), b = f64x2.splat(wpr);
      for (; j + 2 <= r; j += 2) {
        const o = <usize>j << 3;
        const x = f64x2.sub(v128.load(rr + o), f64x2.add(f64x2.mul(a, v128.load(wp + o)), f64x2.mul(b, v128.load(vp + o))));
        v128.store(rr + o, x);
        acc = f64x2.add(acc, f64x2.mul(x, v128.load(v + o)));
        v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.mul(x, bv)));
      }
    } else {
      for (; j + 4 <= r; j += 4) {
        const o = <usize>j << 3;
        const x0 = v128.load(rr + o), x1 = v128.load(rr + o, 16);
        acc = f64x2.add(acc, f64x2.add(f64x2.mul(x0, v128.load(v + o)), f64x2.mul(x1, v128.load(v + o, 16))));
        v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.mul(x0, bv)));
        v128.store(p + o, f64x2.add(v128.load(p + o, 16), f64x2.mul(x1, bv)), 16);
      }
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    // the same lanes as the SIMD loops: s0 accumulates even j, s1 odd j
    let s0 = 0.0, s1 = 0.0;
    if (pend) {
      for (; j + 2 <= r; j += 2) {
        const x0 = ld(rr, j) - (vpr * ld(wp, j) + wpr * ld(vp, j));
        const x1 = ld(rr, j + 1) - (vpr * ld(wp, j + 1) + wpr * ld(vp, j + 1));
        st(rr, j, x0); st(rr, j + 1, x1);
        s0 += x0 * ld(v, j); s1 += x1 * ld(v, j + 1);
        st(p, j, ld(p, j) + x0 * vr); st(p, j + 1, ld(p, j + 1) + x1 * vr);
      }
    } else {
      for (; j + 4 <= r; j += 4) {
        const x0 = ld(rr, j), x1 = ld(rr, j + 1), x2 = ld(rr, j + 2), x3 = ld(rr, j + 3);
        s0 += x0 * ld(v, j) + x2 * ld(v, j + 2);
        s1 += x1 * ld(v, j + 1) + x3 * ld(v, j + 3);
        st(p, j, ld(p, j) + x0 * vr); st(p, j + 1, ld(p, j + 1) + x1 * vr);
        st(p, j + 2, ld(p, j + 2) + x2 * vr); st(p, j + 3, ld(p, j + 3) + x3 * vr);
      }
    }
    s = s0 + s1;
  }
  for (; j <= r; j++) {
    let x = ld(rr, j);
    if (pend) { x -= vpr * ld(wp, j) + wpr * ld(vp, j); st(rr, j, x); }
    if (j < r) { s += x * ld(v, j); st(p, j, ld(p, j) + x * vr); }
    else s += x * vr;
  }
  st(p, r, ld(p, r) + s);
}

/**
 * Reduces the (scaled) lower triangle in s (stride lds) to tridiagonal form:
 * d[0..n−1] diagonal, e[i] couples i−1 and i (i ≥ 1). Reflector i (acting on 0..i−1) is left
 * in row i, cols 0..i−1 of s, its factor in tau[i] (0 = identity).
 */
export function tridiag(s: usize, lds: i32, n: i32, d: usize, e: usize, tau: usize, b0: usize, b1: usize, b2: usize, b3: usize): void {
  let vp = b0, wp = b1, vc = b2, pc = b3;
  let pend = false;
  for (let i = n - 1; i >= 1; i--) {
    const ri = row(s, i, lds);
    if (pend) rank2row(ri, vp, wp, ld(vp, i), ld(wp, i), i + 1);
    st(d, i, ld(ri, i));
    const xl = ld(ri, i - 1);
    const sigma = dot(ri, ri, i - 1);
    let beta = 0.0;
    // The matrix is scaled to max |a| = 1, so ‖A‖ ≥ 1: a column below 1e-140 is already
    // reduced to far below ε·‖A‖ (dropping it moves no eigenvalue measurably), while its
    // reflector, 1/(nrm·(nrm + |xl|)), would overflow to Infinity and turn T into NaN (the
    // rounding noise left by a low-rank matrix reaches such sizes).
    if (sigma == 0 || !(xl * xl + sigma >= 1e-280)) {
      st(e, i, xl);
      st(tau, i, 0);
    } else {
      const nrm = Math.sqrt(xl * xl + sigma);
      const alpha = xl >= 0 ? -nrm : nrm;
      st(ri, i - 1, xl - alpha);
      beta = 1.0 / (nrm * (nrm + Math.abs(xl)));
      st(e, i, alpha);
      st(tau, i, beta);
    }
    const mv = beta != 0;
    if (!mv && !pend) continue;
    if (mv) {
      memory.copy(vc, ri, <usize>i << 3);
      for (let j = 0; j < i + 2; j++) st(pc, j, 0);
      st(vc, i, 0); st(vc, i + 1, 0);
    }
    for (let r = 0; r < i; r++) passRow(row(s, r, lds), r, vp, wp, pend, vc, pc, mv);
    if (mv) {
      // p = beta·B·v, w = p − (beta/2)(vᵀp)·v
      let kk = 0.0;
      for (let j = 0; j < i; j++) { const t = ld(pc, j) * beta; st(pc, j, t); kk += t * ld(vc, j); }
      kk *= 0.5 * beta;
      for (let j = 0; j < i; j++) st(pc, j, ld(pc, j) - kk * ld(vc, j));
      st(pc, i, 0); st(pc, i + 1, 0);
      const t1 = vp, t2 = wp;
      vp = vc; wp = pc; vc = t1; pc = t2;
      pend = true;
    } else pend = false;
  }
  st(d, 0, load<f64>(s));
}

/** Zᵀ = Pᵀ = H_2·H_3·…·H_{n−1}, accumulated row-wise (rows r < i are the only ones H_i touches). */
export function formQt(zt: usize, ldz: i32, n: i32, s: usize, lds: i32, tau: usize, v: usize): void {
  memory.fill(zt, 0, <usize>ldz * <usize>n << 3);
  for (let i = 0; i < n; i++) st(row(zt, i, ldz), i, 1.0);
  for (let i = 2; i < n; i++) {
    const beta = ld(tau, i);
    if (beta == 0) continue;
    memory.copy(v, row(s, i, lds), <usize>i << 3);
    st(v, i, 0);
    const len = (i + 1) & ~1; // even, zt[r][i] = 0 = v[i] for r < i
    for (let r = 0; r < i; r++) {
      const zr = row(zt, r, ldz);
      const t = dot(zr, v, len);
      if (t != 0) axpy(zr, -beta * t, v, len);
    }
  }
}
