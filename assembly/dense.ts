// Fully connected layer, f32. Rows are samples: x n×nin, W nin×nout (row-major), b nout,
// y n×nout. The matrix products go through gemm_f32; the bias add and the activation are
// one fused f32x4 pass over y.
import { gemm_f32_nn, gemm_f32_tn, gemm_f32_nt } from './gemm/api_f32';
import { actRowsPar, actBwdPar, colsumPar } from './pool';

/** y (n×nout) = f(x·W + b). */
export function dense_forward_f32(y: usize, x: usize, w: usize, b: usize, n: i32, nin: i32, nout: i32, act: i32, slope: f32): void {
  gemm_f32_nn(y, x, w, n, nout, nin, nin, nout, nout, 1, 0);
  actRowsPar(y, b, n, nout, act, slope);
}

/**
 * Backward pass given y = f(x·W + b) and dy = ∂L/∂y:
 * dy is overwritten with dz = dy ⊙ f′; the parameter gradients ACCUMULATE, dW += xᵀ·dz and
 * db += Σ_rows dz, unless dw == 0 (a frozen layer: neither is computed, no xᵀ·dz product
 * runs); dx (n×nin) is OVERWRITTEN with dz·Wᵀ unless dx == 0.
 */
export function dense_backward_f32(dx: usize, dw: usize, db: usize, dy: usize, x: usize, w: usize, y: usize, n: i32, nin: i32, nout: i32, act: i32, slope: f32): void {
  actBwdPar(dy, dy, y, n * nout, act, slope);
  if (dw) {
    gemm_f32_tn(dw, x, dy, nin, nout, n, nin, nout, nout, 1, 1);
    // db += column sums of dz (each column summed over the rows in order)
    colsumPar(db, dy, n, nout);
  }
  if (dx) gemm_f32_nt(dx, dy, w, n, nin, nout, nout, nout, nin, 1, 0);
}
