// The GEMM over the thread pool (pool.ts): gemmPar, which the exported entry points
// (api_f32.ts, api_f64.ts) call, and its per-share functions, each thread running gemmCore on
// its own packing scratch. Arguments in the pool's slots: 0 c, 1 a, 2 b, 3 m, 4 n, 5 k, 6 ars,
// 7 aps, 8 brs, 9 bps, 10 ldc, 11 alpha, 12 beta (as f64), 13 upper.
import { gemmCore, defaultScratch, MR, NR } from './driver';
import { argF, argI, argU, parallel, serialGemm, setF, setU, shareStart } from '../pool';

/**
 * C = alpha·op(A)·op(B) + beta·C over the pool when the product is big enough, else on this
 * thread (same arguments as gemmCore). Shares are bands of whole MR rows or NR columns (syrk:
 * column bands of equal triangle area), so every element of C is computed by one thread with
 * the single-thread tile shape and k blocking: the bits do not depend on the thread count.
 */
export function gemmPar<T>(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32,
                           ars: usize, aps: usize, brs: usize, bps: usize, ldc: i32,
                           alpha: T, beta: T, upper: bool): void {
  if (!ASC_FEATURE_THREADS || serialGemm(<f64>m * <f64>n * <f64>k)) {
    gemmCore<T>(defaultScratch(), c, a, b, m, n, k, ars, aps, brs, bps, ldc, alpha, beta, upper);
    return;
  }
  setU(0, c); setU(1, a); setU(2, b); setU(3, <usize>m); setU(4, <usize>n); setU(5, <usize>k);
  setU(6, ars); setU(7, aps); setU(8, brs); setU(9, bps); setU(10, <usize>ldc);
  setF(11, <f64>alpha); setF(12, <f64>beta); setU(13, upper ? 1 : 0);
  if (sizeof<T>() == 4) parallel(gemmShare32, defaultScratch());
  else parallel(gemmShare64, defaultScratch());
}

function gemmShare32(tid: i32, nt: i32, scratch: usize): void {
  gemmShare<f32>(tid, nt, scratch);
}

function gemmShare64(tid: i32, nt: i32, scratch: usize): void {
  gemmShare<f64>(tid, nt, scratch);
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

/** This thread's band of C (the job's arguments in the pool's slots). */
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
