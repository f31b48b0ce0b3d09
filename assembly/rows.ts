// Gathers, f32 / f64 rows and 4-byte values picked by a u32 index vector (a batch drawn from a
// shuffled order, a permutation of rows for the permutation tests), and the identity index
// they start from. Every kernel OVERWRITES its output; out and the source must not overlap.
// Rows are contiguous (row stride = cols elements); f32 rows are copied with f32x4 (scalar
// loops in the scalar build: copies, so the same bits).
import { copyRow } from './nn_loops';

/** out[i, :] = x[idx[i], :] for i < n; rows of `cols` f32, contiguous. */
export function gather_rows_f32(out: usize, x: usize, idx: usize, n: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  let dst = out;
  for (let i = 0; i < n; i++) {
    copyRow(dst, x + <usize>load<u32>(idx + (<usize>i << 2)) * rowBytes, cols);
    dst += rowBytes;
  }
}

/** out[i, :] = x[idx[i], :] for i < n; rows of `cols` f64, contiguous (a permutation of rows for the permutation tests). */
export function gather_rows_f64(out: usize, x: usize, idx: usize, n: i32, cols: i32): void {
  const rowBytes = <usize>cols << 3;
  let dst = out;
  for (let i = 0; i < n; i++) {
    memory.copy(dst, x + <usize>load<u32>(idx + (<usize>i << 2)) * rowBytes, rowBytes);
    dst += rowBytes;
  }
}

/** out[i] = src[idx[i]] for i < n: 4-byte values (u32, i32 or f32 bits), idx u32. */
export function gather_u32(out: usize, src: usize, idx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const k = load<u32>(idx + (<usize>i << 2));
    store<u32>(out + (<usize>i << 2), load<u32>(src + (<usize>k << 2)));
  }
}

/** idx[i] = i for i < n (u32). */
export function iota_u32(idx: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(idx + (<usize>i << 2), <u32>i);
}
