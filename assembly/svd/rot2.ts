// 2×2 building blocks of the bidiagonal QR (LAPACK dlartg / dlas2 / dlasv2 schemes).
// Results are written to a Rot2 record the caller places in its work buffer (no module
// state, no multi-value returns, no allocation).

export const EPS: f64 = 1.1102230246251565e-16; // 2^-53, unit round-off

/** Results of lartg (c, s, r), las2 (smin, smax) and lasv2 (all but c, s, r). */
@unmanaged export class Rot2 {
  c: f64; s: f64; r: f64; // lartg
  smin: f64; smax: f64; // las2 / lasv2
  csl: f64; snl: f64; csr: f64; snr: f64; // lasv2
}
/** f64 slots a Rot2 takes in a work buffer. */
export const ROT2_F64: i32 = <i32>((offsetof<Rot2>() + 7) >> 3);

/** Plane rotation: [c s; -s c]·[f; g] = [r; 0]. */
export function lartg(o: Rot2, f: f64, g: f64): void {
  if (g == 0) { o.c = 1; o.s = 0; o.r = f; return; }
  if (f == 0) { o.c = 0; o.s = g > 0 ? 1.0 : -1.0; o.r = abs(g); return; }
  const f1 = abs(f), g1 = abs(g);
  if (f1 > 1e-150 && f1 < 1e150 && g1 > 1e-150 && g1 < 1e150) {
    const d = sqrt(f * f + g * g);
    o.c = f1 / d;
    const r = copysign(d, f);
    o.r = r;
    o.s = g / r;
  } else {
    const u = max(f1, g1);
    const fs = f / u, gg = g / u;
    const d = sqrt(fs * fs + gg * gg);
    o.c = abs(fs) / d;
    const rr = copysign(d, f);
    o.s = gg / rr;
    o.r = rr * u;
  }
}

/** Singular values of the 2×2 upper triangular [f g; 0 h] into o.smin ≤ o.smax. */
export function las2(o: Rot2, f: f64, g: f64, h: f64): void {
  const fa = abs(f), ga = abs(g), ha = abs(h);
  const fhmn = min(fa, ha), fhmx = max(fa, ha);
  if (fhmn == 0) {
    o.smin = 0;
    if (fhmx == 0) o.smax = ga;
    else {
      const mx = max(fhmx, ga), mn = min(fhmx, ga), q = mn / mx;
      o.smax = mx * sqrt(1 + q * q);
    }
  } else if (ga < fhmx) {
    const as_ = 1 + fhmn / fhmx, at = (fhmx - fhmn) / fhmx, q = ga / fhmx, au = q * q;
    const c = 2 / (sqrt(as_ * as_ + au) + sqrt(at * at + au));
    o.smin = fhmn * c;
    o.smax = fhmx / c;
  } else {
    const au = fhmx / ga;
    if (au == 0) {
      o.smin = (fhmn * fhmx) / ga;
      o.smax = ga;
    } else {
      const as_ = 1 + fhmn / fhmx, at = (fhmx - fhmn) / fhmx;
      const p = as_ * au, q = at * au;
      const c = 1 / (sqrt(1 + p * p) + sqrt(1 + q * q));
      o.smin = fhmn * c * au;
      o.smin = o.smin + o.smin;
      o.smax = ga / (c + c);
    }
  }
}

// @ts-ignore: decorator
@inline export function sgn1(x: f64): f64 { return copysign(1.0, x); }

/**
 * SVD of the 2×2 upper triangular [f g; 0 h]:
 * [csl snl; -snl csl]·[f g; 0 h]·[csr -snr; snr csr] = diag(smax, smin), |smax| ≥ |smin|
 * (o.csl, o.snl, o.csr, o.snr, o.smax, o.smin).
 */
export function lasv2(o: Rot2, f: f64, g: f64, h: f64): void {
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
  let csl: f64, snl: f64, csr: f64, snr: f64;
  if (swap) { csl = srt; snl = crt; csr = slt; snr = clt; }
  else { csl = clt; snl = slt; csr = crt; snr = srt; }
  o.csl = csl; o.snl = snl; o.csr = csr; o.snr = snr;
  let tsign: f64;
  if (pmax == 1) tsign = sgn1(csr) * sgn1(csl) * sgn1(f);
  else if (pmax == 2) tsign = sgn1(snr) * sgn1(csl) * sgn1(g);
  else tsign = sgn1(snr) * sgn1(snl) * sgn1(h);
  o.smax = copysign(ssmax, tsign);
  o.smin = copysign(ssmin, tsign * sgn1(f) * sgn1(h));
}
