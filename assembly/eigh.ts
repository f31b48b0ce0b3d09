// Symmetric eigendecomposition (f64) and SPD inverse square root.
//
// Pipeline (all in the caller's buffers, nothing allocated):
//   1. scale A by its max-abs entry (no overflow/underflow for huge or tiny matrices);
//   2. Householder tridiagonalisation working on the LOWER triangle, row by row from the
//      bottom (each reflector comes from a contiguous row). The symmetric matrix-vector
//      product of step i is fused with the rank-2 update of step i+1, so each step streams
//      the remaining triangle through the cache once (f64x2 SIMD);
//   3. Pᵀ (P = product of the reflectors) is accumulated row-wise into Zᵀ (work buffer);
//   4. eigenvalues of T by a root-free QL pass (no vectors, O(n²));
//   5. implicit QL on T with shifts taken from those eigenvalues (close to one sweep per
//      eigenvalue), Wilkinson shifts as a fallback; every sweep's plane rotations are
//      applied to CONTIGUOUS rows of Zᵀ, 8 columns at a time with the rotated row carried
//      in registers;
//   6. sort descending, transpose Zᵀ into `vectors` (columns = eigenvectors).
import { gemm_f64_tn } from './gemm_f64';

const EPS: f64 = 2.220446049250313e-16;
const SAFMIN: f64 = 2.2250738585072014e-308;
const MAXIT: i32 = 40; // QL sweeps allowed per eigenvalue

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function row(base: usize, r: i32, ld: i32): usize { return base + (<usize>r * <usize>ld << 3); }

/** row stride of Zᵀ in the work buffer: multiple of 8 so rotations run on 8-column chunks */
// @ts-ignore: decorator
@inline function ldzOf(n: i32): i32 { return (n + 7) & ~7; }

// work layout (f64 offsets): Zᵀ [ldz·n] | d [n+2] | e [n+2] | tau [n+2] | b0..b3 [n+4 each] |
// cs [n+2] | sn [n+2] | lam [n+2] | perm [n+2]
// @ts-ignore: decorator
@inline function seg(n: i32): i32 { return (n + 5) & ~1; }

export function eigh_f64_work(n: i32): usize {
  if (n < 1) return 16;
  return <usize>ldzOf(n) * <usize>n + <usize>(11 * seg(n) + 16);
}

export function invsqrt_spd_f64_work(n: i32): usize {
  return eigh_f64_work(n);
}

// ---------------------------------------------------------------- small SIMD helpers

function sumsq(x: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const p = x + (<usize>j << 3);
    const a = v128.load(p), b = v128.load(p, 16);
    acc0 = f64x2.add(acc0, f64x2.mul(a, a));
    acc1 = f64x2.add(acc1, f64x2.mul(b, b));
  }
  acc0 = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  for (; j < len; j++) { const t = ld(x, j); s += t * t; }
  return s;
}

function dot(x: usize, y: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const o = <usize>j << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  acc0 = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  for (; j < len; j++) s += ld(x, j) * ld(y, j);
  return s;
}

/** y[0:len] += alpha·x[0:len] */
function axpy(y: usize, alpha: f64, x: usize, len: i32): void {
  const a = f64x2.splat(alpha);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const o = <usize>j << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(a, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(a, v128.load(x + o, 16))), 16);
  }
  for (; j < len; j++) st(y, j, ld(y, j) + alpha * ld(x, j));
}

/** x[0:len] -= (vr·w + wr·v)[0:len] (one row of a symmetric rank-2 update) */
function rank2row(x: usize, v: usize, w: usize, vr: f64, wr: f64, len: i32): void {
  const a = f64x2.splat(vr), b = f64x2.splat(wr);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    const o = <usize>j << 3;
    v128.store(x + o, f64x2.sub(v128.load(x + o), f64x2.add(f64x2.mul(a, v128.load(w + o)), f64x2.mul(b, v128.load(v + o)))));
  }
  for (; j < len; j++) st(x, j, ld(x, j) - (vr * ld(w, j) + wr * ld(v, j)));
}

function hypot2(a: f64, b: f64): f64 {
  const x = Math.abs(a), y = Math.abs(b);
  const m = x > y ? x : y;
  if (m == 0) return 0;
  const mn = x > y ? y : x;
  if (mn == 0) return m;
  const t = mn / m;
  return m * Math.sqrt(1 + t * t);
}

// ---------------------------------------------------------------- tridiagonalisation

/**
 * Row r of the step's pass: row[0..r] = row[0..r] − (vp[r]·wp + wp[r]·vp) (pending rank-2
 * update of the previous step, when `pend`), then the symmetric product contribution
 * p[0..r−1] += row[j]·v[r], p[r] += row[0..r]·v[0..r] (when `mv`).
 */
