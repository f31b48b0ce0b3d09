// Fully connected layer, f32. Rows are samples: x n×nin, W nin×nout (row-major), b nout,
// y n×nout. The matrix products go through gemm_f32; the bias add and the activation are
// one fused f32x4 pass over y. Over the thread pool (pool.ts) that pass is split by rows and
// the bias gradient's column sums by columns (in whole SIMD blocks); each value is computed by
// one thread in the single-thread order, so any split gives the same bits.
import { gemm_f32_nn, gemm_f32_tn, gemm_f32_nt } from './gemm/api_f32';
import { defaultScratch, gemmScratchBytes } from './gemm/driver';
import { act_backward_f32 } from './activations';
import { actRow, zipRow, OP_ADD } from './nn_loops';
import { argF, argI, argU, ELEM_ALIGN, elemStart, elemThreshold, parallel, serialElems, setF, setU, shareStart } from './pool';

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
  act_backward_f32(dy, dy, y, n * nout, act, slope);
  if (dw) {
    gemm_f32_tn(dw, x, dy, nin, nout, n, nin, nout, nout, 1, 1);
    // db += column sums of dz (each column summed over the rows in order)
    colsumPar(db, dy, n, nout);
  }
  if (dx) gemm_f32_nt(dx, dy, w, n, nin, nout, nout, nout, nin, 1, 0);
}

// ---- bias and activation ----

/** y[i, :] = f(y[i, :] + b) for every row (the dense layer's bias and activation), rows split. */
function actRowsPar(y: usize, b: usize, n: i32, nout: i32, act: i32, slope: f32): void {
  if (!ASC_FEATURE_THREADS || serialElems(<f64>n * <f64>nout)) {
    actRowsRange(y, b, 0, n, nout, act, slope);
    return;
  }
  setU(0, y); setU(1, b); setU(2, <usize>n); setU(3, <usize>nout); setU(4, <usize>act); setF(5, <f64>slope);
  parallel(actRowsShare, defaultScratch());
}

function actRowsRange(y: usize, b: usize, r0: i32, r1: i32, nout: i32, act: i32, slope: f32): void {
  const rowBytes = <usize>nout << 2;
  let r = y + <usize>r0 * rowBytes;
  for (let i = r0; i < r1; i++) {
    actRow(r, r, b, nout, act, slope);
    r += rowBytes;
  }
}

function actRowsShare(tid: i32, nt: i32, scratch: usize): void {
  const n = argI(2);
  actRowsRange(argU(0), argU(1), shareStart(n, tid, nt), shareStart(n, tid + 1, nt), argI(3), argI(4), <f32>argF(5));
}

// ---- bias gradient ----

/**
 * db[j] += Σ_i dz[i, j] (rows in order, so each column's sum has the single-thread order),
 * columns split in whole SIMD blocks.
 */
function colsumPar(db: usize, dz: usize, n: i32, nout: i32): void {
  // fewer than two SIMD blocks of columns would leave every share but one empty (unless forced)
  if (!ASC_FEATURE_THREADS || serialElems(<f64>n * <f64>nout) || (elemThreshold() > 0 && nout < 2 * ELEM_ALIGN)) {
    colsumRange(db, dz, n, nout, 0, nout, defaultScratch());
    return;
  }
  setU(0, db); setU(1, dz); setU(2, <usize>n); setU(3, <usize>nout);
  parallel(colsumShare, defaultScratch());
}

/**
 * db[j] += Σ_i dz[i, j] for columns [j0, j1): the sums run in `scratch` (a thread's own
 * memory: threads sharing the columns of a row never write one cache line), from db's values,
 * over the rows in order, then go back to db.
 */
function colsumRange(db: usize, dz: usize, n: i32, nout: i32, j0: i32, j1: i32, scratch: usize): void {
  const rowBytes = <usize>nout << 2;
  const cap = <i32>(gemmScratchBytes() >> 2);
  for (let c0 = j0; c0 < j1; c0 += cap) {
    const w = min(j1, c0 + cap) - c0, bytes = <usize>w << 2;
    const d = db + (<usize>c0 << 2);
    memory.copy(scratch, d, bytes);
    let r = dz + (<usize>c0 << 2);
    for (let i = 0; i < n; i++) {
      zipRow(scratch, scratch, r, w, OP_ADD);
      r += rowBytes;
    }
    memory.copy(d, scratch, bytes);
  }
}

function colsumShare(tid: i32, nt: i32, scratch: usize): void {
  const nout = argI(3);
  const j0 = elemStart(nout, tid, nt), j1 = elemStart(nout, tid + 1, nt);
  if (j1 > j0) colsumRange(argU(0), argU(1), argI(2), nout, j0, j1, scratch);
}
