// The thread pool's wasm side (threads build: shared imported memory). One instance, the
// calling one, allocates and dispatches; every worker instance sits in pool_worker over the
// same memory and runs its share of a job on pointers, with its own GEMM packing scratch.
//
// A job is a kind and up to 16 argument slots in a control block the calling instance
// allocated. Dispatch: write the arguments, set `pending` to the number of workers, bump
// `epoch` and wake the workers; the caller runs share 0 itself, then waits for `pending` to
// reach 0. Every share is a fixed part of the output decided by (share index, thread count)
// alone and computed in the single-thread operation order, so results are bit-identical for
// every thread count. Idle workers spin about a millisecond before sleeping on `epoch` (jobs
// come in bursts during training) and count themselves in `sleepers`; while any sleeps, the
// size thresholds rise (see serial()). The caller sleeps on `pending` when the host allows
// blocking (Atomics.wait is forbidden on a browser's main thread: there it spins). Whether a
// job is split never changes its bits, so these timing-dependent decisions are safe.
//
// Sleeping and waking go through two host imports (env.pool_wait, env.pool_notify: Atomics.wait
// and Atomics.notify on the same memory) rather than memory.atomic.wait32/notify: Node 20's
// baseline wasm compiler (V8 11.3 Liftoff) loses locals held across memory.atomic.wait32 (seen
// here: a worker's pending counter decrement went astray and the caller waited for ever),
// while a call to an import spills them like any call. The atomic loads and read-modify-writes
// stay in wasm.
//
// In the builds without threads none of this is reachable: poolSize stays 1 and every
// kernel runs on the calling thread (the atomics are compiled only under ASC_FEATURE_THREADS).
import { gemmCore, defaultScratch, gemmScratchBytes, MR, NR } from './gemm/driver';
import { actRow, actBackRow, zipRow, OP_ADD } from './nn_math';
import { adamRange, sgdRange } from './optim';
import { centerRange } from './stats';

// control block layout (bytes)
const EPOCH: usize = 0;
const PENDING: usize = 4;
const KIND: usize = 8;
const NT: usize = 12;
const SLEEPERS: usize = 16;
const ARGS: usize = 64;
/** Bytes of the control block (16 argument slots of 8 bytes after a 64-byte header). */
export const POOL_CTRL_BYTES: usize = 64 + 16 * 8;

/**
 * Spins (atomic loads) of an idle worker before it sleeps: about a millisecond, so that it
 * stays awake through the gaps between the jobs of a training loop.
 */
const WORKER_SPIN: i32 = 1 << 20;
/** Spins of the caller waiting for the workers' shares before it sleeps: tens of µs. */
const CALLER_SPIN: i32 = 1 << 15;
/**
 * While a worker sleeps, a job must be this many times the threshold to be split: waking a
 * sleeping thread took 100–500 µs here (2 vCPUs), more than a smaller job saves.
 */
const COLD_FACTOR: f64 = 64;
/**
 * A job this many times the threshold that runs on the calling thread because the workers
 * sleep also wakes them (the wake-up call costs the caller ~20 µs here), so that the jobs
 * after it find them spinning: a training loop of medium-sized jobs gets its workers back.
 */
const WAKE_FACTOR: f64 = 4;

const JOB_QUIT: i32 = -1;
const JOB_GEMM32: i32 = 1;
const JOB_GEMM64: i32 = 2;
const JOB_ACT_ROWS: i32 = 3;
const JOB_ACT_FLAT: i32 = 4;
const JOB_COLSUM: i32 = 5;
const JOB_ADAM: i32 = 6;
const JOB_SGD: i32 = 7;
const JOB_CENTER: i32 = 8;

/** Work (multiply-adds) below which a GEMM stays on the calling thread. */
const GEMM_MIN_WORK: f64 = <f64>(1 << 20);
/** Elements below which an elementwise loop stays on the calling thread. */
const ELEM_MIN: i32 = 1 << 16;
let gemmMinWork = GEMM_MIN_WORK;
let elemMin = ELEM_MIN;
/** Elementwise shares start at multiples of this many elements (whole SIMD vectors). */
const ELEM_ALIGN: i32 = 16;

