// Implicit QL on the symmetric tridiagonal matrix, with the plane rotations of every sweep
// applied to CONTIGUOUS rows of Zᵀ, 8 columns at a time with the rotated row carried in
// registers.
import { ldf as ld, stf as st, rotChain8 } from '../simd_util';
import { EPS, MAXIT, hypot2 } from './common';

/** Applies the rotations of one QL sweep (i = m−1 down to iend) to rows iend..m of Zᵀ. */
function applyRotations(zt: usize, ldz: i32, cs: usize, sn: usize, m: i32, iend: i32): void {
  const rs = <usize>ldz << 3;
  const ci = <usize>(m - 1) << 3;
  for (let col = 0; col < ldz; col += 8) {
    rotChain8(zt + (<usize>col << 3) + <usize>m * rs, -<isize>rs, m - iend, cs + ci, sn + ci, -8, false);
  }
}

/**
 * Implicit QL with shifts. d[0..n−1], e[0..n−2] (e[i] couples i, i+1; e[n−1] = 0).
 * With zt != 0 the rotations are applied to the rows of Zᵀ, and when `lam` holds the
 * eigenvalues (nl > 0) they are used as shifts. Returns 0 or l+1 on failure.
 */
export function ql(d: usize, e: usize, n: i32, zt: usize, ldz: i32, cs: usize, sn: usize, lam: usize, nl: i32): i32 {
  // Normwise deflation (as EISPACK tql2): |e[m]| ≤ ε·‖T‖. A relative test alone can
  // stagnate at the rounding-noise floor for tight clusters of small eigenvalues.
  let tnorm = 0.0;
  for (let i = 0; i < n; i++) { const t = Math.abs(ld(d, i)) + Math.abs(ld(e, i)); if (t > tnorm) tnorm = t; }
  const thr = EPS * tnorm;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    while (true) {
      let m = l;
      while (m < n - 1) {
        if (Math.abs(ld(e, m)) <= thr) break;
        m++;
      }
      if (m == l) break;
      if (iter >= MAXIT) return l + 1;
      iter++;
      const dl = ld(d, l), el = ld(e, l);
      let g = (ld(d, l + 1) - dl) / (2.0 * el);
      let r = hypot2(g, 1.0);
      // Wilkinson shift: eigenvalue of the leading 2×2 closer to d[l]
      let shift = dl - el / (g + (g >= 0 ? r : -r));
      if (nl > 0 && iter <= 2) {
        // nearest precomputed eigenvalue to the Wilkinson shift
        let best = ld(lam, 0), bd = Math.abs(best - shift);
        for (let k = 1; k < nl; k++) {
          const t = ld(lam, k), dd = Math.abs(t - shift);
          if (dd < bd) { bd = dd; best = t; }
        }
        shift = best;
      }
      g = ld(d, m) - shift;
      let s = 1.0, c = 1.0, p = 0.0;
      let i = m - 1;
      let under = false;
      for (; i >= l; i--) {
        const ei = ld(e, i);
        const f = s * ei, b = c * ei;
        r = Math.sqrt(f * f + g * g); // T is scaled to ‖·‖ ~ 1: no overflow; guard underflow
        if (!(r > 1e-150 && r < 1e150)) r = hypot2(f, g);
        st(e, i + 1, r);
        if (r == 0) {
          st(d, i + 1, ld(d, i + 1) - p);
          st(e, m, 0);
          under = true;
          break;
        }
        s = f / r; c = g / r;
        g = ld(d, i + 1) - p;
        r = (ld(d, i) - g) * s + 2.0 * c * b;
        p = s * r;
        st(d, i + 1, g + p);
        g = c * r - b;
        st(cs, i, c); st(sn, i, s);
      }
      if (zt != 0 && i + 1 <= m - 1) applyRotations(zt, ldz, cs, sn, m, i + 1);
      if (under) continue;
      st(d, l, ld(d, l) - p);
      st(e, l, g);
      st(e, m, 0);
    }
  }
  return 0;
}
