// Optimisers over one flat, contiguous f32 parameter buffer, f32x4 SIMD with a scalar
// remainder (the scalar build runs the remainder loop over all elements: the per-element
// operations are the same, so results are identical).
// Hyperparameters arrive as f64; the derived per-step constants (bias corrections via
// Math.pow) are computed in f64 inside wasm and rounded to f32 once. Over the thread pool
// (pool.ts) a long buffer is split in whole SIMD blocks; elementwise, so any split gives the
// same bits.
import { defaultScratch } from './gemm/driver';
import { argF, argI, argU, flatShare, offsetOrNull, parallel, serialElems, setF, setU, shareLen } from './pool';

/**
 * SGD with momentum (PyTorch semantics, dampening 0):
 * g′ = g + wd·p; vel = momentum·vel + g′; p −= lr·(nesterov ? g′ + momentum·vel : vel).
 * With vel == 0 (no momentum buffer) the update is p −= lr·g′.
 */
export function sgd_f32(p: usize, g: usize, vel: usize, len: i32, lr: f64, momentum: f64, weightDecay: f64, nesterov: i32): void {
  if (!ASC_FEATURE_THREADS || serialElems(<f64>len)) {
    sgdRange(p, g, vel, len, lr, momentum, weightDecay, nesterov);
    return;
  }
  setU(0, p); setU(1, g); setU(2, vel); setU(3, <usize>len);
  setF(4, lr); setF(5, momentum); setF(6, weightDecay); setU(7, <usize>nesterov);
  parallel(sgdShare, defaultScratch());
}

function sgdShare(tid: i32, nt: i32, scratch: usize): void {
  const o = flatShare(3, tid, nt);
  if (shareLen > 0) sgdRange(argU(0) + o, argU(1) + o, offsetOrNull(argU(2), o), shareLen, argF(4), argF(5), argF(6), argI(7));
}

/** sgd_f32 on this thread (elementwise: any split of [0, len) gives the same bits). */
function sgdRange(p: usize, g: usize, vel: usize, len: i32, lr: f64, momentum: f64, weightDecay: f64, nesterov: i32): void {
  const lr32 = <f32>lr, mu = <f32>momentum, wd = <f32>weightDecay;
  let i = 0;
  if (vel == 0) {
    if (ASC_FEATURE_SIMD) {
      const vlr = f32x4.splat(lr32), vwd = f32x4.splat(wd);
      for (; i + 4 <= len; i += 4) {
        const o = <usize>i << 2;
        const vp = v128.load(p + o);
        const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, vp));
        v128.store(p + o, f32x4.sub(vp, f32x4.mul(vlr, gi)));
      }
    }
    for (; i < len; i++) {
      const o = <usize>i << 2;
      const pi = load<f32>(p + o);
      const gi = load<f32>(g + o) + wd * pi;
      store<f32>(p + o, pi - lr32 * gi);
    }
    return;
  }
  const nest = nesterov != 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr32), vwd = f32x4.splat(wd), vmu = f32x4.splat(mu);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const vp = v128.load(p + o);
      const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, vp));
      const vv = f32x4.add(f32x4.mul(vmu, v128.load(vel + o)), gi);
      v128.store(vel + o, vv);
      const step = nest ? f32x4.add(gi, f32x4.mul(vmu, vv)) : vv;
      v128.store(p + o, f32x4.sub(vp, f32x4.mul(vlr, step)));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    const gi = load<f32>(g + o) + wd * pi;
    const vv = mu * load<f32>(vel + o) + gi;
    store<f32>(vel + o, vv);
    const step = nest ? gi + mu * vv : vv;
    store<f32>(p + o, pi - lr32 * step);
  }
}

/**
 * Adam (decoupled = 0: g′ = g + wd·p) or AdamW (decoupled = 1: p ← p·(1 − lr·wd) first),
 * PyTorch formulas: m = β1·m + (1 − β1)·g′; v = β2·v + (1 − β2)·g′²;
 * p −= (lr / (1 − β1^step)) · m / (sqrt(v) / sqrt(1 − β2^step) + eps). step ≥ 1.
 */
