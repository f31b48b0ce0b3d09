// The thread pool's wasm side (threads build: shared imported memory). One instance, the
// calling one, allocates and dispatches; every worker instance sits in pool_worker over the
// same memory and runs its share of a job on pointers, with its own GEMM packing scratch.
//
// A job is a share function's table index (see below) and up to 16 argument slots in a control
// block the calling instance allocated. Dispatch: write the arguments, set `pending` to the
// number of workers, bump `epoch` and wake the workers; the caller runs share 0 itself, then
// waits for `pending` to reach 0. Every share is a fixed part of the output decided by (share
// index, thread count) alone and computed in the single-thread operation order, so results
// are bit-identical for every thread count. Idle workers spin about a millisecond before
// sleeping on `epoch` (jobs come in bursts during training) and count themselves in
// `sleepers`; while any sleeps, the size thresholds rise (see serial()). The caller sleeps on
// `pending` when the host allows blocking (Atomics.wait is forbidden on a browser's main
// thread: there it spins). Whether a job is split never changes its bits, so these
// timing-dependent decisions are safe.
//
// Faults: a worker that dies in a job never brings `pending` to 0. One that throws writes its
// tid to the `fault` word from its JS as it unwinds and wakes the caller; one that ends
// silently (terminated by the host) is caught by the caller's watchdog (it waits in slices,
// and a share still missing WATCHDOG_MS + WATCHDOG_FACTOR × its own share's time after its
// own is taken for dead). Either way the caller turns dispatch off (poolSize 1) and calls
// env.pool_fault, whose ThreadError unwinds the kernel; src/wasm/pool.ts ends the workers.
// Nothing is recomputed: in-place kernels (optimisers, beta accumulation) cannot be redone.
//
// Sleeping and waking go through two host imports (env.pool_wait, env.pool_notify: Atomics.wait
// and Atomics.notify on the same memory) rather than memory.atomic.wait32/notify: Node 20's
// baseline wasm compiler (V8 11.3 Liftoff) loses locals held across memory.atomic.wait32 (seen
// here: a worker's pending counter decrement went astray and the caller waited for ever),
// while a call to an import spills them like any call. The atomic loads and read-modify-writes
// stay in wasm.
//
// This file is the dispatcher only: it holds no kernel and imports none. A kernel family
// (gemm/parallel.ts, activations.ts, dense.ts, optim.ts, stats.ts) decides with serialGemm /
// serialElems whether a call is worth splitting, writes its arguments with setU / setF and
// calls parallel(share, scratch) with its own per-share function (a Share); the share reads
// the arguments back with argU / argI / argF and finds its part with the range helpers at the
// end of this file. The share travels as its index in the function table, through the control
// block, not through a global: every instance is the same module, so one index names the same
// function in each instance's table, and nothing is registered: no per-instance table to
// fill, no start-up code.
// The families test `!ASC_FEATURE_THREADS ||` before serialGemm / serialElems, so that the
// builds without threads compile no reference to a share: no table and no function objects
// in their static data.
//
// In the builds without threads none of this is reachable: poolSize stays 1 and every
// kernel runs on the calling thread (the atomics are compiled only under ASC_FEATURE_THREADS).

// control block layout (bytes)
const EPOCH: usize = 0;
const PENDING: usize = 4;
const JOB: usize = 8;
const NT: usize = 12;
const SLEEPERS: usize = 16;
/** tid of a worker known dead (written by its own JS as it unwinds, or by the pool's JS on its exit event); 0: none */
const FAULT: usize = 20;
/** fault injection for tests (pool_inject): the worker, the way it dies, the epoch from which it does */
const INJECT_TID: usize = 24;
const INJECT_MODE: usize = 28;
const INJECT_EPOCH: usize = 32;
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

/**
 * One share of a job: thread `tid` of `nt` computes its fixed part of the output (decided by
 * tid and nt alone), reading the arguments from the control block, with `scratch` its own
 * GEMM packing scratch (gemmScratchBytes() bytes).
 */
export type Share = (tid: i32, nt: i32, scratch: usize) => void;

/** The job that ends the workers' loops (no function has this table index). */
const JOB_QUIT: i32 = -1;

