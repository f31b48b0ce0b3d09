// Elementwise activations, f32 with f32x4 SIMD. act: 0 identity, 1 relu, 2 leaky_relu
// (negative slope `slope`), 3 sigmoid, 4 tanh. The transcendentals (nn_math.ts) are computed
// in wasm with a fixed operation sequence: bit-identical on every engine and in every build.
// Over the thread pool (pool.ts) a long pass is split in whole SIMD blocks; elementwise, so
// any split gives the same bits.
import { actRow, actBackRow } from './nn_loops';
import { defaultScratch } from './gemm/driver';
import { argF, argI, argU, flatShare, offsetOrNull, parallel, serialElems, setF, setU, shareLen } from './pool';

/** y = f(x) elementwise over len values; y may equal x. */
export function act_forward_f32(y: usize, x: usize, len: i32, act: i32, slope: f32): void {
  actFlatPar(y, x, 0, len, act, slope);
}

/**
 * dz = dy ⊙ f′(z), written through the output y = f(z): relu y > 0, leaky y > 0 ? 1 : slope
 * (valid for slope > 0), sigmoid y(1 − y), tanh 1 − y². dz may equal dy.
 */
export function act_backward_f32(dz: usize, dy: usize, y: usize, len: i32, act: i32, slope: f32): void {
  actFlatPar(dz, dy, y, len, act, slope);
}

/** out = f(a) (y == 0) or out = a ⊙ f′(y) over [0, len): one elementwise activation pass. */
function actFlatPar(out: usize, a: usize, y: usize, len: i32, act: i32, slope: f32): void {
  if (!ASC_FEATURE_THREADS || serialElems(<f64>len)) {
    actFlatRange(out, a, y, len, act, slope);
    return;
  }
  setU(0, out); setU(1, a); setU(2, y); setU(3, <usize>len); setU(4, <usize>act); setF(5, <f64>slope);
  parallel(actFlatShare, defaultScratch());
}

// @ts-ignore: decorator
@inline function actFlatRange(out: usize, a: usize, y: usize, len: i32, act: i32, slope: f32): void {
  if (y == 0) actRow(out, a, 0, len, act, slope);
  else actBackRow(out, a, y, len, act, slope);
}

function actFlatShare(tid: i32, nt: i32, scratch: usize): void {
  const o = flatShare(3, tid, nt);
  if (shareLen > 0) actFlatRange(argU(0) + o, argU(1) + o, offsetOrNull(argU(2), o), shareLen, argI(4), <f32>argF(5));
}
