// Column statistics for covariance and CCA, f64 with f64x2 SIMD (scalar loops in the scalar
// build: the elementwise tails run over the whole row, in the same operation order).
// Row-major matrices: x is n×p with row stride ldx (elements).
//
// The sufficient statistics of a view are (n, mean, M) with M = Σ (x_i − mean)(x_i − mean)ᵀ,
// the centred co-moment matrix. Chunks combine exactly (Chan, Golub & LeVeque):
//   n = na + nb, δ = mean_b − mean_a, mean = mean_a + δ·nb/n, M = Ma + Mb + δδᵀ·na·nb/n.
// colmeans_f64 + center_f64 + syrk/gemm_tn give M of a chunk; ger_f64 applies the δδᵀ term.
import { defaultScratch, gemmScratchBytes } from './gemm/driver';
import { argI, argU, parallel, serialElems, setU, shareStart } from './pool';

/**
 * mean (p) = column means of x (n×p). Two passes: the second adds the mean residual. Both
 * add into column sums r held in the packing scratch (as many columns at a time as it
 * holds) and read the rows in order. On the calling thread only: it is bound by memory
 * bandwidth, and split by columns between two threads it ran 2× slower here (each thread
 * reading half of every row).
 */
export function colmeans_f64(mean: usize, x: usize, n: i32, p: i32, ldx: i32): void {
  const scratch = defaultScratch(), cap = <i32>(gemmScratchBytes() >> 3);
  const inv = 1.0 / <f64>n;
  for (let c0 = 0; c0 < p; c0 += cap) {
    const c1 = min(p, c0 + cap);
    const r = scratch - (<usize>c0 << 3); // r[j] at scratch + (j − c0)·8
    for (let j = c0; j < c1; j++) store<f64>(r + (<usize>j << 3), 0);
    for (let i = 0; i < n; i++) addRowF64(r, x + (<usize>(i * ldx) << 3), c0, c1);
    for (let j = c0; j < c1; j++) store<f64>(mean + (<usize>j << 3), load<f64>(r + (<usize>j << 3)) * inv);
    // correction pass: mean += Σ(x − mean)/n, removes most of the rounding of the first pass
    for (let j = c0; j < c1; j++) store<f64>(r + (<usize>j << 3), 0);
    for (let i = 0; i < n; i++) {
      const row = x + (<usize>(i * ldx) << 3);
      let j = c0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 2 <= c1; j += 2) {
          const o = <usize>j << 3;
          v128.store(r + o, f64x2.add(v128.load(r + o), f64x2.sub(v128.load(row + o), v128.load(mean + o))));
        }
      }
      for (; j < c1; j++) {
        const o = <usize>j << 3;
        store<f64>(r + o, load<f64>(r + o) + (load<f64>(row + o) - load<f64>(mean + o)));
      }
    }
    for (let j = c0; j < c1; j++) {
      const o = <usize>j << 3;
      store<f64>(mean + o, load<f64>(mean + o) + load<f64>(r + o) * inv);
    }
  }
}

/** d[j] += s[j] for j in [j0, j1) (f64x2, then the tail). */
// @ts-ignore: decorator
@inline function addRowF64(d: usize, s: usize, j0: i32, j1: i32): void {
  let j = j0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= j1; j += 2) {
      const o = <usize>j << 3;
      v128.store(d + o, f64x2.add(v128.load(d + o), v128.load(s + o)));
    }
  }
  for (; j < j1; j++) store<f64>(d + (<usize>j << 3), load<f64>(d + (<usize>j << 3)) + load<f64>(s + (<usize>j << 3)));
}

/** out (n×p, stride ldo) = x − 1·meanᵀ. out may equal x when ldo == ldx. Rows split over the pool. */
export function center_f64(out: usize, x: usize, mean: usize, n: i32, p: i32, ldx: i32, ldo: i32): void {
  if (!ASC_FEATURE_THREADS || serialElems(<f64>n * <f64>p)) {
    centerRange(out, x, mean, 0, n, p, ldx, ldo);
    return;
  }
  setU(0, out); setU(1, x); setU(2, mean); setU(3, <usize>n); setU(4, <usize>p); setU(5, <usize>ldx); setU(6, <usize>ldo);
  parallel(centerShare, defaultScratch());
}

function centerShare(tid: i32, nt: i32, scratch: usize): void {
  const n = argI(3);
  const i0 = shareStart(n, tid, nt), i1 = shareStart(n, tid + 1, nt);
  if (i1 > i0) centerRange(argU(0), argU(1), argU(2), i0, i1, argI(4), argI(5), argI(6));
}

/** center_f64 for rows [i0, i1) on this thread (elementwise: any split gives the same bits). */
function centerRange(out: usize, x: usize, mean: usize, i0: i32, i1: i32, p: i32, ldx: i32, ldo: i32): void {
  const p2 = p & ~1;
  for (let i = i0; i < i1; i++) {
    const src = x + (<usize>(i * ldx) << 3);
    const dst = out + (<usize>(i * ldo) << 3);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j < p2; j += 2) {
        const o = <usize>j << 3;
        v128.store(dst + o, f64x2.sub(v128.load(src + o), v128.load(mean + o)));
      }
    }
    for (; j < p; j++) store<f64>(dst + (<usize>j << 3), load<f64>(src + (<usize>j << 3)) - load<f64>(mean + (<usize>j << 3)));
  }
}

