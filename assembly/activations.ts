// Elementwise activations, f32 with f32x4 SIMD. act: 0 identity, 1 relu, 2 leaky_relu
// (negative slope `slope`), 3 sigmoid, 4 tanh. The transcendentals (nn_math.ts) are computed
// in wasm with a fixed operation sequence: bit-identical on every engine and in every build.
import { actFwdPar, actBwdPar } from './pool';

/** y = f(x) elementwise over len values; y may equal x. */
export function act_forward_f32(y: usize, x: usize, len: i32, act: i32, slope: f32): void {
  actFwdPar(y, x, len, act, slope);
}

/**
 * dz = dy ⊙ f′(z), written through the output y = f(z): relu y > 0, leaky y > 0 ? 1 : slope
 * (valid for slope > 0), sigmoid y(1 − y), tanh 1 − y². dz may equal dy.
 */
export function act_backward_f32(dz: usize, dy: usize, y: usize, len: i32, act: i32, slope: f32): void {
  actBwdPar(dz, dy, y, len, act, slope);
}
