// f64 thin SVD, A (m×n) = U·diag(s)·Vᵀ, k = min(m, n), written for this package.
//
//   1. Scale A by a power of two so that its largest entry is in [1, 2) (exact; undone on s).
//      The zero matrix returns s = 0 with U, V the leading columns of I; NaN/±∞ returns 1.
//   2. Work on the taller of A and Aᵀ (M × N, M ≥ N), stored column-major in the work
//      buffer (one contiguous row of storage per column), so that both the left and the right
//      Householder updates of the Golub–Kahan bidiagonalisation are SIMD dot/axpy on
//      contiguous rows.
//   3. Form Pᵀ (N × N) and then Qᵀ (N × M, in place of the reflectors) explicitly by backward
//      accumulation of the reflectors, again as contiguous rows (row stride a multiple of 8).
//   4. Implicit-shift QR on the bidiagonal (the dbdsqr scheme: relative-accuracy deflation,
//      direction chosen per block, Demmel–Kahan zero shift when the shift would destroy
//      relative accuracy, exact 2×2 blocks). The plane rotations are not applied at once:
//      they are appended to a log, and the log is replayed on Qᵀ / Pᵀ column chunk by column
//      chunk (8 doubles = one cache line per row, so one chunk of all rows stays in L1) with
//      the shared row of consecutive rotations carried in registers.
//   5. Make the values non-negative (flip rows of Pᵀ), sort descending, transpose out.

const EPS: f64 = 1.1102230246251565e-16; // 2^-53, unit round-off
const UNFL: f64 = 2.2250738585072014e-308;
const MAXITR: i32 = 6;

// ---------------------------------------------------------------------------------------
// small scalar helpers (results in globals)

let gc: f64 = 0, gs: f64 = 0, gr: f64 = 0; // lartg
let smin2: f64 = 0, smax2: f64 = 0; // las2 / lasv2
let csl2: f64 = 0, snl2: f64 = 0, csr2: f64 = 0, snr2: f64 = 0; // lasv2

/** Plane rotation: [c s; -s c]·[f; g] = [r; 0]. */
function lartg(f: f64, g: f64): void {
  if (g == 0) { gc = 1; gs = 0; gr = f; return; }
  if (f == 0) { gc = 0; gs = g > 0 ? 1.0 : -1.0; gr = abs(g); return; }
  const f1 = abs(f), g1 = abs(g);
  if (f1 > 1e-150 && f1 < 1e150 && g1 > 1e-150 && g1 < 1e150) {
    const d = sqrt(f * f + g * g);
    gc = f1 / d;
    gr = copysign(d, f);
    gs = g / gr;
  } else {
    const u = max(f1, g1);
    const fs = f / u, gg = g / u;
    const d = sqrt(fs * fs + gg * gg);
    gc = abs(fs) / d;
    const rr = copysign(d, f);
    gs = gg / rr;
    gr = rr * u;
  }
}

/** Singular values of the 2×2 upper triangular [f g; 0 h] (smin2 ≤ smax2). */
function las2(f: f64, g: f64, h: f64): void {
  const fa = abs(f), ga = abs(g), ha = abs(h);
  const fhmn = min(fa, ha), fhmx = max(fa, ha);
  if (fhmn == 0) {
    smin2 = 0;
    if (fhmx == 0) smax2 = ga;
    else {
      const mx = max(fhmx, ga), mn = min(fhmx, ga), q = mn / mx;
      smax2 = mx * sqrt(1 + q * q);
    }
  } else if (ga < fhmx) {
    const as_ = 1 + fhmn / fhmx, at = (fhmx - fhmn) / fhmx, q = ga / fhmx, au = q * q;
    const c = 2 / (sqrt(as_ * as_ + au) + sqrt(at * at + au));
    smin2 = fhmn * c;
    smax2 = fhmx / c;
  } else {
    const au = fhmx / ga;
    if (au == 0) {
      smin2 = (fhmn * fhmx) / ga;
      smax2 = ga;
    } else {
      const as_ = 1 + fhmn / fhmx, at = (fhmx - fhmn) / fhmx;
      const p = as_ * au, q = at * au;
      const c = 1 / (sqrt(1 + p * p) + sqrt(1 + q * q));
      smin2 = fhmn * c * au;
      smin2 = smin2 + smin2;
      smax2 = ga / (c + c);
    }
  }
}