function passRow(rr: usize, r: i32, vp: usize, wp: usize, pend: bool, v: usize, p: usize, mv: bool): void {
  if (pend && !mv) { rank2row(rr, vp, wp, ld(vp, r), ld(wp, r), r + 1); return; }
  const vr = ld(v, r);
  const bv = f64x2.splat(vr);
  let acc = f64x2.splat(0);
  let j = 0;
  if (pend) {
    const a = f64x2.splat(ld(vp, r)), b = f64x2.splat(ld(wp, r));
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
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  const vpr = pend ? ld(vp, r) : 0.0, wpr = pend ? ld(wp, r) : 0.0;
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
function tridiag(s: usize, lds: i32, n: i32, d: usize, e: usize, tau: usize, b0: usize, b1: usize, b2: usize, b3: usize): void {
  let vp = b0, wp = b1, vc = b2, pc = b3;
  let pend = false;
  for (let i = n - 1; i >= 1; i--) {
    const ri = row(s, i, lds);
    if (pend) rank2row(ri, vp, wp, ld(vp, i), ld(wp, i), i + 1);
    st(d, i, ld(ri, i));
    const xl = ld(ri, i - 1);
    const sigma = sumsq(ri, i - 1);
    let beta = 0.0;
    if (sigma == 0) {
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
function formQt(zt: usize, ldz: i32, n: i32, s: usize, lds: i32, tau: usize, v: usize): void {
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

// ---------------------------------------------------------------- tridiagonal QL

/** Applies the rotations of one QL sweep (i = m−1 down to iend) to rows iend..m of Zᵀ. */
function applyRotations(zt: usize, ldz: i32, cs: usize, sn: usize, m: i32, iend: i32): void {
  const rs = <usize>ldz << 3;
  for (let col = 0; col < ldz; col += 8) {
    const base = zt + (<usize>col << 3);
    let p = base + <usize>m * rs;
    let c0 = v128.load(p), c1 = v128.load(p, 16), c2 = v128.load(p, 32), c3 = v128.load(p, 48);
    for (let i = m - 1; i >= iend; i--) {
      const q = p - rs;
      const c = f64x2.splat(ld(cs, i)), s = f64x2.splat(ld(sn, i));
      const a0 = v128.load(q), a1 = v128.load(q, 16), a2 = v128.load(q, 32), a3 = v128.load(q, 48);
      v128.store(p, f64x2.add(f64x2.mul(s, a0), f64x2.mul(c, c0)));
      v128.store(p, f64x2.add(f64x2.mul(s, a1), f64x2.mul(c, c1)), 16);
      v128.store(p, f64x2.add(f64x2.mul(s, a2), f64x2.mul(c, c2)), 32);
      v128.store(p, f64x2.add(f64x2.mul(s, a3), f64x2.mul(c, c3)), 48);
      c0 = f64x2.sub(f64x2.mul(c, a0), f64x2.mul(s, c0));
      c1 = f64x2.sub(f64x2.mul(c, a1), f64x2.mul(s, c1));
      c2 = f64x2.sub(f64x2.mul(c, a2), f64x2.mul(s, c2));
      c3 = f64x2.sub(f64x2.mul(c, a3), f64x2.mul(s, c3));
      p = q;
    }
    v128.store(p, c0); v128.store(p, c1, 16); v128.store(p, c2, 32); v128.store(p, c3, 48);
  }
}


/**
 * Implicit QL with shifts. d[0..n−1], e[0..n−2] (e[i] couples i, i+1; e[n−1] = 0).
 * With zt != 0 the rotations are applied to the rows of Zᵀ, and when `lam` holds the
 * eigenvalues (nl > 0) they are used as shifts. Returns 0 or l+1 on failure.
 */
function ql(d: usize, e: usize, n: i32, zt: usize, ldz: i32, cs: usize, sn: usize, lam: usize, nl: i32): i32 {
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

// ---------------------------------------------------------------- drivers

/**
 * Common part: values[0..n−1] descending (unscaled), eigenvectors as the ROWS of Zᵀ
 * (work, stride ldzOf(n)), perm[j] (i32, at work + 8·(ldz·n + 10·seg)) = row of the j-th
 * largest. `s` (n×n, stride lds) is scratch for the scaled lower triangle of A.
 * Returns 0, or > 0 when the QL iteration did not converge (or A has NaN/Inf entries).
 */
function core(values: usize, a: usize, n: i32, lda: i32, s: usize, lds: i32, work: usize): i32 {
  const ldz = ldzOf(n), sg = <usize>seg(n) << 3;
  const zt = work;
  const d = zt + (<usize>ldz * <usize>n << 3);
  const e = d + sg, tau = e + sg;
  const b0 = tau + sg, b1 = b0 + sg, b2 = b1 + sg, b3 = b2 + sg;
  const cs = b3 + sg, sn = cs + sg, lam = sn + sg, perm = lam + sg;

  // 1. scale
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

export function eigh_f64(values: usize, vectors: usize, a: usize, n: i32, lda: i32, ldv: i32, work: usize): i32 {
  if (n < 1) return 0;
  const info = core(values, a, n, lda, vectors, ldv, work);
  if (info != 0) return info;
  const ldz = ldzOf(n);
  const perm = work + (<usize>ldz * <usize>n << 3) + (<usize>(10 * seg(n)) << 3);
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
  const perm = work + (<usize>ldz * <usize>n << 3) + (<usize>(10 * seg(n)) << 3);
  // W = diag(λ^-1/4)·Zᵀ (row order irrelevant), out = Wᵀ·W
  for (let j = 0; j < n; j++) {
    const k = load<i32>(perm + (<usize>j << 2));
    const f = 1.0 / Math.sqrt(Math.sqrt(ld(values, j)));
    const zr = row(work, k, ldz);
    const fv = f64x2.splat(f);
    for (let c = 0; c < ldz; c += 2) v128.store(zr + (<usize>c << 3), f64x2.mul(fv, v128.load(zr + (<usize>c << 3))));
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