export function adam_f32(p: usize, g: usize, m: usize, v: usize, len: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, decoupled: i32, step: f64): void {
  if (!ASC_FEATURE_THREADS || serialElems(<f64>len)) {
    adamRange(p, g, m, v, len, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    return;
  }
  setU(0, p); setU(1, g); setU(2, m); setU(3, v); setU(4, <usize>len);
  setF(5, lr); setF(6, beta1); setF(7, beta2); setF(8, eps); setF(9, weightDecay); setU(10, <usize>decoupled); setF(11, step);
  parallel(adamShare, defaultScratch());
}

function adamShare(tid: i32, nt: i32, scratch: usize): void {
  const o = flatShare(4, tid, nt);
  if (shareLen > 0) adamRange(argU(0) + o, argU(1) + o, argU(2) + o, argU(3) + o, shareLen, argF(5), argF(6), argF(7), argF(8), argF(9), argI(10), argF(11));
}

/** adam_f32 on this thread (elementwise: any split of [0, len) gives the same bits). */
function adamRange(p: usize, g: usize, m: usize, v: usize, len: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, decoupled: i32, step: f64): void {
  const t = step < 1 ? 1.0 : step;
  const bc1 = 1.0 - Math.pow(beta1, t);
  const bc2 = 1.0 - Math.pow(beta2, t);
  const stepSize = <f32>(lr / bc1);
  const bc2Sqrt = <f32>Math.sqrt(bc2);
  const b1 = <f32>beta1, ob1 = <f32>(1.0 - beta1);
  const b2 = <f32>beta2, ob2 = <f32>(1.0 - beta2);
  const e = <f32>eps;
  const dec = decoupled != 0;
  const wd = dec ? <f32>0 : <f32>weightDecay;              // L2 term added to g
  const decay = dec ? <f32>(1.0 - lr * weightDecay) : <f32>1; // AdamW shrink
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
    const vb1 = f32x4.splat(b1), vob1 = f32x4.splat(ob1), vb2 = f32x4.splat(b2), vob2 = f32x4.splat(ob2);
    const vss = f32x4.splat(stepSize), vbc2 = f32x4.splat(bc2Sqrt), veps = f32x4.splat(e);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      let vp = v128.load(p + o);
      const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, vp));
      vp = f32x4.mul(vp, vdecay);
      const vm = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vob1, gi));
      const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vob2, gi), gi));
      v128.store(m + o, vm);
      v128.store(v + o, vv);
      const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
      v128.store(p + o, f32x4.sub(vp, f32x4.mul(vss, f32x4.div(vm, denom))));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    let pi = load<f32>(p + o);
    const gi = load<f32>(g + o) + wd * pi;
    pi = pi * decay;
    const mi = b1 * load<f32>(m + o) + ob1 * gi;
    const vi = b2 * load<f32>(v + o) + (ob2 * gi) * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const denom = sqrt<f32>(vi) / bc2Sqrt + e;
    store<f32>(p + o, pi - stepSize * (mi / denom));
  }
}

/**
 * Exponential moving average of a parameter buffer: avg ← decay·avg + (1 − decay)·p, each
 * value computed in f64 from the two f32s and rounded to f32 once (the arithmetic of a JS
 * loop over the Float32Arrays, bit for bit). SIMD: two values at a time in f64x2 lanes.
 */
export function ema_f32(avg: usize, p: usize, len: i32, decay: f64): void {
  if (!ASC_FEATURE_THREADS || serialElems(<f64>len)) {
    emaRange(avg, p, len, decay);
    return;
  }
  setU(0, avg); setU(1, p); setU(2, <usize>len); setF(3, decay);
  parallel(emaShare, defaultScratch());
}

function emaShare(tid: i32, nt: i32, scratch: usize): void {
  const o = flatShare(2, tid, nt);
  if (shareLen > 0) emaRange(argU(0) + o, argU(1) + o, shareLen, argF(3));
}

/** ema_f32 on this thread (elementwise: any split gives the same bits). */
function emaRange(avg: usize, p: usize, len: i32, decay: f64): void {
  const r = 1 - decay;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vd = f64x2.splat(decay), vr = f64x2.splat(r);
    for (; i + 2 <= len; i += 2) {
      const o = <usize>i << 2;
      const a = f64x2.promote_low_f32x4(v128.load64_zero(avg + o));
      const q = f64x2.promote_low_f32x4(v128.load64_zero(p + o));
      v128.store64_lane(avg + o, f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vd, a), f64x2.mul(vr, q))), 0);
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(avg + o, <f32>(decay * <f64>load<f32>(avg + o) + r * <f64>load<f32>(p + o)));
  }
}
