/**
 * The standard normal distribution function Φ and its inverse from IEEE basic operations
 * only (+ − × ÷, √, floor/round and exact powers of two), so a result has the same bits in
 * every JS engine (Math.exp, Math.log and Math.pow are not correctly rounded and differ
 * between engines). Accuracy: about 1e-15 absolute for Φ, a few ulp relative for Φ⁻¹ away
 * from the extreme tails: enough to place bootstrap quantiles.
 */

const LN2_HI = 6.93147180369123816490e-1; // ln 2 split for exact k·ln2 (fdlibm's constants)
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const INV_SQRT_2PI = 0.3989422804014327;
const view = new DataView(new ArrayBuffer(8));

/** 2^k for an integer k in [−1022, 1023] (built from its exponent bits: exact). */
function pow2(k: number): number {
  view.setUint32(0, (k + 1023) << 20);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

/** e^x for x ≤ 0 (0 below −708): x = k·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r¹⁸/18!. */
export function expNonPositive(x: number): number {
  if (!(x <= 0)) return NaN;
  if (x < -708) return 0;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  let term = 1, sum = 1;
  for (let i = 1; i <= 18; i++) {
    term = (term * r) / i;
    sum += term;
  }
  return sum * pow2(k);
}

/**
 * Φ(x) = 0.5 + φ(x)·(x + x³/3 + x⁵/(3·5) + …) (Marsaglia 2004, "Evaluating the normal
 * distribution"), summed until a term no longer changes the sum; 0 or 1 beyond |x| = 38.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -38) return 0;
  if (x > 38) return 1;
  const x2 = x * x;
  let term = x, sum = x, prev = 0;
  for (let i = 3; sum !== prev; i += 2) {
    prev = sum;
    term = (term * x2) / i;
    sum += term;
  }
  const v = 0.5 + sum * INV_SQRT_2PI * expNonPositive(-0.5 * x2);
  return Math.min(1, Math.max(0, v));
}

/**
 * Φ⁻¹(p) for p in (0, 1) by Newton's method from 0: Φ is concave right of 0 and convex left of
 * it, so the iterates approach the root monotonically from the side of 0; stops when a step
 * no longer moves x (at most 200 steps). ±Infinity at p = 1 / 0.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x = 0;
  for (let i = 0; i < 200; i++) {
    const density = INV_SQRT_2PI * expNonPositive(-0.5 * x * x);
    if (density === 0) break;
    const next = x - (normalCdf(x) - p) / density;
    if (next === x || !Number.isFinite(next)) break;
    // monotone approach: a step that turns back is rounding noise at the root
    if ((p > 0.5 && next < x) || (p < 0.5 && next > x)) break;
    x = next;
  }
  return x;
}
