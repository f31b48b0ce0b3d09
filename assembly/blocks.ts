// Glue for composing networks, f32 with f32x4 SIMD (scalar loops in the scalar build, same
// values): column blocks copied in and out of a wider matrix (concatenation, split, dX split
// back into its parts) and the sum of gradients that reach one output from several
// consumers. Every kernel OVERWRITES its output (none accumulates); sums are explicit
// (add_f32). Gathers are in rows.ts, f32 ↔ f64 conversions in convert.ts.
// Row-major, strides in elements: x is n×w with row stride ldx.
import { copyRow, zipRow, OP_ADD } from './nn_loops';

/**
 * out (n×w, stride ldo) = x (n×w, stride ldx), each row i scaled by gate[i·ldg] when
 * gate ≠ 0; a row whose gate is exactly 0 is written as zeros (so NaN or ±Inf in x never
 * leaks through a closed gate). Used both ways: x into a column block of a wider out
 * (concatenation, out pointing at the block's first column) and a column block of a wider x
 * into a narrow out (split). out and x must not overlap.
 */
export function copy_block_f32(out: usize, x: usize, gate: usize, n: i32, w: i32, ldo: i32, ldx: i32, ldg: i32): void {
  for (let i = 0; i < n; i++) {
    const dst = out + (<usize>(i * ldo) << 2);
    const src = x + (<usize>(i * ldx) << 2);
    let j = 0;
    if (gate) {
      const g = load<f32>(gate + (<usize>(i * ldg) << 2));
      if (g == 0) {
        fillRow(dst, 0, w);
        continue;
      }
      if (ASC_FEATURE_SIMD) {
        const vg = f32x4.splat(g);
        for (; j + 4 <= w; j += 4) {
          const o = <usize>j << 2;
          v128.store(dst + o, f32x4.mul(v128.load(src + o), vg));
        }
      }
      for (; j < w; j++) {
        const o = <usize>j << 2;
        store<f32>(dst + o, load<f32>(src + o) * g);
      }
      continue;
    }
    copyRow(dst, src, w);
  }
}

/** out (n×w, stride ldo) = v everywhere: a column block with no gradient (split) or a reset. */
export function fill_block_f32(out: usize, v: f32, n: i32, w: i32, ldo: i32): void {
  for (let i = 0; i < n; i++) fillRow(out + (<usize>(i * ldo) << 2), v, w);
}

/** dst[j] = v for j < w. */
@inline function fillRow(dst: usize, v: f32, w: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vv = f32x4.splat(v);
    for (; j + 4 <= w; j += 4) v128.store(dst + (<usize>j << 2), vv);
  }
  for (; j < w; j++) store<f32>(dst + (<usize>j << 2), v);
}

/** out = a + b over len values (out may equal a or b). */
export function add_f32(out: usize, a: usize, b: usize, len: i32): void {
  zipRow(out, a, b, len, OP_ADD);
}