/** a (m×n, stride lda) += alpha · x yᵀ, x of length m, y of length n. */
export function ger_f64(a: usize, x: usize, y: usize, m: i32, n: i32, lda: i32, alpha: f64): void {
  const n2 = n & ~1;
  for (let i = 0; i < m; i++) {
    const s = alpha * load<f64>(x + (<usize>i << 3));
    const row = a + (<usize>(i * lda) << 3);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const vs = f64x2.splat(s);
      for (; j < n2; j += 2) {
        const o = <usize>j << 3;
        v128.store(row + o, f64x2.add(v128.load(row + o), f64x2.mul(vs, v128.load(y + o))));
      }
    }
    for (; j < n; j++) store<f64>(row + (<usize>j << 3), load<f64>(row + (<usize>j << 3)) + s * load<f64>(y + (<usize>j << 3)));
  }
}

/**
 * For centred rows xc_i (n×p): returns Σ_i ‖xc_i‖⁴ and writes t (p) = Σ_i ‖xc_i‖² xc_i.
 * These two, with M, let the Ledoit–Wolf shrinkage intensity be merged across chunks exactly.
 */
export function fourth_moments_f64(t: usize, xc: usize, n: i32, p: i32, ldx: i32): f64 {
  const p2 = p & ~1;
  for (let j = 0; j < p; j++) store<f64>(t + (<usize>j << 3), 0);
  let s4 = 0.0;
  for (let i = 0; i < n; i++) {
    const row = xc + (<usize>(i * ldx) << 3);
    let j = 0;
    let s2 = 0.0;
    if (ASC_FEATURE_SIMD) {
      let acc = f64x2.splat(0);
      for (; j < p2; j += 2) {
        const v = v128.load(row + (<usize>j << 3));
        acc = f64x2.add(acc, f64x2.mul(v, v));
      }
      s2 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    } else {
      let s0 = 0.0, s1 = 0.0; // the two SIMD lanes
      for (; j < p2; j += 2) {
        const v0 = load<f64>(row + (<usize>j << 3)), v1 = load<f64>(row + (<usize>j << 3), 8);
        s0 += v0 * v0; s1 += v1 * v1;
      }
      s2 = s0 + s1;
    }
    if (j < p) { const v = load<f64>(row + (<usize>j << 3)); s2 += v * v; }
    s4 += s2 * s2;
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const vs = f64x2.splat(s2);
      for (; j < p2; j += 2) {
        const o = <usize>j << 3;
        v128.store(t + o, f64x2.add(v128.load(t + o), f64x2.mul(vs, v128.load(row + o))));
      }
    }
    for (; j < p; j++) store<f64>(t + (<usize>j << 3), load<f64>(t + (<usize>j << 3)) + s2 * load<f64>(row + (<usize>j << 3)));
  }
  return s4;
}

/** A column whose spread (root mean square about its mean) is at most this fraction of its largest |value| counts as constant. */
const CONSTANT_SPREAD: f64 = 9.094947017729282e-13; // 2^-40

/**
 * out (k) = Pearson correlation of column j of u (n×k, stride ldu) with column j of v.
 * A column that is constant (its spread at most 2^-40 of its largest |value|: what is left
 * is rounding noise) gives NaN: the correlation is undefined.
 */
export function colcorr_f64(out: usize, u: usize, v: usize, n: i32, k: i32, ldu: i32, ldv: i32): void {
  const inv = 1.0 / <f64>n;
  for (let j = 0; j < k; j++) {
    let mu = 0.0, mv = 0.0, au = 0.0, av = 0.0;
    for (let i = 0; i < n; i++) {
      const a = load<f64>(u + (<usize>(i * ldu + j) << 3)), b = load<f64>(v + (<usize>(i * ldv + j) << 3));
      mu += a; mv += b;
      au = max<f64>(au, abs<f64>(a)); av = max<f64>(av, abs<f64>(b));
    }
    mu *= inv; mv *= inv;
    let suv = 0.0, suu = 0.0, svv = 0.0;
    for (let i = 0; i < n; i++) {
      const a = load<f64>(u + (<usize>(i * ldu + j) << 3)) - mu;
      const b = load<f64>(v + (<usize>(i * ldv + j) << 3)) - mv;
      suv += a * b; suu += a * a; svv += b * b;
    }
    const tu = CONSTANT_SPREAD * au, tv = CONSTANT_SPREAD * av;
    const constant = suu * inv <= tu * tu || svv * inv <= tv * tv;
    store<f64>(out + (<usize>j << 3), constant ? NaN : suv / Math.sqrt(suu * svv));
  }
}

/** a[i][i] += r for i < n (a has row stride lda): a ridge on a covariance. */
export function add_diag_f64(a: usize, n: i32, lda: i32, r: f64): void {
  for (let i = 0; i < n; i++) {
    const p = a + (<usize>(i * (lda + 1)) << 3);
    store<f64>(p, load<f64>(p) + r);
  }
}

/** out (n×p, stride ldo) = x (n×p, stride ldx) · diag(s): column j scaled by s[j]. */
export function scale_cols_f64(out: usize, x: usize, s: usize, n: i32, p: i32, ldx: i32, ldo: i32): void {
  const p2 = p & ~1;
  for (let i = 0; i < n; i++) {
    const src = x + (<usize>(i * ldx) << 3);
    const dst = out + (<usize>(i * ldo) << 3);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j < p2; j += 2) {
        const o = <usize>j << 3;
        v128.store(dst + o, f64x2.mul(v128.load(src + o), v128.load(s + o)));
      }
    }
    for (; j < p; j++) store<f64>(dst + (<usize>j << 3), load<f64>(src + (<usize>j << 3)) * load<f64>(s + (<usize>j << 3)));
  }
}