@inline function sgn1(x: f64): f64 { return copysign(1.0, x); }

/**
 * SVD of the 2×2 upper triangular [f g; 0 h]:
 * [csl snl; -snl csl]·[f g; 0 h]·[csr -snr; snr csr] = diag(smax2, smin2), |smax2| ≥ |smin2|.
 */
function lasv2(f: f64, g: f64, h: f64): void {
  let ft = f, fa = abs(ft), ht = h, ha = abs(h);
  let pmax = 1;
  const swap = ha > fa;
  if (swap) {
    pmax = 3;
    let t = ft; ft = ht; ht = t;
    t = fa; fa = ha; ha = t;
  }
  const gt = g, ga = abs(gt);
  let clt: f64 = 1, slt: f64 = 0, crt: f64 = 1, srt: f64 = 0;
  let ssmin: f64, ssmax: f64;
  if (ga == 0) {
    ssmin = ha;
    ssmax = fa;
  } else {
    let gasmal = true;
    ssmin = 0; ssmax = 0;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < EPS) {
        gasmal = false;
        ssmax = ga;
        ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha;
        clt = 1;
        slt = ht / gt;
        srt = 1;
        crt = ft / gt;
      }
    }
    if (gasmal) {
      const dd = fa - ha;
      let l: f64 = dd == fa ? 1.0 : dd / fa;
      const mm0 = gt / ft;
      let t: f64 = 2 - l;
      const mm = mm0 * mm0, tt = t * t;
      const s = sqrt(tt + mm);
      const r: f64 = l == 0 ? abs(mm0) : sqrt(l * l + mm);
      const a = 0.5 * (s + r);
      ssmin = ha / a;
      ssmax = fa * a;
      if (mm == 0) {
        if (l == 0) t = copysign(2.0, ft) * sgn1(gt);
        else t = gt / copysign(dd, ft) + mm0 / t;
      } else {
        t = (mm0 / (s + t) + mm0 / (r + l)) * (1 + a);
      }
      l = sqrt(t * t + 4);
      crt = 2 / l;
      srt = t / l;
      clt = (crt + srt * mm0) / a;
      slt = (ht / ft) * srt / a;
    }
  }
  if (swap) { csl2 = srt; snl2 = crt; csr2 = slt; snr2 = clt; }
  else { csl2 = clt; snl2 = slt; csr2 = crt; snr2 = srt; }
  let tsign: f64;
  if (pmax == 1) tsign = sgn1(csr2) * sgn1(csl2) * sgn1(f);
  else if (pmax == 2) tsign = sgn1(snr2) * sgn1(csl2) * sgn1(g);
  else tsign = sgn1(snr2) * sgn1(snl2) * sgn1(h);
  smax2 = copysign(ssmax, tsign);
  smin2 = copysign(ssmin, tsign * sgn1(f) * sgn1(h));
}

// ---------------------------------------------------------------------------------------
// vector kernels (byte pointers, lengths in elements; unaligned loads are fine)

@inline function hsum(x: v128): f64 {
  return f64x2.extract_lane(x, 0) + f64x2.extract_lane(x, 1);
}

function dot(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let r = hsum(f64x2.add(s0, s1));
  for (; i < len; i++) {
    const o = <usize>i << 3;
    r += load<f64>(a + o) * load<f64>(b + o);
  }
  return r;
}

