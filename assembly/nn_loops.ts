// Private f32 loops shared by the f32 kernels (activations.ts, dense.ts, loss.ts, classify.ts,
// vector.ts, blocks.ts, rows.ts): the activation passes over a row (on nn_math.ts), copies,
// elementwise sums, products and scalings, the f64 lane sums of f32 values and the softmax row
// helpers. In the elementwise loops the f32x4 part and the scalar remainder (the whole row in
// the scalar build) apply the same per-element operations, so the SIMD and scalar builds agree
// bit for bit; the sums keep four lanes in every build (see their comments). Not re-exported by
// index.ts (v128-typed helpers must not become module exports).
import { actBwd1, actBwd4, actFwd1, actFwd4, expNeg1, expNeg4 } from './nn_math';

// ---------------------------------------------------------------- row loops

@inline function fwdLoop(dst: usize, src: usize, bias: usize, len: i32, act: i32, slope: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (bias) {
      for (; i + 4 <= len; i += 4) {
        const o = <usize>i << 2;
        v128.store(dst + o, actFwd4(f32x4.add(v128.load(src + o), v128.load(bias + o)), act, slope));
      }
    } else {
      for (; i + 4 <= len; i += 4) {
        const o = <usize>i << 2;
        v128.store(dst + o, actFwd4(v128.load(src + o), act, slope));
      }
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    let v = load<f32>(src + o);
    if (bias) v += load<f32>(bias + o);
    store<f32>(dst + o, actFwd1(v, act, slope));
  }
}

/** dst[i] = f(src[i] + bias[i]) for i < len (no bias when bias == 0); dst may equal src. */
export function actRow(dst: usize, src: usize, bias: usize, len: i32, act: i32, slope: f32): void {
  // one specialised loop per activation (act is a constant after inlining)
  switch (act) {
    case 1: fwdLoop(dst, src, bias, len, 1, slope); break;
    case 2: fwdLoop(dst, src, bias, len, 2, slope); break;
    case 3: fwdLoop(dst, src, bias, len, 3, slope); break;
    case 4: fwdLoop(dst, src, bias, len, 4, slope); break;
    default: fwdLoop(dst, src, bias, len, 0, slope);
  }
}

@inline function bwdLoop(dz: usize, dy: usize, y: usize, len: i32, act: i32, slope: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      v128.store(dz + o, actBwd4(v128.load(dy + o), v128.load(y + o), act, slope));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(dz + o, actBwd1(load<f32>(dy + o), load<f32>(y + o), act, slope));
  }
}

/** dz[i] = dy[i]·f′ through y[i]; dz may equal dy. */
export function actBackRow(dz: usize, dy: usize, y: usize, len: i32, act: i32, slope: f32): void {
  switch (act) {
    case 1: bwdLoop(dz, dy, y, len, 1, slope); break;
    case 2: bwdLoop(dz, dy, y, len, 2, slope); break;
    case 3: bwdLoop(dz, dy, y, len, 3, slope); break;
    case 4: bwdLoop(dz, dy, y, len, 4, slope); break;
    default: bwdLoop(dz, dy, y, len, 0, slope);
  }
}

/** dst[i] = src[i] for i < len (f32 values, copied bit for bit; the rows must not overlap). */
@inline export function copyRow(dst: usize, src: usize, len: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= len; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, v128.load(src + o));
    }
  }
  for (; j < len; j++) {
    const o = <usize>j << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** Operation codes of zipRow and scaleRow. */
export const OP_ADD = 0;
export const OP_MUL = 1;
export const OP_DIV = 2;

/**
 * out[i] = a[i] + b[i] (op OP_ADD) or a[i]·b[i] (op OP_MUL) for i < len; out may equal a or
 * b. Pass op as a constant: the choice folds away after inlining.
 */
@inline export function zipRow(out: usize, a: usize, b: usize, len: i32, op: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const va = v128.load(a + o), vb = v128.load(b + o);
      v128.store(out + o, op == OP_MUL ? f32x4.mul(va, vb) : f32x4.add(va, vb));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(a + o), y = load<f32>(b + o);
    store<f32>(out + o, op == OP_MUL ? x * y : x + y);
  }
}

