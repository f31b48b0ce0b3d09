// Private f32 math shared by the f32 kernels (through nn_loops.ts, and loss.ts directly): the
// transcendentals and the activation functions, each as a scalar (…1) and an f32x4 (…4) twin.
// Not re-exported by index.ts (v128-typed helpers must not become module exports: they would
// break the scalar build and cannot cross the JS boundary anyway).
//
// Every transcendental is computed here, in wasm, with a fixed sequence of correctly rounded
// f32 operations, so every engine gives bit-identical results. Each vector helper (…4) and
// its scalar twin (…1) perform the same operations in the same order, so the SIMD and
// scalar builds agree bit for bit on elementwise results.
//
// exp: only needed for non-positive arguments (sigmoid, tanh, log-sum-exp, stable BCE).
//   Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2 (Cody–Waite split of ln2), degree-5 polynomial,
//   then ·2^n applied as 2^⌊n/2⌋·2^(n−⌊n/2⌋) so results down to the subnormal range
//   (exp(−103.9)) are right; arguments below −104 give 0.
// sigmoid: e = exp(−|x|), σ = (x ≥ 0 ? 1 : e)/(1 + e) — no overflow for any x.
// tanh: |x| < 0.625: Cephes odd polynomial; else (1 − e)/(1 + e) with e = exp(−2|x|), sign of x.
// log1p(e), e ∈ [0, 1]: 2·atanh(s), s = e/(2 + e) ≤ 1/3, series to s¹³ (rel. error < 2e-8).


const LOG2EF: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EP0: f32 = 1.9875691500e-4;
const EP1: f32 = 1.3981999507e-3;
const EP2: f32 = 8.3334519073e-3;
const EP3: f32 = 4.1665795894e-2;
const EP4: f32 = 1.6666665459e-1;
const EP5: f32 = 5.0000001201e-1;
const EXP_MIN: f32 = -104.0;

const TH0: f32 = -5.70498872745e-3;
const TH1: f32 = 2.06390887954e-2;
const TH2: f32 = -5.37397155531e-2;
const TH3: f32 = 1.33314422036e-1;
const TH4: f32 = -3.33332819422e-1;
const TH_SMALL: f32 = 0.625;

const L1: f32 = 1.0 / 3.0;
const L2: f32 = 1.0 / 5.0;
const L3: f32 = 1.0 / 7.0;
const L4: f32 = 1.0 / 9.0;
const L5: f32 = 1.0 / 11.0;
const L6: f32 = 1.0 / 13.0;

// ---------------------------------------------------------------- scalar

/** e^x for x ≤ 0 (x > 0 is not supported). */
@inline export function expNeg1(x: f32): f32 {
  x = max<f32>(x, EXP_MIN);
  const fx = nearest<f32>(x * LOG2EF);
  const r = x - fx * LN2_HI - fx * LN2_LO;
  const z = r * r;
  const p = (((((EP0 * r + EP1) * r + EP2) * r + EP3) * r + EP4) * r + EP5) * z + r + <f32>1.0;
  const n = fx == fx ? <i32>fx : 0;
  const n1 = n >> 1;
  const n2 = n - n1;
  return p * reinterpret<f32>((n1 + 127) << 23) * reinterpret<f32>((n2 + 127) << 23);
}

/** log(1 + e) for e ∈ [0, 1]. */
@inline export function log1p01_1(e: f32): f32 {
  const s = e / (<f32>2.0 + e);
  const w = s * s;
  const q = ((((((L6 * w + L5) * w + L4) * w + L3) * w + L2) * w + L1) * w) + <f32>1.0;
  return (s + s) * q;
}

@inline export function sigmoid1(x: f32): f32 {
  const e = expNeg1(-abs<f32>(x));
  return (x >= 0 ? <f32>1.0 : e) / (<f32>1.0 + e);
}