function scal(a: usize, alpha: f64, len: i32): void {
  const av = f64x2.splat(alpha);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 3;
    v128.store(a + o, f64x2.mul(v128.load(a + o), av));
  }
  if (i < len) store<f64>(a + (<usize>i << 3), load<f64>(a + (<usize>i << 3)) * alpha);
}

let hbeta: f64 = 0;
/**
 * Householder reflector H = I − τ·[1; x]·[1; x]ᵀ with H·[alpha; x] = [beta; 0]; x (n−1
 * contiguous values) is overwritten by the vector, beta goes to hbeta, τ is returned.
 */
function larfg(n: i32, alpha: f64, x: usize): f64 {
  hbeta = alpha;
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
  const beta = -copysign(sqrt(alpha * alpha + xn2), alpha);
  const tau = (beta - alpha) / beta;
  scal(x, 1 / (alpha - beta), n - 1);
  hbeta = up == 1 ? beta : beta * 2.409919865102884e-181; // · 2^-600
  return tau;
}

/**
 * For rows r in [r0, r1) of `base` (row stride ldb bytes), x = row + off (len values):
 * x ← x − τ·(v·x)·v. Four rows at a time share the loads of v.
 */
function reflRows(base: usize, ldb: usize, r0: i32, r1: i32, off: usize, v: usize, len: i32, tau: f64): void {
  let r = r0;
  const len2 = len & ~1;
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
  for (; r < r1; r++) {
    const p = base + <usize>r * ldb + off;
    const t = -tau * dot(v, p, len);
    const b = f64x2.splat(t);
    for (let i = 0; i < len2; i += 2) {
      const o = <usize>i << 3;
      v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.mul(b, v128.load(v + o))));
    }
    if (len2 < len) {
      const o = <usize>len2 << 3;
      store<f64>(p + o, load<f64>(p + o) + t * load<f64>(v + o));
    }
  }
}

/**
 * Right reflector on the column-major trailing block: columns j in [j0, j1) (storage rows,
 * stride ldb bytes), entries [r0, r0 + len): C ← C − τ·(C·g)·gᵀ, with g[j − j0] the reflector
 * (g contiguous) and y (len values) scratch.
 */
