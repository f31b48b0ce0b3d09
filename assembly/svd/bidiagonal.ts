// Golub–Kahan bidiagonalisation A = Q·B·Pᵀ of the M × N (M ≥ N) working matrix W, stored
// column-major (storage row j = column j, stride ldwb bytes), then Pᵀ and Qᵀ formed
// explicitly by backward accumulation of the reflectors, again as contiguous rows.
import { scal } from '../simd_util';
import { larfg, reflRows } from './householder';
import { rightUpdate } from './rightupdate';

/**
 * d (dp), e (ep): the bidiagonal; tq, tp: the left / right reflector factors, the vectors
 * left in W (left below, right above the diagonal). g (N + 1 values), y (M values): scratch.
 */
export function bidiagonalise(W: usize, ldwb: usize, M: i32, N: i32, dp: usize, ep: usize, tq: usize, tp: usize, g: usize, y: usize): void {
  for (let i = 0; i < N; i++) {
    const col = W + <usize>i * ldwb;
    const ii = <usize>i << 3;
    const tau = larfg(dp + ii, M - i, load<f64>(col + ii), col + ii + 8);
    store<f64>(tq + ii, tau);
    store<f64>(col + ii, 1.0);
    if (tau != 0 && i + 1 < N) reflRows(W, ldwb, i + 1, N, ii, col + ii, M - i, tau);
    if (i < N - 1) {
      const C = N - i - 1;
      for (let j = 0; j < C; j++) store<f64>(g + (<usize>j << 3), load<f64>(W + <usize>(i + 1 + j) * ldwb + ii));
      const tp_ = larfg(ep + ii, C, load<f64>(g), g + 8);
      store<f64>(tp + ii, tp_);
      store<f64>(g, 1.0);
      for (let j = 0; j < C; j++) store<f64>(W + <usize>(i + 1 + j) * ldwb + ii, load<f64>(g + (<usize>j << 3)));
      if (tp_ != 0 && i + 1 < M) rightUpdate(W, ldwb, i + 1, N, i + 1, M - i - 1, g, tp_, y);
    } else {
      store<f64>(ep + ii, 0);
    }
  }
}

/**
 * Pᵀ (N × N, row stride lvb bytes) into Vt from the right reflectors (stored in W above the
 * diagonal), then Qᵀ (N × M) in place of W: for i = N−1 … 0, rows j > i already hold
 * columns j of H_{i+1}⋯H_{N−1}·I (zero before entry j); apply H_i to them, then
 * row i = e_i − τ·v_i. g (N values): scratch.
 */
export function formQP(W: usize, ldwb: usize, Vt: usize, lvb: usize, M: i32, N: i32, tq: usize, tp: usize, g: usize): void {
  memory.fill(Vt, 0, <usize>N * lvb);
  for (let j = 0; j < N; j++) store<f64>(Vt + <usize>j * lvb + (<usize>j << 3), 1.0);
  for (let i = N - 2; i >= 0; i--) {
    const tau = load<f64>(tp + (<usize>i << 3));
    if (tau != 0) {
      const C = N - i - 1;
      const ii = <usize>i << 3;
      for (let j = 0; j < C; j++) store<f64>(g + (<usize>j << 3), load<f64>(W + <usize>(i + 1 + j) * ldwb + ii));
      reflRows(Vt, lvb, i + 1, N, ii + 8, g, C, tau);
    }
  }
  for (let i = N - 1; i >= 0; i--) {
    const tau = load<f64>(tq + (<usize>i << 3));
    const ii = <usize>i << 3;
    const row = W + <usize>i * ldwb;
    if (i > 0) memory.fill(row, 0, ii);
    if (tau != 0) {
      if (i + 1 < N) reflRows(W, ldwb, i + 1, N, ii, row + ii, M - i, tau);
      scal(row + ii, -tau, M - i);
      store<f64>(row + ii, 1.0 - tau);
    } else {
      memory.fill(row + ii, 0, <usize>(M - i) << 3);
      store<f64>(row + ii, 1.0);
    }
  }
}
