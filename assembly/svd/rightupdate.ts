// The right (row-side) Householder update of the bidiagonalisation on the column-major
// trailing block: y = C·g accumulated four columns at a time, then C ← C − τ·y·gᵀ.
// The scalar build runs the elementwise tails over the whole length (same operation order).

/**
 * Columns j in [j0, j1) (storage rows, stride ldb bytes), entries [r0, r0 + len):
 * C ← C − τ·(C·g)·gᵀ, with g[j − j0] the reflector (g contiguous) and y (len values) scratch.
 */
export function rightUpdate(w: usize, ldb: usize, j0: i32, j1: i32, r0: i32, len: i32, g: usize, tau: f64, y: usize): void {
  const off = <usize>r0 << 3;
  const len2 = len & ~1;
  const i0 = ASC_FEATURE_SIMD ? len2 : 0; // start of the scalar part
  for (let i = 0; i < len; i++) store<f64>(y + (<usize>i << 3), 0);
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const gi = g + (<usize>(j - j0) << 3);
    const g0 = load<f64>(gi), g1 = load<f64>(gi, 8), g2 = load<f64>(gi, 16), g3 = load<f64>(gi, 24);
    const c0 = w + <usize>j * ldb + off, c1 = c0 + ldb, c2 = c1 + ldb, c3 = c2 + ldb;
    if (ASC_FEATURE_SIMD) {
      const v0 = f64x2.splat(g0), v1 = f64x2.splat(g1), v2 = f64x2.splat(g2), v3 = f64x2.splat(g3);
      for (let i = 0; i < len2; i += 2) {
        const o = <usize>i << 3;
        let acc = f64x2.add(v128.load(y + o), f64x2.mul(v0, v128.load(c0 + o)));
        acc = f64x2.add(acc, f64x2.mul(v1, v128.load(c1 + o)));
        acc = f64x2.add(acc, f64x2.mul(v2, v128.load(c2 + o)));
        acc = f64x2.add(acc, f64x2.mul(v3, v128.load(c3 + o)));
        v128.store(y + o, acc);
      }
    }
    for (let i = i0; i < len; i++) {
      const o = <usize>i << 3;
      store<f64>(y + o, load<f64>(y + o) + g0 * load<f64>(c0 + o) + g1 * load<f64>(c1 + o) + g2 * load<f64>(c2 + o) + g3 * load<f64>(c3 + o));
    }
  }
  for (; j < j1; j++) {
    const g0 = load<f64>(g + (<usize>(j - j0) << 3));
    const c0 = w + <usize>j * ldb + off;
    if (ASC_FEATURE_SIMD) {
      const v0 = f64x2.splat(g0);
      for (let i = 0; i < len2; i += 2) {
        const o = <usize>i << 3;
        v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(v0, v128.load(c0 + o))));
      }
    }
    for (let i = i0; i < len; i++) {
      const o = <usize>i << 3;
      store<f64>(y + o, load<f64>(y + o) + g0 * load<f64>(c0 + o));
    }
  }
  j = j0;
  for (; j + 2 <= j1; j += 2) {
    const gi = g + (<usize>(j - j0) << 3);
    const t0 = -tau * load<f64>(gi), t1 = -tau * load<f64>(gi, 8);
    const c0 = w + <usize>j * ldb + off, c1 = c0 + ldb;
    if (ASC_FEATURE_SIMD) {
      const b0 = f64x2.splat(t0), b1 = f64x2.splat(t1);
      for (let i = 0; i < len2; i += 2) {
        const o = <usize>i << 3;
        const yy = v128.load(y + o);
        v128.store(c0 + o, f64x2.add(v128.load(c0 + o), f64x2.mul(b0, yy)));
        v128.store(c1 + o, f64x2.add(v128.load(c1 + o), f64x2.mul(b1, yy)));
      }
    }
    for (let i = i0; i < len; i++) {
      const o = <usize>i << 3;
      const ys = load<f64>(y + o);
      store<f64>(c0 + o, load<f64>(c0 + o) + t0 * ys);
      store<f64>(c1 + o, load<f64>(c1 + o) + t1 * ys);
    }
  }
  if (j < j1) {
    const t0 = -tau * load<f64>(g + (<usize>(j - j0) << 3));
    const c0 = w + <usize>j * ldb + off;
    if (ASC_FEATURE_SIMD) {
      const b0 = f64x2.splat(t0);
      for (let i = 0; i < len2; i += 2) {
        const o = <usize>i << 3;
        v128.store(c0 + o, f64x2.add(v128.load(c0 + o), f64x2.mul(b0, v128.load(y + o))));
      }
    }
    for (let i = i0; i < len; i++) {
      const o = <usize>i << 3;
      store<f64>(c0 + o, load<f64>(c0 + o) + t0 * load<f64>(y + o));
    }
  }
}