function rightUpdate(w: usize, ldb: usize, j0: i32, j1: i32, r0: i32, len: i32, g: usize, tau: f64, y: usize): void {
  const off = <usize>r0 << 3;
  const len2 = len & ~1;
  for (let i = 0; i < len; i++) store<f64>(y + (<usize>i << 3), 0);
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const gi = g + (<usize>(j - j0) << 3);
    const g0 = load<f64>(gi), g1 = load<f64>(gi, 8), g2 = load<f64>(gi, 16), g3 = load<f64>(gi, 24);
    const c0 = w + <usize>j * ldb + off, c1 = c0 + ldb, c2 = c1 + ldb, c3 = c2 + ldb;
    const v0 = f64x2.splat(g0), v1 = f64x2.splat(g1), v2 = f64x2.splat(g2), v3 = f64x2.splat(g3);
    for (let i = 0; i < len2; i += 2) {
      const o = <usize>i << 3;
      let acc = f64x2.add(v128.load(y + o), f64x2.mul(v0, v128.load(c0 + o)));
      acc = f64x2.add(acc, f64x2.mul(v1, v128.load(c1 + o)));
      acc = f64x2.add(acc, f64x2.mul(v2, v128.load(c2 + o)));
      acc = f64x2.add(acc, f64x2.mul(v3, v128.load(c3 + o)));
      v128.store(y + o, acc);
    }
    if (len2 < len) {
      const o = <usize>len2 << 3;
      store<f64>(y + o, load<f64>(y + o) + g0 * load<f64>(c0 + o) + g1 * load<f64>(c1 + o) + g2 * load<f64>(c2 + o) + g3 * load<f64>(c3 + o));
    }
  }
  for (; j < j1; j++) {
    const g0 = load<f64>(g + (<usize>(j - j0) << 3));
    const c0 = w + <usize>j * ldb + off;
    const v0 = f64x2.splat(g0);
    for (let i = 0; i < len2; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(v0, v128.load(c0 + o))));
    }
    if (len2 < len) {
      const o = <usize>len2 << 3;
      store<f64>(y + o, load<f64>(y + o) + g0 * load<f64>(c0 + o));
    }
  }
  j = j0;
  for (; j + 2 <= j1; j += 2) {
    const gi = g + (<usize>(j - j0) << 3);
    const t0 = -tau * load<f64>(gi), t1 = -tau * load<f64>(gi, 8);
    const c0 = w + <usize>j * ldb + off, c1 = c0 + ldb;
    const b0 = f64x2.splat(t0), b1 = f64x2.splat(t1);
    for (let i = 0; i < len2; i += 2) {
      const o = <usize>i << 3;
      const yy = v128.load(y + o);
      v128.store(c0 + o, f64x2.add(v128.load(c0 + o), f64x2.mul(b0, yy)));
      v128.store(c1 + o, f64x2.add(v128.load(c1 + o), f64x2.mul(b1, yy)));
    }
    if (len2 < len) {
      const o = <usize>len2 << 3;
      const ys = load<f64>(y + o);
      store<f64>(c0 + o, load<f64>(c0 + o) + t0 * ys);
      store<f64>(c1 + o, load<f64>(c1 + o) + t1 * ys);
    }
  }
  if (j < j1) {
    const t0 = -tau * load<f64>(g + (<usize>(j - j0) << 3));
    const c0 = w + <usize>j * ldb + off;
    const b0 = f64x2.splat(t0);
    for (let i = 0; i < len2; i += 2) {
      const o = <usize>i << 3;
      v128.store(c0 + o, f64x2.add(v128.load(c0 + o), f64x2.mul(b0, v128.load(y + o))));
    }
    if (len2 < len) {
      const o = <usize>len2 << 3;
      store<f64>(c0 + o, load<f64>(c0 + o) + t0 * load<f64>(y + o));
    }
  }
}

// ---------------------------------------------------------------------------------------
// rotation log: sweeps (lo, count, dir) in hdr (i32 triples); per rotation (c, s) for the
// U side in logU and for the V side in logV, in generation order. A rotation (c, s) on the
// row pair (j, j+1) does row_j ← c·row_j + s·row_{j+1}, row_{j+1} ← c·row_{j+1} − s·row_j.

let logU: usize = 0, logV: usize = 0, logH: usize = 0;
let nRot: i32 = 0, nSweep: i32 = 0, capRot: i32 = 0;
let matU: usize = 0, matV: usize = 0, ldU8: i32 = 0, ldV8: i32 = 0; // row lengths (multiples of 8)

