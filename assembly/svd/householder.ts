// Householder reflectors for the Golub–Kahan bidiagonalisation. The working matrix is
// column-major (one contiguous storage row per column), so both the left and the right
// updates are dot/axpy on contiguous rows.
import { dot, scal, axpy } from '../simd_util';

/**
 * Householder reflector H = I − τ·[1; x]·[1; x]ᵀ with H·[alpha; x] = [beta; 0]; x (n−1
 * contiguous values) is overwritten by the vector, beta is stored at `beta`, τ is returned.
 */
export function larfg(beta: usize, n: i32, alpha: f64, x: usize): f64 {
  store<f64>(beta, alpha);
  if (n <= 1) return 0;
  let xn2 = dot(x, x, n - 1);
  let up: f64 = 1;
  if (xn2 < 1e-280 && abs(alpha) < 1e-140) {
    // squares may have underflowed (all of alpha, x below 1e-140): rescale by 2^600 (exact)
    let xmax: f64 = 0;
    for (let i = 0; i < n - 1; i++) xmax = max(xmax, abs(load<f64>(x + (<usize>i << 3))));
    if (xmax == 0) return 0;
    up = 4.149515568880993e180; // 2^600
    scal(x, up, n - 1);
    alpha *= up;
    xn2 = dot(x, x, n - 1);
  } else if (xn2 == 0) return 0;
  const b = -copysign(sqrt(alpha * alpha + xn2), alpha);
  const tau = (b - alpha) / b;
  scal(x, 1 / (alpha - b), n - 1);
  store<f64>(beta, up == 1 ? b : b * 2.409919865102884e-181); // · 2^-600
  return tau;
}

/** Scalar twin of the 2-lane dot in reflRows' 4-row blocks: even/odd sums, then the tail. */
// @ts-ignore: decorator
@inline function dotPairs(v: usize, p: usize, len: i32): f64 {
  let s0 = 0.0, s1 = 0.0;
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 3;
    s0 += load<f64>(v + o) * load<f64>(p + o);
    s1 += load<f64>(v + o, 8) * load<f64>(p + o, 8);
  }
  let d = s0 + s1;
  if (i < len) d += load<f64>(v + (<usize>i << 3)) * load<f64>(p + (<usize>i << 3));
  return d;
}

// @ts-ignore: decorator
@inline function hsum(x: v128): f64 {
  return f64x2.extract_lane(x, 0) + f64x2.extract_lane(x, 1);
}

/**
 * For rows r in [r0, r1) of `base` (row stride ldb bytes), x = row + off (len values):
 * x ← x − τ·(v·x)·v. Four rows at a time share the loads of v.
 */
export function reflRows(base: usize, ldb: usize, r0: i32, r1: i32, off: usize, v: usize, len: i32, tau: f64): void {
  let r = r0;
  const len2 = len & ~1;
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= r1; r += 4) {
      const p0 = base + <usize>r * ldb + off, p1 = p0 + ldb, p2 = p1 + ldb, p3 = p2 + ldb;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      for (let i = 0; i < len2; i += 2) {
        const o = <usize>i << 3;
        const vv = v128.load(v + o);
        a0 = f64x2.add(a0, f64x2.mul(vv, v128.load(p0 + o)));
        a1 = f64x2.add(a1, f64x2.mul(vv, v128.load(p1 + o)));
        a2 = f64x2.add(a2, f64x2.mul(vv, v128.load(p2 + o)));
        a3 = f64x2.add(a3, f64x2.mul(vv, v128.load(p3 + o)));
      }
      let d0 = hsum(a0), d1 = hsum(a1), d2 = hsum(a2), d3 = hsum(a3);
      if (len2 < len) {
        const o = <usize>len2 << 3;
        const vs = load<f64>(v + o);
        d0 += vs * load<f64>(p0 + o);
        d1 += vs * load<f64>(p1 + o);
        d2 += vs * load<f64>(p2 + o);
        d3 += vs * load<f64>(p3 + o);
      }
      const t0 = -tau * d0, t1 = -tau * d1, t2 = -tau * d2, t3 = -tau * d3;
      const b0 = f64x2.splat(t0), b1 = f64x2.splat(t1), b2 = f64x2.splat(t2), b3 = f64x2.splat(t3);
      for (let i = 0; i < len2; i += 2) {
        const o = <usize>i << 3;
        const vv = v128.load(v + o);
        v128.store(p0 + o, f64x2.add(v128.load(p0 + o), f64x2.mul(b0, vv)));
        v128.store(p1 + o, f64x2.add(v128.load(p1 + o), f64x2.mul(b1, vv)));
        v128.store(p2 + o, f64x2.add(v128.load(p2 + o), f64x2.mul(b2, vv)));
        v128.store(p3 + o, f64x2.add(v128.load(p3 + o), f64x2.mul(b3, vv)));
      }
      if (len2 < len) {
        const o = <usize>len2 << 3;
        const vs = load<f64>(v + o);
        store<f64>(p0 + o, load<f64>(p0 + o) + t0 * vs);
        store<f64>(p1 + o, load<f64>(p1 + o) + t1 * vs);
        store<f64>(p2 + o, load<f64>(p2 + o) + t2 * vs);
        store<f64>(p3 + o, load<f64>(p3 + o) + t3 * vs);
      }
    }
  } else {
    const rq = r0 + ((r1 - r0) & ~3); // rows the SIMD branch handles in blocks of 4
    for (; r < rq; r++) {
      const p = base + <usize>r * ldb + off;
      axpy(p, -tau * dotPairs(v, p, len), v, len);
    }
  }
  for (; r < r1; r++) {
    const p = base + <usize>r * ldb + off;
    axpy(p, -tau * dot(v, p, len), v, len);
  }
}