// @ts-ignore: decorator
@external("env", "pool_wait")
/** Sleeps while the i32 at `ptr` equals `expected` (Atomics.wait; spurious returns allowed). */
declare function hostWait(ptr: usize, expected: i32): void;
// @ts-ignore: decorator
@external("env", "pool_notify")
/** Wakes up to `count` threads sleeping on `ptr` (Atomics.notify). */
declare function hostNotify(ptr: usize, count: i32): void;

let ctrl: usize = 0;
let poolSize: i32 = 1;
let canWait: bool = true;
let dispatches: u32 = 0;

// ---- size thresholds ----

/** Whether a job of `size` (multiply-adds or elements) stays on the calling thread. */
// @ts-ignore: decorator
@inline function serial(size: f64, min: f64): bool {
  if (ASC_FEATURE_THREADS) {
    if (poolSize <= 1 || size < min) return true;
    if (atomic.load<i32>(ctrl + SLEEPERS) == 0 || size >= min * COLD_FACTOR) return false;
    // a worker asleep and a job not worth waiting for it: run it here, and wake the workers
    // (no job: they spin, ready for the next one) when it is not a small one
    if (size >= min * WAKE_FACTOR) hostNotify(ctrl + EPOCH, poolSize - 1);
  }
  return true;
}

// ---- arguments ----

