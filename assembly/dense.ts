// Fully connected layer, f32. Rows are samples: x n×nin, W nin×nout (row-major), b nout,
// y n×nout. The matrix products go through gemm_f32; the bias add and the activation are
// one fused f32x4 pass over y. Over the thread pool (pool.ts) that pass is split by rows and
// the bias gradient's column sums by columns (in whole SIMD blocks); each value is computed by
// one thread in the single-thread order, so any split gives the same bits.
import { gemm_f32_nn, gemm_f32_tn, gemm_f32_nt } from './gemm/api_f32';
import { defaultScratch, gemmCore, gemmScratchBytes, scaleC } from './gemm/driver';
import { act_backward_f32 } from './activations';
import { actBackRow, actRow, zipRow, OP_ADD } from './nn_loops';
import { argF, argI, argU, ELEM_ALIGN, elemStart, elemThreshold, parallel, pool_threads, serialElems, serialGemm, setF, setU, shareStart, Share } from './pool';

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

// ---- pairs of independent layers ----
//
// Two layers that do not depend on each other (the same layer of two towers, two heads on one
// input) as one job: on a pool of two threads each thread runs one whole layer, GEMMs and the
// bias / activation pass, on its own scratch, where the single calls would split each GEMM in
// bands and dispatch each pass. Each layer is computed in the single-thread order either way,
// so the bits are those of two single calls. The layers' arguments are f64 slots in a record
// (dense_pair_record: two records of PAIR_SLOTS slots) that the caller fills.

/** f64 slots per layer in the pair record. */
const PAIR_SLOTS: i32 = 16;
/** Bytes of one layer's slots in the pair record. */
const RECORD_BYTES: usize = <usize>PAIR_SLOTS << 3;
let pairRecord: usize = 0;

/**
 * The pair record of this instance (2 × 16 f64 slots), taken from the heap on first use and
 * kept for the instance's life (outside mem_alloc's accounting, as the GEMM scratch). Forward
 * layer: y, x, w, b, n, nin, nout, act, slope. Backward layer: dx, dw, db, dy, x, w, y, n,
 * nin, nout, act, slope (0 for an absent dx / dw + db).
 */
export function dense_pair_record(): usize {
  if (pairRecord == 0) pairRecord = heap.alloc(2 * RECORD_BYTES);
  return pairRecord;
}

// @ts-ignore: decorator
@inline function slotU(r: usize, i: i32): usize { return <usize>load<f64>(r + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function slotI(r: usize, i: i32): i32 { return <i32>load<f64>(r + (<usize>i << 3)); }

/**
 * Runs `share` as one job of two whole layers (one a thread) when the pool has exactly two
 * threads, neither layer has more than twice the other's work (`w0`, `w1` multiply-adds) and
 * the two together pass the GEMM threshold; false: the caller runs them one after the other.
 */
function pairJob(w0: f64, w1: f64, share: Share): bool {
  if (pool_threads() != 2 || min(w0, w1) * 2 < max(w0, w1) || serialGemm(w0 + w1)) return false;
  setU(0, pairRecord);
  parallel(share, defaultScratch());
  return true;
}

/** A forward layer's multiply-adds: n·nin·nout. */
function forwardWork(r: usize): f64 {
  return <f64>slotI(r, 4) * <f64>slotI(r, 5) * <f64>slotI(r, 6);
}

/** A backward layer's multiply-adds: n·nin·nout for each product that runs (xᵀ·dz with dW, dz·Wᵀ with dx). */
function backwardWork(r: usize): f64 {
  return <f64>slotI(r, 7) * <f64>slotI(r, 8) * <f64>slotI(r, 9) * <f64>((slotU(r, 0) != 0 ? 1 : 0) + (slotU(r, 1) != 0 ? 1 : 0));
}

/** Two independent dense_forward_f32 calls, their arguments in the pair record. */
export function dense_forward_pair_f32(): void {
  const r1 = pairRecord + RECORD_BYTES;
  // (the builds without threads compile no reference to the share: see pool.ts)
  if (ASC_FEATURE_THREADS && pairJob(forwardWork(pairRecord), forwardWork(r1), forwardPairShare)) return;
  forwardSlots(pairRecord);
  forwardSlots(r1);
}

function forwardSlots(r: usize): void {
  dense_forward_f32(slotU(r, 0), slotU(r, 1), slotU(r, 2), slotU(r, 3), slotI(r, 4), slotI(r, 5), slotI(r, 6), slotI(r, 7), <f32>load<f64>(r, 64));
}

function forwardPairShare(tid: i32, nt: i32, scratch: usize): void {
  if (tid > 1) return;
  const r = argU(0) + <usize>tid * RECORD_BYTES;
  const y = slotU(r, 0), x = slotU(r, 1), w = slotU(r, 2), b = slotU(r, 3);
  const n = slotI(r, 4), nin = slotI(r, 5), nout = slotI(r, 6), act = slotI(r, 7), slope = <f32>load<f64>(r, 64);
  // gemm_f32_nn on this thread
  if (n <= 0 || nout <= 0) return;
  if (nin <= 0) scaleC<f32>(y, n, nout, nout, 0);
  else gemmCore<f32>(scratch, y, x, w, n, nout, nin, <usize>nin, 1, 1, <usize>nout, nout, 1, 0, false);
  actRowsRange(y, b, 0, n, nout, act, slope);
}

/** Two independent dense_backward_f32 calls, their arguments in the pair record. */
export function dense_backward_pair_f32(): void {
  const r1 = pairRecord + RECORD_BYTES;
  if (ASC_FEATURE_THREADS && pairJob(backwardWork(pairRecord), backwardWork(r1), backwardPairShare)) return;
  backwardSlots(pairRecord);
  backwardSlots(r1);
}

function backwardSlots(r: usize): void {
  dense_backward_f32(slotU(r, 0), slotU(r, 1), slotU(r, 2), slotU(r, 3), slotU(r, 4), slotU(r, 5), slotU(r, 6), slotI(r, 7), slotI(r, 8), slotI(r, 9), slotI(r, 10), <f32>load<f64>(r, 88));
}

function backwardPairShare(tid: i32, nt: i32, scratch: usize): void {
  if (tid > 1) return;
  const r = argU(0) + <usize>tid * RECORD_BYTES;
  const dx = slotU(r, 0), dw = slotU(r, 1), db = slotU(r, 2), dy = slotU(r, 3), x = slotU(r, 4), w = slotU(r, 5), y = slotU(r, 6);
  const n = slotI(r, 7), nin = slotI(r, 8), nout = slotI(r, 9), act = slotI(r, 10), slope = <f32>load<f64>(r, 88);
  // dense_backward_f32 on this thread: dz = dy ⊙ f′ in place, then the products of gemm_f32_tn / _nt
  actBackRow(dy, dy, y, n * nout, act, slope);
  if (dw) {
    if (nin > 0 && nout > 0) {
      if (n <= 0) scaleC<f32>(dw, nin, nout, nout, 1);
      else gemmCore<f32>(scratch, dw, x, dy, nin, nout, n, 1, <usize>nin, 1, <usize>nout, nout, 1, 1, false);
    }
    colsumRange(db, dy, n, nout, 0, nout, scratch);
  }
  if (dx && n > 0 && nin > 0) {
    if (nout <= 0) scaleC<f32>(dx, n, nin, nin, 0);
    else gemmCore<f32>(scratch, dx, dy, w, n, nin, nout, <usize>nout, 1, <usize>nout, 1, nin, 1, 0, false);
  }
}
