/**
 * e^x, ln x and the functions built on them for MultimodalVAE's f64 work (fusion, KL,
 * likelihoods, importance weights), from IEEE basic operations only (+ − × ÷, round, exact
 * powers of two), so a fit has the same bits in every JS engine: Math.exp and Math.log are
 * not correctly rounded and differ between engines (as src/stats/normal.ts explains).
 * Accuracy: a few ulp (far below the f32 of the networks).
 */

const LN2_HI = 6.93147180369123816490e-1; // ln 2 split for exact k·ln2 (fdlibm's constants)
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const SQRT2 = 1.4142135623730951;
/** ln(2π) */
export const LOG_2PI = 1.8378770664093453;

/** 2^k for k in −1074..1023 at index k + 1074 (exact: powers of two). */
const POW2 = new Float64Array(2098);
for (let k = 0, v = 1; k <= 1023; k++, v *= 2) POW2[k + 1074] = v;
for (let k = 0, v = 1; k >= -1074; k--, v /= 2) POW2[k + 1074] = v;

/** 1/i! for i = 0..13 (the Taylor coefficients of e^r). */
const INV_FACT = new Float64Array(14);
for (let i = 0, f = 1; i < 14; i++, f /= i) INV_FACT[i] = f;

/** e^x: x = k·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor polynomial to r¹³/13!, times 2^k. */
export function exp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  let s = INV_FACT[13]!;
  for (let i = 12; i >= 0; i--) s = s * r + INV_FACT[i]!;
  if (k > 1023) return s * 2 * POW2[k - 1 + 1074]!;
  if (k < -1074) return s * POW2[0]! * 0.5;
  return s * POW2[k + 1074]!;
}

/** The bits of one f64, and which 32-bit word holds its sign and exponent (the platform's byte order). */
const F64 = new Float64Array(1), U32 = new Uint32Array(F64.buffer);
F64[0] = 1;
const HI = U32[1] === 0x3ff00000 ? 1 : 0;

/** 1/(2i + 1) for i = 0..11 (the series of 2·atanh). */
const INV_ODD = Float64Array.from({ length: 12 }, (_, i) => 1 / (2 * i + 1));

/** ln m for m in [√½, √2]: 2 atanh((m − 1)/(m + 1)) by its series. */
function logReduced(m: number, e: number): number {
  const s = (m - 1) / (m + 1), s2 = s * s;
  let p = INV_ODD[11]!;
  for (let i = 10; i >= 0; i--) p = p * s2 + INV_ODD[i]!;
  return e * LN2_HI + (2 * s * p + e * LN2_LO);
}

/** ln x: x = m·2^e with m in [√½, √2] (from the exponent bits), then logReduced. */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= POW2[54 + 1074]!;
    e = -54;
  }
  F64[0] = x;
  const hi = U32[HI]!;
  e += ((hi >>> 20) & 0x7ff) - 1023;
  U32[HI] = (hi & 0x800fffff) | (1023 << 20);
  let m = F64[0]!;
  if (m > SQRT2) {
    m /= 2;
    e += 1;
  }
  return logReduced(m, e);
}

/**
 * ln(1 + t) for t in [0, 1], accurate for small t: ln u · t/(u − 1) with u = 1 + t rounded
 * (u in [1, 2]: no exponent to extract; the same bits as log(u) would give).
 */
export function log1p(t: number): number {
  const u = 1 + t;
  if (u === 1) return t;
  return (u > SQRT2 ? logReduced(u / 2, 1) : logReduced(u, 0)) * (t / (u - 1));
}

/** softplus(l) = ln(1 + e^l), stable. */
export const softplus = (l: number): number => (l > 0 ? l : 0) + log1p(exp(-Math.abs(l)));

/** σ(l) = 1 / (1 + e^−l), stable. */
export function sigmoid(l: number): number {
  const t = exp(-Math.abs(l));
  return l >= 0 ? 1 / (1 + t) : t / (1 + t);
}

/** ln Σ e^{a_k} over a[from … to), stable. */
export function logSumExp(a: ArrayLike<number>, from = 0, to = a.length): number {
  let m = -Infinity;
  for (let k = from; k < to; k++) m = Math.max(m, a[k]!);
  if (m === -Infinity) return m;
  let s = 0;
  for (let k = from; k < to; k++) s += exp(a[k]! - m);
  return m + log(s);
}
