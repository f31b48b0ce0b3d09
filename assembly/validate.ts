// Input checks the TypeScript edge runs on data already in wasm memory.

/** Index of the first non-finite value among len f32 values at x, or −1. */
export function first_nonfinite_f32(x: usize, len: i32): i32 {
  for (let i = 0; i < len; i++) {
    if (!isFinite<f32>(load<f32>(x + (<usize>i << 2)))) return i;
  }
  return -1;
}
