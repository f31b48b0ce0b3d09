// Shared f64 vector helpers for the linear-algebra kernels. Each has an f64x2 branch and a
// scalar branch (chosen at compile time by ASC_FEATURE_SIMD, so the scalar build contains no
// v128). The scalar branches keep the SIMD operation order, lane by lane (a 2-lane
// accumulator becomes two scalars), so all builds agree to the last bit where the SIMD
// kernel is elementwise and to rounding elsewhere.
// Pointers are byte addresses, lengths in elements; unaligned addresses are fine.

// @ts-ignore: decorator
@inline export function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function stf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** Σ x[j]·y[j]: two f64x2 accumulators over blocks of 4 (scalar: 4 lanes), then the tail. */
// @ts-ignore: decorator
@inline export function dot(x: usize, y: usize, len: i32): f64 {
  let j = 0, s = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
    for (; j + 4 <= len; j += 4) {
      const o = <usize>j << 3;
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
    acc0 = f64x2.add(acc0, acc1);
    s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  } else {
    let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (; j + 4 <= len; j += 4) {
      const px = x + (<usize>j << 3), py = y + (<usize>j << 3);
      s0 += load<f64>(px) * load<f64>(py);
      s1 += load<f64>(px, 8) * load<f64>(py, 8);
      s2 += load<f64>(px, 16) * load<f64>(py, 16);
      s3 += load<f64>(px, 24) * load<f64>(py, 24);
    }
    s = (s0 + s2) + (s1 + s3);
  }
  for (; j < len; j++) s += ldf(x, j) * ldf(y, j);
  return s;
}

/** y[0:len] += alpha·x[0:len] */
// @ts-ignore: decorator
@inline export function axpy(y: usize, alpha: f64, x: usize, len: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(alpha);
    for (; j + 4 <= len; j += 4) {
      const o = <usize>j << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(a, v128.load(x + o))));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(a, v128.load(x + o, 16))), 16);
    }
  }
  for (; j < len; j++) stf(y, j, ldf(y, j) + alpha * ldf(x, j));
}

/** x[0:len] *= alpha */
// @ts-ignore: decorator
@inline export function scal(x: usize, alpha: f64, len: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(alpha);
    for (; j + 2 <= len; j += 2) {
      const o = <usize>j << 3;
      v128.store(x + o, f64x2.mul(v128.load(x + o), av));
    }
  }
  for (; j < len; j++) stf(x, j, ldf(x, j) * alpha);
}

/** x[0:len] −= (vr·w + wr·v)[0:len] (one row of a symmetric rank-2 update) */
// @ts-ignore: decorator
@inline export function rank2row(x: usize, v: usize, w: usize, vr: f64, wr: f64, len: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(vr), b = f64x2.splat(wr);
    for (; j + 2 <= len; j += 2) {
      const o = <usize>j << 3;
      v128.store(x + o, f64x2.sub(v128.load(x + o), f64x2.add(f64x2.mul(a, v128.load(w + o)), f64x2.mul(b, v128.load(v + o)))));
    }
  }
  for (; j < len; j++) stf(x, j, ldf(x, j) - (vr * ldf(w, j) + wr * ldf(v, j)));
}

/**
 * A chain of plane rotations on consecutive rows, 8 columns (one cache line) wide, with the
 * shared row carried in registers. Rows p, p + step, …, p + cnt·step (step in bytes, may be
 * negative); rotation t uses c = [cp + t·cstep], s = ±[sp + t·cstep] (− when `neg`). With u the
 * carried row (initially row p) and a the next row: row(u) ← c·u + s·a, then u ← c·a − s·u;
 * the last u is stored at the last row.
 */
// @ts-ignore: decorator
@inline export function rotChain8(p: usize, step: isize, cnt: i32, cp: usize, sp: usize, cstep: isize, neg: bool): void {
  if (ASC_FEATURE_SIMD) {
    let x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
    for (let t = 0; t < cnt; t++) {
      const q = p + step;
      const c = f64x2.splat(load<f64>(cp));
      const s = f64x2.splat(neg ? -load<f64>(sp) : load<f64>(sp));
      cp += cstep; sp += cstep;
      const a0 = v128.load(q), a1 = v128.load(q, 16), a2 = v128.load(q, 32), a3 = v128.load(q, 48);
      v128.store(p, f64x2.add(f64x2.mul(c, x0), f64x2.mul(s, a0)));
      v128.store(p, f64x2.add(f64x2.mul(c, x1), f64x2.mul(s, a1)), 16);
      v128.store(p, f64x2.add(f64x2.mul(c, x2), f64x2.mul(s, a2)), 32);
      v128.store(p, f64x2.add(f64x2.mul(c, x3), f64x2.mul(s, a3)), 48);
      x0 = f64x2.sub(f64x2.mul(c, a0), f64x2.mul(s, x0));
      x1 = f64x2.sub(f64x2.mul(c, a1), f64x2.mul(s, x1));
      x2 = f64x2.sub(f64x2.mul(c, a2), f64x2.mul(s, x2));
      x3 = f64x2.sub(f64x2.mul(c, a3), f64x2.mul(s, x3));
      p = q;
    }
    v128.store(p, x0); v128.store(p, x1, 16); v128.store(p, x2, 32); v128.store(p, x3, 48);
  } else {
    let x0 = load<f64>(p), x1 = load<f64>(p, 8), x2 = load<f64>(p, 16), x3 = load<f64>(p, 24);
    let x4 = load<f64>(p, 32), x5 = load<f64>(p, 40), x6 = load<f64>(p, 48), x7 = load<f64>(p, 56);
    for (let t = 0; t < cnt; t++) {
      const q = p + step;
      const c = load<f64>(cp);
      const s = neg ? -load<f64>(sp) : load<f64>(sp);
      cp += cstep; sp += cstep;
      let a = load<f64>(q);     store<f64>(p, c * x0 + s * a);     x0 = c * a - s * x0;
      a = load<f64>(q, 8);      store<f64>(p, c * x1 + s * a, 8);  x1 = c * a - s * x1;
      a = load<f64>(q, 16);     store<f64>(p, c * x2 + s * a, 16); x2 = c * a - s * x2;
      a = load<f64>(q, 24);     store<f64>(p, c * x3 + s * a, 24); x3 = c * a - s * x3;
      a = load<f64>(q, 32);     store<f64>(p, c * x4 + s * a, 32); x4 = c * a - s * x4;
      a = load<f64>(q, 40);     store<f64>(p, c * x5 + s * a, 40); x5 = c * a - s * x5;
      a = load<f64>(q, 48);     store<f64>(p, c * x6 + s * a, 48); x6 = c * a - s * x6;
      a = load<f64>(q, 56);     store<f64>(p, c * x7 + s * a, 56); x7 = c * a - s * x7;
      p = q;
    }
    store<f64>(p, x0); store<f64>(p, x1, 8); store<f64>(p, x2, 16); store<f64>(p, x3, 24);
    store<f64>(p, x4, 32); store<f64>(p, x5, 40); store<f64>(p, x6, 48); store<f64>(p, x7, 56);
  }
}
