// 2×2 building blocks of the bidiagonal QR (LAPACK dlartg / dlas2 / dlasv2 schemes).
// Results are returned in module globals (no multi-value returns, no allocation).

export const EPS: f64 = 1.1102230246251565e-16; // 2^-53, unit round-off

export let gc: f64 = 0, gs: f64 = 0, gr: f64 = 0; // lartg
export let smin2: f64 = 0, smax2: f64 = 0; // las2 / lasv2
export let csl2: f64 = 0, snl2: f64 = 0, csr2: f64 = 0, snr2: f64 = 0; // lasv2

/** Plane rotation: [c s; -s c]·[f; g] = [r; 0]. */
export function lartg(f: f64, g: f64): void {
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
export function las2(f: f64, g: f64, h: f64): void {
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

// @ts-ignore: decorator
@inline export function sgn1(x: f64): f64 { return copysign(1.0, x); }

/**
 * SVD of the 2×2 upper triangular [f g; 0 h]:
 * [csl snl; -snl csl]·[f g; 0 h]·[csr -snr; snr csr] = diag(smax2, smin2), |smax2| ≥ |smin2|.
 */
export function lasv2(f: f64, g: f64, h: f64): void {
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