/**
 * x[i] = x[i]·s (op OP_MUL) or x[i]/s (op OP_DIV) for i < len, in place. Pass op as a
 * constant: the choice folds away after inlining.
 */
@inline export function scaleRow(x: usize, len: i32, s: f32, op: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      v128.store(x + o, op == OP_DIV ? f32x4.div(v, vs) : f32x4.mul(v, vs));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(x + o, op == OP_DIV ? v / s : v * s);
  }
}

// ---------------------------------------------------------------- f64 lane sums of f32 values
// A sum of f32 values (or of their squares) is kept in f64 over four lane accumulators (lane j
// takes the elements i ≡ j mod 4 of the 4-wide part), combined as (a0 + a2) + (a1 + a3), then
// the remainder added in order. f32x4 code holds acc01 = [a0, a1] and acc23 = [a2, a3] and
// feeds them lo64(v) and hi64(v); scalar code holds a0…a3 and combines them with lanes1.

/** f32 lanes 0, 1 of v, as f64x2. */
@inline export function lo64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** f32 lanes 2, 3 of v, as f64x2. */
@inline export function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** acc + x·x (f64x2). */
@inline export function addSq2(acc: v128, x: v128): v128 {
  return f64x2.add(acc, f64x2.mul(x, x));
}

/** (a0 + a2) + (a1 + a3) of acc01 = [a0, a1], acc23 = [a2, a3]. */
@inline export function lanes4(acc01: v128, acc23: v128): f64 {
  const s = f64x2.add(acc01, acc23);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Scalar twin of lanes4. */
@inline export function lanes1(a0: f64, a1: f64, a2: f64, a3: f64): f64 {
  return (a0 + a2) + (a1 + a3);
}

// ---------------------------------------------------------------- softmax rows

/** Maximum of c values (NaN if any is NaN). */
export function rowMax(z: usize, c: i32): f32 {
  let m: f32 = -Infinity;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if (c >= 4) {
      let vm = v128.load(z);
      for (j = 4; j + 4 <= c; j += 4) vm = f32x4.max(vm, v128.load(z + (<usize>j << 2)));
      m = max<f32>(max<f32>(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), max<f32>(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
    }
  }
  for (; j < c; j++) m = max<f32>(m, load<f32>(z + (<usize>j << 2)));
  return m;
}

/**
 * out[j] = exp(z[j] − m) for j < c; returns their sum in f32: four lane sums combined as
 * (s0 + s2) + (s1 + s3), then the tail in order (the scalar build keeps the four lanes).
 */
export function rowExpSum(out: usize, z: usize, c: i32, m: f32): f32 {
  let j = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    let acc = f32x4.splat(0);
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const e = expNeg4(f32x4.sub(v128.load(z + o), vm));
      v128.store(out + o, e);
      acc = f32x4.add(acc, e);
    }
    const h = f32x4.add(acc, v128.shuffle<f32>(acc, acc, 2, 3, 0, 1));
    s = f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const e0 = expNeg1(load<f32>(z + o) - m);
      const e1 = expNeg1(load<f32>(z + o, 4) - m);
      const e2 = expNeg1(load<f32>(z + o, 8) - m);
      const e3 = expNeg1(load<f32>(z + o, 12) - m);
      store<f32>(out + o, e0);
      store<f32>(out + o, e1, 4);
      store<f32>(out + o, e2, 8);
      store<f32>(out + o, e3, 12);
      s0 += e0; s1 += e1; s2 += e2; s3 += e3;
    }
    s = (s0 + s2) + (s1 + s3);
  }
  for (; j < c; j++) {
    const o = <usize>j << 2;
    const e = expNeg1(load<f32>(z + o) - m);
    store<f32>(out + o, e);
    s += e;
  }
  return s;
}