function replay(x: usize, ld: i32, log: usize): void {
  const ldb = <usize>ld << 3;
  for (let c0 = 0; c0 < ld; c0 += 8) {
    const base = x + (<usize>c0 << 3);
    let lp = log;
    for (let sw = 0; sw < nSweep; sw++) {
      const h = logH + <usize>sw * 12;
      const lo = load<i32>(h), cnt = load<i32>(h, 4), dir = load<i32>(h, 8);
      if (dir > 0) {
        let p = base + <usize>lo * ldb;
        let x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
        for (let t = 0; t < cnt; t++) {
          const q = p + ldb;
          const c = f64x2.splat(load<f64>(lp)), s = f64x2.splat(load<f64>(lp, 8));
          lp += 16;
          const y0 = v128.load(q), y1 = v128.load(q, 16), y2 = v128.load(q, 32), y3 = v128.load(q, 48);
          v128.store(p, f64x2.add(f64x2.mul(c, x0), f64x2.mul(s, y0)));
          v128.store(p, f64x2.add(f64x2.mul(c, x1), f64x2.mul(s, y1)), 16);
          v128.store(p, f64x2.add(f64x2.mul(c, x2), f64x2.mul(s, y2)), 32);
          v128.store(p, f64x2.add(f64x2.mul(c, x3), f64x2.mul(s, y3)), 48);
          x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
          x1 = f64x2.sub(f64x2.mul(c, y1), f64x2.mul(s, x1));
          x2 = f64x2.sub(f64x2.mul(c, y2), f64x2.mul(s, x2));
          x3 = f64x2.sub(f64x2.mul(c, y3), f64x2.mul(s, x3));
          p = q;
        }
        v128.store(p, x0); v128.store(p, x1, 16); v128.store(p, x2, 32); v128.store(p, x3, 48);
      } else {
        let q = base + <usize>(lo + cnt) * ldb;
        let y0 = v128.load(q), y1 = v128.load(q, 16), y2 = v128.load(q, 32), y3 = v128.load(q, 48);
        for (let t = 0; t < cnt; t++) {
          const p = q - ldb;
          const c = f64x2.splat(load<f64>(lp)), s = f64x2.splat(load<f64>(lp, 8));
          lp += 16;
          const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
          v128.store(q, f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0)));
          v128.store(q, f64x2.sub(f64x2.mul(c, y1), f64x2.mul(s, x1)), 16);
          v128.store(q, f64x2.sub(f64x2.mul(c, y2), f64x2.mul(s, x2)), 32);
          v128.store(q, f64x2.sub(f64x2.mul(c, y3), f64x2.mul(s, x3)), 48);
          y0 = f64x2.add(f64x2.mul(c, x0), f64x2.mul(s, y0));
          y1 = f64x2.add(f64x2.mul(c, x1), f64x2.mul(s, y1));
          y2 = f64x2.add(f64x2.mul(c, x2), f64x2.mul(s, y2));
          y3 = f64x2.add(f64x2.mul(c, x3), f64x2.mul(s, y3));
          q = p;
        }
        v128.store(q, y0); v128.store(q, y1, 16); v128.store(q, y2, 32); v128.store(q, y3, 48);
      }
    }
  }
}

function flush(): void {
  if (nSweep == 0) return;
  replay(matU, ldU8, logU);
  replay(matV, ldV8, logV);
  nSweep = 0;
  nRot = 0;
}

/** Starts a sweep of cnt rotations on pairs lo..lo+cnt−1 (dir > 0: in increasing order). */
@inline function beginSweep(lo: i32, cnt: i32, dir: i32): void {
  if (nRot + cnt > capRot) flush();
  const h = logH + <usize>nSweep * 12;
  store<i32>(h, lo);
  store<i32>(h, cnt, 4);
  store<i32>(h, dir, 8);
  nSweep++;
}

@inline function logRot(cu: f64, su: f64, cv: f64, sv: f64): void {
  const o = <usize>nRot << 4;
  store<f64>(logU + o, cu);
  store<f64>(logU + o, su, 8);
  store<f64>(logV + o, cv);
  store<f64>(logV + o, sv, 8);
  nRot++;
}

// ---------------------------------------------------------------------------------------
// bidiagonal QR (d: N values, e: N−1 values, byte pointers)

@inline function D(d: usize, i: i32): f64 { return load<f64>(d + (<usize>i << 3)); }
@inline function setD(d: usize, i: i32, x: f64): void { store<f64>(d + (<usize>i << 3), x); }

