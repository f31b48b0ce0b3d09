// The packing both element types share (f32.ts and f64.ts keep only their vector paths):
// the general-stride / partial-panel / scalar-build copy.

/**
 * Copies `rows` (≤ w) rows × kc of a strided source into one panel at dst (kc × w, p-major),
 * element (r, p) at src + r·rsb + p·psb (byte strides); rows beyond `rows` are zero-filled.
 */
@inline
export function packStrided<T>(dst: usize, src: usize, rows: i32, kc: i32, rsb: usize, psb: usize, w: i32): void {
  const wb = <usize>w * sizeof<T>();
  let s = src;
  for (let p = 0; p < kc; p++) {
    let r = 0;
    let q = s;
    for (; r < rows; r++) {
      store<T>(dst + <usize>r * sizeof<T>(), load<T>(q));
      q += rsb;
    }
    for (; r < w; r++) store<T>(dst + <usize>r * sizeof<T>(), <T>0);
    s += psb;
    dst += wb;
  }
}
