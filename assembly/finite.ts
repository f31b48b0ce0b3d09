// Input checks the TypeScript edge runs on data already in wasm memory: the index of the
// first NaN or ±Inf among f32 or f64 values (−1: all finite). The SIMD builds sum x − x
// (0 for finite x, NaN otherwise) over blocks of 64 values and rescan only a block whose sum
// is NaN, so the answer is the first one in every build.

/** Index of the first non-finite value among len f32 values at x, or −1. */
export function first_nonfinite_f32(x: usize, len: i32): i32 {
  let start = 0;
  if (ASC_FEATURE_SIMD) {
    // x − x is 0 for finite x and NaN otherwise; rescan only a block of 64 whose sum is NaN
    const blocks = len & ~63;
    for (; start < blocks; start += 64) {
      let acc = f32x4.splat(0);
      for (let i = start; i < start + 64; i += 4) {
        const v = v128.load(x + (<usize>i << 2));
        acc = f32x4.add(acc, f32x4.sub(v, v));
      }
      if (!i32x4.all_true(f32x4.eq(acc, acc))) break;
    }
  }
  for (let i = start; i < len; i++) {
    if (!isFinite<f32>(load<f32>(x + (<usize>i << 2)))) return i;
  }
  return -1;
}

/** Index of the first non-finite value among len values at x, or −1. */
export function first_nonfinite_f64(x: usize, len: i32): i32 {
  let start = 0;
  if (ASC_FEATURE_SIMD) {
    // x − x is 0 for finite x and NaN for ±Inf/NaN: sum it over blocks of 64 values and
    // only rescan a block whose sum is NaN
    const blocks = len & ~63;
    for (; start < blocks; start += 64) {
      let acc = f64x2.splat(0);
      for (let i = start; i < start + 64; i += 2) {
        const v = v128.load(x + (<usize>i << 3));
        acc = f64x2.add(acc, f64x2.sub(v, v));
      }
      const s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (s != s) break;
    }
  }
  for (let i = start; i < len; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    if (!isFinite<f64>(v)) return i;
  }
  return -1;
}
