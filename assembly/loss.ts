// Losses, f32 with f32x4 SIMD. Each returns the mean loss as f64 and writes the gradient of
// that mean with respect to the prediction (f32). Per-element loss terms are summed in f64
// over four lane accumulators, combined as (a0 + a2) + (a1 + a3), then the remainder in
// order; the scalar build emulates the same lanes, so all builds return identical sums.
import { expNeg1, expNeg4, log1p01_1, log1p01_4 } from './nn_math';
import { addSq2, hi64, lanes1, lanes4, lo64, rowExpSum, rowMax } from './nn_loops';
import { scale_f32 } from './vector';

/** Squared error of one element (f64); writes its gradient k·(yhat − y). */
@inline function mse1(grad: usize, yhat: usize, y: usize, k: f32): f64 {
  const d = load<f32>(yhat) - load<f32>(y);
  store<f32>(grad, d * k);
  return <f64>d * <f64>d;
}

/** loss = mean((yhat − y)²); grad = 2(yhat − y)/len. */
export function mse_f32(grad: usize, yhat: usize, y: usize, len: i32): f64 {
  if (len <= 0) return 0;
  const k = <f32>(2.0 / <f64>len);
  let i = 0;
  let total = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc01 = f64x2.splat(0), acc23 = f64x2.splat(0);
    const vk = f32x4.splat(k);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const d = f32x4.sub(v128.load(yhat + o), v128.load(y + o));
      v128.store(grad + o, f32x4.mul(d, vk));
      acc01 = addSq2(acc01, lo64(d));
      acc23 = addSq2(acc23, hi64(d));
    }
    total = lanes4(acc01, acc23);
  } else {
    let a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      a0 += mse1(grad + o, yhat + o, y + o, k);
      a1 += mse1(grad + o + 4, yhat + o + 4, y + o + 4, k);
      a2 += mse1(grad + o + 8, yhat + o + 8, y + o + 8, k);
      a3 += mse1(grad + o + 12, yhat + o + 12, y + o + 12, k);
    }
    total = lanes1(a0, a1, a2, a3);
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    total += mse1(grad + o, yhat + o, y + o, k);
  }
  return total / <f64>len;
}

/** Stable binary cross-entropy on logits: one element's loss, writes its gradient. */
@inline function bce1(grad: usize, z: f32, t: f32, k: f32): f32 {
  const e = expNeg1(-abs<f32>(z));
  const sig = (z >= 0 ? <f32>1.0 : e) / (<f32>1.0 + e);
  store<f32>(grad, (sig - t) * k);
  return (max<f32>(z, 0) - z * t) + log1p01_1(e);
}

/** loss = mean(max(z,0) − z·t + log(1 + e^−|z|)); grad = (σ(z) − t)/len. */
export function bce_logits_f32(grad: usize, z: usize, t: usize, len: i32): f64 {
  if (len <= 0) return 0;
  const k = <f32>(1.0 / <f64>len);
  let i = 0;
  let total = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc01 = f64x2.splat(0), acc23 = f64x2.splat(0);
    const vk = f32x4.splat(k);
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1.0);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const vz = v128.load(z + o);
      const vt = v128.load(t + o);
      const e = expNeg4(f32x4.neg(f32x4.abs(vz)));
      const sig = f32x4.div(v128.bitselect(one, e, f32x4.ge(vz, zero)), f32x4.add(one, e));
      v128.store(grad + o, f32x4.mul(f32x4.sub(sig, vt), vk));
      const l = f32x4.add(f32x4.sub(f32x4.max(vz, zero), f32x4.mul(vz, vt)), log1p01_4(e));
      acc01 = f64x2.add(acc01, lo64(l));
      acc23 = f64x2.add(acc23, hi64(l));
    }
    total = lanes4(acc01, acc23);
  } else {
    let a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      a0 += <f64>bce1(grad + o, load<f32>(z + o), load<f32>(t + o), k);
      a1 += <f64>bce1(grad + o + 4, load<f32>(z + o, 4), load<f32>(t + o, 4), k);
      a2 += <f64>bce1(grad + o + 8, load<f32>(z + o, 8), load<f32>(t + o, 8), k);
      a3 += <f64>bce1(grad + o + 12, load<f32>(z + o, 12), load<f32>(t + o, 12), k);
    }
    total = lanes1(a0, a1, a2, a3);
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    total += <f64>bce1(grad + o, load<f32>(z + o), load<f32>(t + o), k);
  }
  return total / <f64>len;
}

/**
 * z n×c logits, labels n int32 class ids: loss = mean over rows of −log softmax(z)[label]
 * (log-sum-exp with the row maximum subtracted); grad = (softmax − onehot)/n.
 * A label outside 0..c−1 makes the loss NaN and gets no one-hot term.
 */
export function softmax_xent_f32(grad: usize, z: usize, labels: usize, n: i32, c: i32): f64 {
  if (n <= 0 || c <= 0) return 0;
  const invN = 1.0 / <f64>n;
  const rowBytes = <usize>c << 2;
  let total = 0.0;
  let zr = z, gr = grad;
  for (let i = 0; i < n; i++) {
    const label = load<i32>(labels + (<usize>i << 2));
    const ok = label >= 0 && label < c;
    const o = <usize>(ok ? label : <i32>0) << 2;
    const zl = ok ? load<f32>(zr + o) : <f32>NaN; // read before grad (which may alias z) is written
    const m = rowMax(zr, c);
    const s = rowExpSum(gr, zr, c, m);
    scale_f32(gr, c, <f32>(invN / <f64>s));
    total += Math.log(<f64>s) - (<f64>zl - <f64>m);
    if (ok) store<f32>(gr + o, load<f32>(gr + o) - <f32>invN);
    zr += rowBytes;
    gr += rowBytes;
  }
  return total * invN;
}

/**
 * Masked squared error of one modality: rows i whose gate[i·ldg] is 0 are absent and count
 * for nothing. With c = (present rows)·d, returns Σ(yhat − y)²/c over present rows (0 when
 * c = 0) and, when grad ≠ 0, writes grad = w·2(yhat − y)/c on present rows and 0 on absent
 * ones. yhat, y, grad: n×d contiguous. Sums run in f64 in element order (no SIMD), so every
 * build gives the same bits.
 */
export function masked_mse_f32(grad: usize, yhat: usize, y: usize, gate: usize, n: i32, d: i32, ldg: i32, w: f64): f64 {
  let rows = 0;
  for (let i = 0; i < n; i++) if (load<f32>(gate + (<usize>i * <usize>ldg << 2)) != 0) rows++;
  const c = <f64>rows * <f64>d;
  const k = c > 0 ? <f32>(2.0 * w / c) : <f32>0;
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const on = load<f32>(gate + (<usize>i * <usize>ldg << 2)) != 0;
    const base = <usize>i * <usize>d << 2;
    for (let j = 0; j < d; j++) {
      const o = base + (<usize>j << 2);
      if (on) {
        const e = load<f32>(yhat + o) - load<f32>(y + o);
        total += <f64>e * <f64>e;
        if (grad) store<f32>(grad + o, e * k);
      } else if (grad) store<f32>(grad + o, 0);
    }
  }
  return c > 0 ? total / c : 0;
}