/** Work (multiply-adds) below which a GEMM stays on the calling thread. */
const GEMM_MIN_WORK: f64 = <f64>(1 << 20);
/** Elements below which an elementwise loop stays on the calling thread. */
const ELEM_MIN: i32 = 1 << 16;
let gemmMinWork = GEMM_MIN_WORK;
let elemMin = ELEM_MIN;
/** Elementwise shares start at multiples of this many elements (whole SIMD vectors). */
export const ELEM_ALIGN: i32 = 16;

// @ts-ignore: decorator
@external("env", "pool_wait")
/** Sleeps while the i32 at `ptr` equals `expected` (Atomics.wait; spurious returns allowed). */
declare function hostWait(ptr: usize, expected: i32): void;
// @ts-ignore: decorator
@external("env", "pool_notify")
/** Wakes up to `count` threads sleeping on `ptr` (Atomics.notify). */
declare function hostNotify(ptr: usize, count: i32): void;
// @ts-ignore: decorator
@external("env", "pool_wait_for")
/** Sleeps at most `ms` milliseconds while the i32 at `ptr` equals `expected`. */
declare function hostWaitFor(ptr: usize, expected: i32, ms: f64): void;
// @ts-ignore: decorator
@external("env", "pool_now")
/** Milliseconds (performance.now). */
declare function hostNow(): f64;
// @ts-ignore: decorator
@external("env", "pool_fault")
/**
 * The calling instance's report of a dead worker (tid, or 0: one did not finish within the
 * watchdog's bound): the host throws ThreadError, unwinding the kernel. Dispatch is off by then.
 */
declare function hostFault(tid: i32, waitedMs: f64): void;
// @ts-ignore: decorator
@external("env", "pool_die")
/** Test fault injection, in a worker: 1 throws, 2 ends the thread without a word (see pool_inject). */
declare function hostDie(mode: i32): void;

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

/** Whether a GEMM of `work` multiply-adds stays on the calling thread. */
// @ts-ignore: decorator
@inline export function serialGemm(work: f64): bool {
  return serial(work, gemmMinWork);
}

/** Whether an elementwise job over `elems` elements stays on the calling thread. */
// @ts-ignore: decorator
@inline export function serialElems(elems: f64): bool {
  return serial(elems, <f64>elemMin);
}

/** The elementwise threshold (0 when the tests force every kernel to split). */
// @ts-ignore: decorator
@inline export function elemThreshold(): i32 {
  return elemMin;
}

// ---- arguments ----