@inline export function tanh1(x: f32): f32 {
  const a = abs<f32>(x);
  if (a < TH_SMALL) {
    const z = x * x;
    return ((((TH0 * z + TH1) * z + TH2) * z + TH3) * z + TH4) * z * x + x;
  }
  const e = expNeg1(a * <f32>-2.0);
  return copysign<f32>((<f32>1.0 - e) / (<f32>1.0 + e), x);
}

/** f(x) for activation code act (0 identity, 1 relu, 2 leaky, 3 sigmoid, 4 tanh). */
@inline export function actFwd1(x: f32, act: i32, slope: f32): f32 {
  if (act == 1) return x > 0 ? x : <f32>0.0;
  if (act == 2) return x > 0 ? x : slope * x;
  if (act == 3) return sigmoid1(x);
  if (act == 4) return tanh1(x);
  return x;
}

/** dy·f′ expressed through the output y = f(z). */
@inline export function actBwd1(dy: f32, y: f32, act: i32, slope: f32): f32 {
  if (act == 1) return y > 0 ? dy : <f32>0.0;
  if (act == 2) return y > 0 ? dy : slope * dy;
  if (act == 3) return dy * (y * (<f32>1.0 - y));
  if (act == 4) return dy * (<f32>1.0 - y * y);
  return dy;
}

// ---------------------------------------------------------------- f32x4 (same operations)

@inline export function expNeg4(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(EXP_MIN));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2EF)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI))), f32x4.mul(fx, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(EP0), r), f32x4.splat(EP1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1.0));
  const n = i32x4.trunc_sat_f32x4_s(fx); // NaN lanes → 0, as the scalar path
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

@inline export function log1p01_4(e: v128): v128 {
  const s = f32x4.div(e, f32x4.add(f32x4.splat(2.0), e));
  const w = f32x4.mul(s, s);
  let q = f32x4.add(f32x4.mul(f32x4.splat(L6), w), f32x4.splat(L5));
  q = f32x4.add(f32x4.mul(q, w), f32x4.splat(L4));
  q = f32x4.add(f32x4.mul(q, w), f32x4.splat(L3));
  q = f32x4.add(f32x4.mul(q, w), f32x4.splat(L2));
  q = f32x4.add(f32x4.mul(q, w), f32x4.splat(L1));
  q = f32x4.add(f32x4.mul(q, w), f32x4.splat(1.0));
  return f32x4.mul(f32x4.add(s, s), q);
}

@inline export function sigmoid4(x: v128): v128 {
  const e = expNeg4(f32x4.neg(f32x4.abs(x)));
  const one = f32x4.splat(1.0);
  const num = v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(num, f32x4.add(one, e));
}

@inline export function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let q = f32x4.add(f32x4.mul(f32x4.splat(TH0), z), f32x4.splat(TH1));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(TH2));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(TH3));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(TH4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(q, z), x), x);
  const e = expNeg4(f32x4.mul(a, f32x4.splat(-2.0)));
  const one = f32x4.splat(1.0);
  const t = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const big = v128.or(v128.andnot(t, f32x4.splat(-0.0)), v128.and(x, f32x4.splat(-0.0)));
  return v128.bitselect(small, big, f32x4.lt(a, f32x4.splat(TH_SMALL)));
}

@inline export function actFwd4(x: v128, act: i32, slope: f32): v128 {
  if (act == 1) return v128.and(x, f32x4.gt(x, f32x4.splat(0)));
  if (act == 2) return v128.bitselect(x, f32x4.mul(f32x4.splat(slope), x), f32x4.gt(x, f32x4.splat(0)));
  if (act == 3) return sigmoid4(x);
  if (act == 4) return tanh4(x);
  return x;
}

@inline export function actBwd4(dy: v128, y: v128, act: i32, slope: f32): v128 {
  if (act == 1) return v128.and(dy, f32x4.gt(y, f32x4.splat(0)));
  if (act == 2) return v128.bitselect(dy, f32x4.mul(f32x4.splat(slope), dy), f32x4.gt(y, f32x4.splat(0)));
  const one = f32x4.splat(1.0);
  if (act == 3) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
  if (act == 4) return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
  return dy;
}