// @ts-ignore: decorator
@inline function setU(i: i32, v: usize): void { store<u64>(ctrl + ARGS + (<usize>i << 3), <u64>v); }
// @ts-ignore: decorator
@inline function setF(i: i32, v: f64): void { store<f64>(ctrl + ARGS + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function argU(i: i32): usize { return <usize>load<u64>(ctrl + ARGS + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function argI(i: i32): i32 { return <i32>load<u64>(ctrl + ARGS + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function argF(i: i32): f64 { return load<f64>(ctrl + ARGS + (<usize>i << 3)); }

// ---- life cycle (called from JS) ----

/** Zeroes a control block of POOL_CTRL_BYTES bytes for `threads` threads (before the workers start). */
export function pool_prepare(block: usize, threads: i32): void {
  memory.fill(block, 0, POOL_CTRL_BYTES);
  store<i32>(block + NT, threads);
}

/** Turns dispatch on in the calling instance once every worker sits in pool_worker. */
export function pool_start(block: usize, mayWait: i32): void {
  const threads = load<i32>(block + NT);
  if (!ASC_FEATURE_THREADS || threads < 2) return;
  ctrl = block;
  poolSize = threads;
  canWait = mayWait != 0;
}

/** Ends the workers' loops (they return from pool_worker) and turns dispatch off. */
export function pool_stop(): void {
  if (!ASC_FEATURE_THREADS) return;
  if (poolSize > 1) parallel(JOB_QUIT);
  poolSize = 1;
  ctrl = 0;
}

/** Threads the kernels use (1 without a pool). */
export function pool_threads(): i32 {
  return poolSize;
}

/** Jobs dispatched to the pool since instantiation (for tests: the big kernels did split). */
export function pool_dispatches(): u32 {
  return dispatches;
}

/**
 * Sets the size thresholds below which kernels stay on the calling thread (negative: the
 * defaults). Tests set them to 0 so that even 1×1 products are split between the threads.
 */
export function pool_set_thresholds(gemmWork: f64, elems: i32): void {
  gemmMinWork = gemmWork < 0 ? GEMM_MIN_WORK : gemmWork;
  elemMin = elems < 0 ? ELEM_MIN : elems;
}

/** 1 in the threads build. */
export function build_threads(): i32 {
  return ASC_FEATURE_THREADS ? 1 : 0;
}

/** A worker instance's loop: runs share `tid` of every job until the pool stops. */
export function pool_worker(block: usize, tid: i32, scratch: usize, seen: i32): void {
  if (ASC_FEATURE_THREADS) {
    ctrl = block;
    while (true) {
      let spins = 0;
      while (atomic.load<i32>(block + EPOCH) == seen) {
        if (spins < WORKER_SPIN) spins++;
        else {
          atomic.add<i32>(block + SLEEPERS, 1);
          hostWait(block + EPOCH, seen);
          atomic.sub<i32>(block + SLEEPERS, 1);
          spins = 0; // woken (by a job or to stand by): spin again before sleeping
        }
      }
      seen = atomic.load<i32>(block + EPOCH);
      const kind = load<i32>(block + KIND);
      if (kind != JOB_QUIT) runShare(kind, tid, load<i32>(block + NT), scratch);
      if (atomic.sub<i32>(block + PENDING, 1) == 1) hostNotify(block + PENDING, 1);
      if (kind == JOB_QUIT) return;
    }
  }
}

function parallel(kind: i32): void {
  if (ASC_FEATURE_THREADS) {
    const nt = poolSize;
    dispatches++;
    store<i32>(ctrl + KIND, kind);
    atomic.store<i32>(ctrl + PENDING, nt - 1);
    atomic.add<i32>(ctrl + EPOCH, 1);
    hostNotify(ctrl + EPOCH, nt - 1);
    if (kind != JOB_QUIT) runShare(kind, 0, nt, defaultScratch());
    let spins = 0;
    while (true) {
      const p = atomic.load<i32>(ctrl + PENDING);
      if (p == 0) break;
      if (canWait && spins >= CALLER_SPIN) hostWait(ctrl + PENDING, p);
      else spins++;
    }
  }
}

function runShare(kind: i32, tid: i32, nt: i32, scratch: usize): void {
  switch (kind) {
    case JOB_GEMM32: gemmShare<f32>(tid, nt, scratch); break;
    case JOB_GEMM64: gemmShare<f64>(tid, nt, scratch); break;
    case JOB_ACT_ROWS: actRowsShare(tid, nt); break;
    case JOB_ACT_FLAT: actFlatShare(tid, nt); break;
    case JOB_COLSUM: colsumShare(tid, nt, scratch); break;
    case JOB_ADAM: adamShare(tid, nt); break;
    case JOB_SGD: sgdShare(tid, nt); break;
    case JOB_CENTER: centerShare(tid, nt); break;
  }
}

// ---- partitions ----

/** Start of share t of `units` units split into nt contiguous shares. */
// @ts-ignore: decorator
@inline function shareStart(units: i32, t: i32, nt: i32): i32 {
  return <i32>(<i64>units * <i64>t / <i64>nt);
}

/** Start of share t of [0, len) in whole ELEM_ALIGN blocks (the last share takes the tail). */
function elemStart(len: i32, t: i32, nt: i32): i32 {
  if (t >= nt) return len;
  const blocks = (len + ELEM_ALIGN - 1) / ELEM_ALIGN;
  return min(len, shareStart(blocks, t, nt) * ELEM_ALIGN);
}

/**
 * Column where syrk share t starts: the upper triangle's area up to column j grows as j², so
 * the bands end at n·√(t/nt), rounded to whole NR panels.
 */
function syrkStart(n: i32, t: i32, nt: i32, w: i32): i32 {
  if (t <= 0) return 0;
  if (t >= nt) return n;
  const j = <i32>Math.round(<f64>n * Math.sqrt(<f64>t / <f64>nt) / <f64>w) * w;
  return min(n, max(0, j));
}

// ---- GEMM ----

/**
 * C = alpha·op(A)·op(B) + beta·C over the pool when the product is big enough, else on this
 * thread (same arguments as gemmCore). Shares are bands of whole MR rows or NR columns (syrk:
 * column bands of equal triangle area), so every element of C is computed by one thread with
 * the single-thread tile shape and k blocking: the bits do not depend on the thread count.
 */
export function gemmPar<T>(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32,
                           ars: usize, aps: usize, brs: usize, bps: usize, ldc: i32,
                           alpha: T, beta: T, upper: bool): void {
  if (serial(<f64>m * <f64>n * <f64>k, gemmMinWork)) {
    gemmCore<T>(defaultScratch(), c, a, b, m, n, k, ars, aps, brs, bps, ldc, alpha, beta, upper);
    return;
  }
  setU(0, c); setU(1, a); setU(2, b); setU(3, <usize>m); setU(4, <usize>n); setU(5, <usize>k);
  setU(6, ars); setU(7, aps); setU(8, brs); setU(9, bps); setU(10, <usize>ldc);
  setF(11, <f64>alpha); setF(12, <f64>beta); setU(13, upper ? 1 : 0);
  parallel(sizeof<T>() == 4 ? JOB_GEMM32 : JOB_GEMM64);
}

function gemmShare<T>(tid: i32, nt: i32, scratch: usize): void {
  const c = argU(0), a = argU(1), b = argU(2);
  const m = argI(3), n = argI(4), k = argI(5);
  const ars = argU(6), aps = argU(7), brs = argU(8), bps = argU(9), ldc = argI(10);
  const alpha = <T>argF(11), beta = <T>argF(12), upper = argI(13) != 0;
  const SZ = sizeof<T>();
  const mr = MR<T>(), nr = NR<T>();
  if (upper) {
    const j0 = syrkStart(n, tid, nt, nr), j1 = syrkStart(n, tid + 1, nt, nr);
    if (j1 <= j0) return;
    gemmCore<T>(scratch, c + <usize>j0 * SZ, a, b + <usize>j0 * brs * SZ, j1, j1 - j0, k, ars, aps, brs, bps, ldc, alpha, beta, true, j0);
    return;
  }
  const tilesM = (m + mr - 1) / mr, tilesN = (n + nr - 1) / nr;
  if (tilesN >= tilesM) {
    const j0 = shareStart(tilesN, tid, nt) * nr, j1 = min(n, shareStart(tilesN, tid + 1, nt) * nr);
    if (j1 <= j0) return;
    gemmCore<T>(scratch, c + <usize>j0 * SZ, a, b + <usize>j0 * brs * SZ, m, j1 - j0, k, ars, aps, brs, bps, ldc, alpha, beta, false);
  } else {
    const i0 = shareStart(tilesM, tid, nt) * mr, i1 = min(m, shareStart(tilesM, tid + 1, nt) * mr);
    if (i1 <= i0) return;
    gemmCore<T>(scratch, c + <usize>i0 * <usize>ldc * SZ, a + <usize>i0 * ars * SZ, b, i1 - i0, n, k, ars, aps, brs, bps, ldc, alpha, beta, false);
  }
}

// ---- elementwise loops ----

/** y[i, :] = f(y[i, :] + b) for every row (the dense layer's bias and activation), rows split. */
export function actRowsPar(y: usize, b: usize, n: i32, nout: i32, act: i32, slope: f32): void {
  if (serial(<f64>n * <f64>nout, <f64>elemMin)) {
    actRowsRange(y, b, 0, n, nout, act, slope);
    return;
  }
  setU(0, y); setU(1, b); setU(2, <usize>n); setU(3, <usize>nout); setU(4, <usize>act); setF(5, <f64>slope);
  parallel(JOB_ACT_ROWS);
}

function actRowsRange(y: usize, b: usize, r0: i32, r1: i32, nout: i32, act: i32, slope: f32): void {
  const rowBytes = <usize>nout << 2;
  let r = y + <usize>r0 * rowBytes;
  for (let i = r0; i < r1; i++) {
    actRow(r, r, b, nout, act, slope);
    r += rowBytes;
  }
}

function actRowsShare(tid: i32, nt: i32): void {
  const n = argI(2);
  actRowsRange(argU(0), argU(1), shareStart(n, tid, nt), shareStart(n, tid + 1, nt), argI(3), argI(4), <f32>argF(5));
}

/** y = f(x) over len elements (no bias), split in whole SIMD blocks. */
export function actFwdPar(y: usize, x: usize, len: i32, act: i32, slope: f32): void {
  actFlatPar(y, x, 0, len, act, slope);
}

/** dz = dy ⊙ f′(y) over len elements, split in whole SIMD blocks. */
export function actBwdPar(dz: usize, dy: usize, y: usize, len: i32, act: i32, slope: f32): void {
  actFlatPar(dz, dy, y, len, act, slope);
}

/** out = f(a) (y == 0) or out = a ⊙ f′(y) over [0, len): one elementwise activation pass. */
function actFlatPar(out: usize, a: usize, y: usize, len: i32, act: i32, slope: f32): void {
  if (serial(<f64>len, <f64>elemMin)) {
    actFlatRange(out, a, y, len, act, slope);
    return;
  }
  setU(0, out); setU(1, a); setU(2, y); setU(3, <usize>len); setU(4, <usize>act); setF(5, <f64>slope);
  parallel(JOB_ACT_FLAT);
}

// @ts-ignore: decorator
@inline function actFlatRange(out: usize, a: usize, y: usize, len: i32, act: i32, slope: f32): void {
  if (y == 0) actRow(out, a, 0, len, act, slope);
  else actBackRow(out, a, y, len, act, slope);
}

/** Elements in this thread's share of the last flatShare call (0: none). */
let shareLen: i32 = 0;

/**
 * This thread's part of a flat loop over argI(slot) f32 elements: returns its byte offset
 * and sets shareLen.
 */
function flatShare(slot: i32, tid: i32, nt: i32): usize {
  const len = argI(slot);
  const i0 = elemStart(len, tid, nt);
  shareLen = max(0, elemStart(len, tid + 1, nt) - i0);
  return <usize>i0 << 2;
}

/** p + o, or 0 for an absent buffer. */
// @ts-ignore: decorator
@inline function offsetOrNull(p: usize, o: usize): usize {
  return p == 0 ? 0 : p + o;
}

function actFlatShare(tid: i32, nt: i32): void {
  const o = flatShare(3, tid, nt);
  if (shareLen > 0) actFlatRange(argU(0) + o, argU(1) + o, offsetOrNull(argU(2), o), shareLen, argI(4), <f32>argF(5));
}

/**
 * db[j] += Σ_i dz[i, j] (rows in order, so each column's sum has the single-thread order),
 * columns split in whole SIMD blocks.
 */
export function colsumPar(db: usize, dz: usize, n: i32, nout: i32): void {
  // fewer than two SIMD blocks of columns would leave every share but one empty (unless forced)
  if (serial(<f64>n * <f64>nout, <f64>elemMin) || (elemMin > 0 && nout < 2 * ELEM_ALIGN)) {
    colsumRange(db, dz, n, nout, 0, nout, defaultScratch());
    return;
  }
  setU(0, db); setU(1, dz); setU(2, <usize>n); setU(3, <usize>nout);
  parallel(JOB_COLSUM);
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

/** Adam / AdamW over len parameters, split in whole SIMD blocks (see optim.ts). */
export function adamPar(p: usize, g: usize, m: usize, v: usize, len: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, decoupled: i32, step: f64): void {
  if (serial(<f64>len, <f64>elemMin)) {
    adamRange(p, g, m, v, len, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    return;
  }
  setU(0, p); setU(1, g); setU(2, m); setU(3, v); setU(4, <usize>len);
  setF(5, lr); setF(6, beta1); setF(7, beta2); setF(8, eps); setF(9, weightDecay); setU(10, <usize>decoupled); setF(11, step);
  parallel(JOB_ADAM);
}

function adamShare(tid: i32, nt: i32): void {
  const o = flatShare(4, tid, nt);
  if (shareLen > 0) adamRange(argU(0) + o, argU(1) + o, argU(2) + o, argU(3) + o, shareLen, argF(5), argF(6), argF(7), argF(8), argF(9), argI(10), argF(11));
}

/** SGD over len parameters (vel = 0: no momentum buffer), split in whole SIMD blocks. */
export function sgdPar(p: usize, g: usize, vel: usize, len: i32, lr: f64, momentum: f64, weightDecay: f64, nesterov: i32): void {
  if (serial(<f64>len, <f64>elemMin)) {
    sgdRange(p, g, vel, len, lr, momentum, weightDecay, nesterov);
    return;
  }
  setU(0, p); setU(1, g); setU(2, vel); setU(3, <usize>len);
  setF(4, lr); setF(5, momentum); setF(6, weightDecay); setU(7, <usize>nesterov);
  parallel(JOB_SGD);
}

function sgdShare(tid: i32, nt: i32): void {
  const o = flatShare(3, tid, nt);
  if (shareLen > 0) sgdRange(argU(0) + o, argU(1) + o, offsetOrNull(argU(2), o), shareLen, argF(4), argF(5), argF(6), argI(7));
}

// ---- centring (f64) ----

/** out = x − 1·meanᵀ (n×p), rows split. */
export function centerPar(out: usize, x: usize, mean: usize, n: i32, p: i32, ldx: i32, ldo: i32): void {
  if (serial(<f64>n * <f64>p, <f64>elemMin)) {
    centerRange(out, x, mean, 0, n, p, ldx, ldo);
    return;
  }
  setU(0, out); setU(1, x); setU(2, mean); setU(3, <usize>n); setU(4, <usize>p); setU(5, <usize>ldx); setU(6, <usize>ldo);
  parallel(JOB_CENTER);
}

function centerShare(tid: i32, nt: i32): void {
  const n = argI(3);
  const i0 = shareStart(n, tid, nt), i1 = shareStart(n, tid + 1, nt);
  if (i1 > i0) centerRange(argU(0), argU(1), argU(2), i0, i1, argI(4), argI(5), argI(6));
}