// @ts-ignore: decorator
@inline export function setU(i: i32, v: usize): void { store<u64>(ctrl + ARGS + (<usize>i << 3), <u64>v); }
// @ts-ignore: decorator
@inline export function setF(i: i32, v: f64): void { store<f64>(ctrl + ARGS + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline export function argU(i: i32): usize { return <usize>load<u64>(ctrl + ARGS + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function argI(i: i32): i32 { return <i32>load<u64>(ctrl + ARGS + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function argF(i: i32): f64 { return load<f64>(ctrl + ARGS + (<usize>i << 3)); }

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
  if (poolSize > 1) dispatch(JOB_QUIT, 0);
  poolSize = 1;
  ctrl = 0;
}

/**
 * Turns dispatch off after a worker died between jobs (the pool's JS saw it exit): the
 * kernels run on the calling thread from now on; the JS side ends the workers.
 */
export function pool_abandon(): void {
  poolSize = 1;
}

/**
 * Tests: worker `tid` dies as it takes the job `afterJobs` jobs from now (mode 1: it throws,
 * 2: it ends its thread without a word, as a worker terminated by the host).
 */
export function pool_inject(tid: i32, mode: i32, afterJobs: i32): void {
  if (!ASC_FEATURE_THREADS || poolSize <= 1) return;
  atomic.store<i32>(ctrl + INJECT_EPOCH, atomic.load<i32>(ctrl + EPOCH) + 1 + afterJobs);
  atomic.store<i32>(ctrl + INJECT_MODE, mode);
  atomic.store<i32>(ctrl + INJECT_TID, tid);
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
      const job = load<i32>(block + JOB);
      if (atomic.load<i32>(block + INJECT_TID) == tid && seen - atomic.load<i32>(block + INJECT_EPOCH) >= 0) {
        atomic.store<i32>(block + INJECT_TID, 0);
        hostDie(atomic.load<i32>(block + INJECT_MODE));
      }
      if (job != JOB_QUIT) call_indirect<void>(<u32>job, tid, load<i32>(block + NT), scratch);
      if (atomic.sub<i32>(block + PENDING, 1) == 1) hostNotify(block + PENDING, 1);
      if (job == JOB_QUIT) return;
    }
  }
}

/**
 * Runs `share` on every thread of the pool: the workers run shares 1…nt−1, the calling
 * thread share 0 with `scratch` (its exported kernels' packing scratch, defaultScratch()),
 * and returns when all are done. The arguments must be in their slots (setU / setF).
 */
export function parallel(share: Share, scratch: usize): void {
  dispatch(<i32>share.index, scratch);
}

function dispatch(job: i32, scratch: usize): void {
  if (ASC_FEATURE_THREADS) {
    const nt = poolSize;
    dispatches++;
    store<i32>(ctrl + JOB, job);
    atomic.store<i32>(ctrl + PENDING, nt - 1);
    atomic.add<i32>(ctrl + EPOCH, 1);
    hostNotify(ctrl + EPOCH, nt - 1);
    const t0 = hostNow();
    if (job != JOB_QUIT) call_indirect<void>(<u32>job, 0, nt, scratch);
    // the watchdog: a worker that died without a word (terminated by the host) never brings
    // pending to 0; shares are equal parts, so one still running this long after the caller's
    // own is taken for dead
    const t1 = hostNow();
    const bound = WATCHDOG_MS + WATCHDOG_FACTOR * (t1 - t0);
    let spins = 0;
    while (true) {
      const p = atomic.load<i32>(ctrl + PENDING);
      if (p == 0) break;
      const dead = atomic.load<i32>(ctrl + FAULT);
      if (dead != 0) fail(dead, hostNow() - t1);
      if (canWait && spins >= CALLER_SPIN) {
        hostWaitFor(ctrl + PENDING, p, WATCHDOG_SLICE_MS);
        if (hostNow() - t1 > bound) fail(0, hostNow() - t1);
      } else if ((++spins & 0xfff) == 0 && hostNow() - t1 > bound) fail(0, hostNow() - t1);
    }
  }
}

/** The watchdog's bound past the caller's share: this, plus WATCHDOG_FACTOR times that share's time. */
const WATCHDOG_MS: f64 = 250;
const WATCHDOG_FACTOR: f64 = 3;
/** Longest sleep of the caller between two looks at the clock and the fault word. */
const WATCHDOG_SLICE_MS: f64 = 50;

/** A worker died mid-job: dispatch off for good (the calling thread runs everything), then the host throws. */
function fail(tid: i32, waited: f64): void {
  poolSize = 1;
  hostFault(tid, waited);
  unreachable();
}

// ---- partitions ----

/** Start of share t of `units` units split into nt contiguous shares. */
// @ts-ignore: decorator
@inline export function shareStart(units: i32, t: i32, nt: i32): i32 {
  return <i32>(<i64>units * <i64>t / <i64>nt);
}

/** Start of share t of [0, len) in whole ELEM_ALIGN blocks (the last share takes the tail). */
export function elemStart(len: i32, t: i32, nt: i32): i32 {
  if (t >= nt) return len;
  const blocks = (len + ELEM_ALIGN - 1) / ELEM_ALIGN;
  return min(len, shareStart(blocks, t, nt) * ELEM_ALIGN);
}

/** Elements in this thread's share of the last flatShare call (0: none). */
export let shareLen: i32 = 0;

/**
 * This thread's part of a flat loop over argI(slot) f32 elements: returns its byte offset
 * and sets shareLen.
 */
export function flatShare(slot: i32, tid: i32, nt: i32): usize {
  const len = argI(slot);
  const i0 = elemStart(len, tid, nt);
  shareLen = max(0, elemStart(len, tid + 1, nt) - i0);
  return <usize>i0 << 2;
}

/** p + o, or 0 for an absent buffer. */
// @ts-ignore: decorator
@inline export function offsetOrNull(p: usize, o: usize): usize {
  return p == 0 ? 0 : p + o;
}
