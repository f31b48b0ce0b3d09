// What a classifier or a discriminator reads off its outputs, f32: class probabilities
// (row-wise softmax), the predicted class (row-wise argmax) and how many logits are above a
// threshold. Rows are contiguous (row stride = c elements). The softmax shares its row
// maximum and exponentials (rowMax, rowExpSum in nn_loops.ts) with softmax_xent_f32 (loss.ts).
import { OP_DIV, rowExpSum, rowMax, scaleRow } from './nn_loops';

/** out (n×c) = row-wise softmax of z (out may equal z). */
export function softmax_f32(out: usize, z: usize, n: i32, c: i32): void {
  const rowBytes = <usize>c << 2;
  let zr = z, orow = out;
  for (let i = 0; i < n; i++) {
    const m = rowMax(zr, c);
    const s = rowExpSum(orow, zr, c, m);
    scaleRow(orow, c, s, OP_DIV);
    zr += rowBytes;
    orow += rowBytes;
  }
}

/** out (n int32) = index of each row's maximum (the first on ties). */
export function argmax_rows_f32(out: usize, x: usize, n: i32, c: i32): void {
  const rowBytes = <usize>c << 2;
  let r = x;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = load<f32>(r);
    for (let j = 1; j < c; j++) {
      const v = load<f32>(r + (<usize>j << 2));
      if (v > bv) { bv = v; best = j; }
    }
    store<i32>(out + (<usize>i << 2), best);
    r += rowBytes;
  }
}

/** How many of the len values are above t (a discriminator's accuracy from its logits). */
export function count_above_f32(x: usize, len: i32, t: f32): i32 {
  let c = 0;
  for (let i = 0; i < len; i++) if (load<f32>(x + (<usize>i << 2)) > t) c++;
  return c;
}