function bdsqr(N: i32, d: usize, e: usize): i32 {
  if (N <= 1) return 0;
  const tolmul = max(10.0, min(100.0, Math.pow(EPS, -0.125)));
  const tol = tolmul * EPS;
  let smax: f64 = 0;
  for (let i = 0; i < N; i++) smax = max(smax, abs(D(d, i)));
  for (let i = 0; i < N - 1; i++) smax = max(smax, abs(D(e, i)));
  let sminoa = abs(D(d, 0));
  if (sminoa != 0) {
    let mu = sminoa;
    for (let i = 1; i < N; i++) {
      mu = abs(D(d, i)) * (mu / (mu + abs(D(e, i - 1))));
      sminoa = min(sminoa, mu);
      if (sminoa == 0) break;
    }
  }
  sminoa = sminoa / sqrt(<f64>N);
  const thresh = max(tol * sminoa, <f64>MAXITR * (<f64>N * (<f64>N * UNFL)));
  const maxit = <i64>MAXITR * <i64>N * <i64>N;
  let iter: i64 = 0;
  let oldll = -1, oldm = -1, idir = 0;
  let m = N - 1;
  while (m > 0) {
    if (iter > maxit) return 1;
    // find the bottom unreduced block ll..m
    smax = abs(D(d, m));
    let ll = -1;
    let deflated = false;
    for (let lll = 1; lll <= m; lll++) {
      const l = m - lll;
      const abss = abs(D(d, l)), abse = abs(D(e, l));
      if (abse <= thresh) {
        setD(e, l, 0);
        if (l == m - 1) { deflated = true; }
        ll = l;
        break;
      }
      smax = max(smax, max(abss, abse));
    }
    if (deflated) { m--; continue; }
    ll++;
    if (ll == m - 1) {
      // 2×2 block
      lasv2(D(d, m - 1), D(e, m - 1), D(d, m));
      setD(d, m - 1, smax2);
      setD(e, m - 1, 0);
      setD(d, m, smin2);
      beginSweep(m - 1, 1, 1);
      logRot(csl2, snl2, csr2, snr2);
      m -= 2;
      continue;
    }
    if (ll > oldm || m < oldll) {
      idir = abs(D(d, ll)) >= abs(D(d, m)) ? 1 : 2;
    }
    // convergence tests
    let sminl: f64 = 0;
    let split = false;
    if (idir == 1) {
      if (abs(D(e, m - 1)) <= tol * abs(D(d, m))) { setD(e, m - 1, 0); continue; }
      let mu = abs(D(d, ll));
      sminl = mu;
      for (let l = ll; l < m; l++) {
        if (abs(D(e, l)) <= tol * mu) { setD(e, l, 0); split = true; break; }
        mu = abs(D(d, l + 1)) * (mu / (mu + abs(D(e, l))));
        sminl = min(sminl, mu);
      }
    } else {
      if (abs(D(e, ll)) <= tol * abs(D(d, ll))) { setD(e, ll, 0); continue; }
      let mu = abs(D(d, m));
      sminl = mu;
      for (let l = m - 1; l >= ll; l--) {
        if (abs(D(e, l)) <= tol * mu) { setD(e, l, 0); split = true; break; }
        mu = abs(D(d, l)) * (mu / (mu + abs(D(e, l))));
        sminl = min(sminl, mu);
      }
    }
    if (split) continue;
    oldll = ll;
    oldm = m;
    // shift
    let shift: f64 = 0;
    if (<f64>N * tol * (sminl / smax) > max(EPS, 0.01 * tol)) {
      let sll: f64;
      if (idir == 1) {
        sll = abs(D(d, ll));
        las2(D(d, m - 1), D(e, m - 1), D(d, m));
      } else {
        sll = abs(D(d, m));
        las2(D(d, ll), D(e, ll), D(d, ll + 1));
      }
      shift = smin2;
      if (sll > 0) {
        const q = shift / sll;
        if (q * q < EPS) shift = 0;
      }
    }
    iter += <i64>(m - ll);
    const cnt = m - ll;
    if (shift == 0) {
      if (idir == 1) {
        beginSweep(ll, cnt, 1);
        let cs: f64 = 1, oldcs: f64 = 1, oldsn: f64 = 0;
        for (let i = ll; i < m; i++) {
          lartg(D(d, i) * cs, D(e, i));
          cs = gc;
          const sn = gs, r = gr;
          if (i > ll) setD(e, i - 1, oldsn * r);
          lartg(oldcs * r, D(d, i + 1) * sn);
          oldcs = gc;
          oldsn = gs;
          setD(d, i, gr);
          logRot(oldcs, oldsn, cs, sn);
        }
        const h = D(d, m) * cs;
        setD(d, m, h * oldcs);
        setD(e, m - 1, h * oldsn);
        if (abs(D(e, m - 1)) <= thresh) setD(e, m - 1, 0);
      } else {
        beginSweep(ll, cnt, -1);
        let cs: f64 = 1, oldcs: f64 = 1, oldsn: f64 = 0;
        for (let i = m; i > ll; i--) {
          lartg(D(d, i) * cs, D(e, i - 1));
          cs = gc;
          const sn = gs, r = gr;
          if (i < m) setD(e, i, oldsn * r);
          lartg(oldcs * r, D(d, i - 1) * sn);
          oldcs = gc;
          oldsn = gs;
          setD(d, i, gr);
          logRot(cs, -sn, oldcs, -oldsn);
        }
        const h = D(d, ll) * cs;
        setD(d, ll, h * oldcs);
        setD(e, ll, h * oldsn);
        if (abs(D(e, ll)) <= thresh) setD(e, ll, 0);
      }
    } else {
      if (idir == 1) {
        beginSweep(ll, cnt, 1);
        const dl = D(d, ll);
        let f = (abs(dl) - shift) * (sgn1(dl) + shift / dl);
        let g = D(e, ll);
        for (let i = ll; i < m; i++) {
          lartg(f, g);
          const cosr = gc, sinr = gs;
          if (i > ll) setD(e, i - 1, gr);
          const di = D(d, i), ei = D(e, i), di1 = D(d, i + 1);
          f = cosr * di + sinr * ei;
          const ei2 = cosr * ei - sinr * di;
          g = sinr * di1;
          const di1b = cosr * di1;
          lartg(f, g);
          const cosl = gc, sinl = gs;
          setD(d, i, gr);
          f = cosl * ei2 + sinl * di1b;
          setD(d, i + 1, cosl * di1b - sinl * ei2);
          if (i < m - 1) {
            const en = D(e, i + 1);
            g = sinl * en;
            setD(e, i + 1, cosl * en);
          }
          logRot(cosl, sinl, cosr, sinr);
        }
        setD(e, m - 1, f);
        if (abs(D(e, m - 1)) <= thresh) setD(e, m - 1, 0);
      } else {
        beginSweep(ll, cnt, -1);
        const dm = D(d, m);
        let f = (abs(dm) - shift) * (sgn1(dm) + shift / dm);
        let g = D(e, m - 1);
        for (let i = m; i > ll; i--) {
          lartg(f, g);
          const cosr = gc, sinr = gs;
          if (i < m) setD(e, i, gr);
          const di = D(d, i), ei = D(e, i - 1), di1 = D(d, i - 1);
          f = cosr * di + sinr * ei;
          const ei2 = cosr * ei - sinr * di;
          g = sinr * di1;
          const di1b = cosr * di1;
          lartg(f, g);
          const cosl = gc, sinl = gs;
          setD(d, i, gr);
          f = cosl * ei2 + sinl * di1b;
          setD(d, i - 1, cosl * di1b - sinl * ei2);
          if (i > ll + 1) {
            const en = D(e, i - 2);
            g = sinl * en;
            setD(e, i - 2, cosl * en);
          }
          logRot(cosr, -sinr, cosl, -sinl);
        }
        setD(e, ll, f);
        if (abs(D(e, ll)) <= thresh) setD(e, ll, 0);
      }
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------
// work layout (f64 counts; every region a multiple of 2 so v128 rows stay 16-byte aligned)

@inline function capRotFor(N: i32): i32 { return max(4096, 16 * N); }

export function svd_f64_work(m: i32, n: i32): usize {
  const M = max(m, n), N = min(m, n);
  if (N <= 0) return 0;
  const ldw = (M + 7) & ~7, LV = (N + 7) & ~7, N2 = (N + 1) & ~1;
  const R = capRotFor(N);
  return <usize>N * <usize>(ldw + LV) + <usize>(7 * N2 + ((M + 3) & ~1) + ((N + 3) & ~1) + 4 * R + 2 * R);
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
  const R = capRotFor(N);
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
  logU = g + (<usize>((N + 3) & ~1) << 3);
  logV = logU + (<usize>(2 * R) << 3);
  logH = logV + (<usize>(2 * R) << 3);
  capRot = R;
  nRot = 0;
  nSweep = 0;
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

  // Golub–Kahan bidiagonalisation: A = Q·B·Pᵀ
  for (let i = 0; i < N; i++) {
    const col = W + <usize>i * ldwb;
    const ii = <usize>i << 3;
    const tau = larfg(M - i, load<f64>(col + ii), col + ii + 8);
    store<f64>(dp + ii, hbeta);
    store<f64>(tq + ii, tau);
    store<f64>(col + ii, 1.0);
    if (tau != 0 && i + 1 < N) reflRows(W, ldwb, i + 1, N, ii, col + ii, M - i, tau);
    if (i < N - 1) {
      const C = N - i - 1;
      for (let j = 0; j < C; j++) store<f64>(g + (<usize>j << 3), load<f64>(W + <usize>(i + 1 + j) * ldwb + ii));
      const tp_ = larfg(C, load<f64>(g), g + 8);
      store<f64>(ep + ii, hbeta);
      store<f64>(tp + ii, tp_);
      store<f64>(g, 1.0);
      for (let j = 0; j < C; j++) store<f64>(W + <usize>(i + 1 + j) * ldwb + ii, load<f64>(g + (<usize>j << 3)));
      if (tp_ != 0 && i + 1 < M) rightUpdate(W, ldwb, i + 1, N, i + 1, M - i - 1, g, tp_, y);
    } else {
      store<f64>(ep + ii, 0);
    }
  }

  // Pᵀ (N × N, row stride LV) from the right reflectors (stored in W above the diagonal),
  // then Qᵀ (N × M) in place of W: for i = N−1 … 0, rows j > i already hold columns j of
  // H_{i+1}⋯H_{N−1}·I (zero before entry j); apply H_i to them, then row i = e_i − τ·v_i.
  const lvb = <usize>LV << 3;
  memory.fill(Vt, 0, <usize>N * lvb);
  for (let j = 0; j < N; j++) store<f64>(Vt + <usize>j * lvb + (<usize>j << 3), 1.0);
  for (let i = N - 2; i >= 0; i--) {
    const tau = load<f64>(tp + (<usize>i << 3));
    if (tau != 0) {
      const C = N - i - 1;
      const ii = <usize>i << 3;
      for (let j = 0; j < C; j++) store<f64>(g + (<usize>j << 3), load<f64>(W + <usize>(i + 1 + j) * ldwb + ii));
      reflRows(Vt, lvb, i + 1, N, ii + 8, g, C, tau);
    }
  }
  for (let i = N - 1; i >= 0; i--) {
    const tau = load<f64>(tq + (<usize>i << 3));
    const ii = <usize>i << 3;
    const row = W + <usize>i * ldwb;
    if (i > 0) memory.fill(row, 0, ii);
    if (tau != 0) {
      if (i + 1 < N) reflRows(W, ldwb, i + 1, N, ii, row + ii, M - i, tau);
      scal(row + ii, -tau, M - i);
      store<f64>(row + ii, 1.0 - tau);
    } else {
      memory.fill(row + ii, 0, <usize>(M - i) << 3);
      store<f64>(row + ii, 1.0);
    }
  }
  const Ut = W, LU = ldw;

  // bidiagonal SVD, rotations logged and replayed on Qᵀ / Pᵀ
  matU = Ut; matV = Vt; ldU8 = LU; ldV8 = LV;
  const info = bdsqr(N, dp, ep);
  flush();
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
