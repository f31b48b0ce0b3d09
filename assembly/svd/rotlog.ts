// Rotation log of the bidiagonal QR. The plane rotations are not applied at once: sweeps
// (lo, count, dir) go to hdr (i32 triples) and per rotation (c, s) for the U side to logU and
// for the V side to logV, in generation order. The log is replayed on Qᵀ / Pᵀ column chunk by
// column chunk (8 doubles = one cache line per row, so one chunk of all rows stays in L1) with
// the shared row of consecutive rotations carried in registers. A rotation (c, s) on the row
// pair (j, j+1) does row_j ← c·row_j + s·row_{j+1}, row_{j+1} ← c·row_{j+1} − s·row_j.
import { rotChain8 } from '../simd_util';

let logU: usize = 0, logV: usize = 0, logH: usize = 0;
let nRot: i32 = 0, nSweep: i32 = 0, capRot: i32 = 0;
let matU: usize = 0, matV: usize = 0, ldU8: i32 = 0, ldV8: i32 = 0; // row lengths (multiples of 8)

/** Log capacity (rotations) for an N-column problem. */
// @ts-ignore: decorator
@inline export function capRotFor(N: i32): i32 { return max(4096, 16 * N); }

/** Empties the log; its buffers (logU, logV: 2·cap f64 each; hdr) and target matrices. */
export function startLog(u: usize, ldu8: i32, v: usize, ldv8: i32, lu: usize, lv: usize, hdr: usize, cap: i32): void {
  matU = u; ldU8 = ldu8; matV = v; ldV8 = ldv8;
  logU = lu; logV = lv; logH = hdr;
  capRot = cap;
  nRot = 0;
  nSweep = 0;
}

function replay(x: usize, ld: i32, log: usize): void {
  const ldb = <usize>ld << 3;
  for (let c0 = 0; c0 < ld; c0 += 8) {
    const base = x + (<usize>c0 << 3);
    let lp = log;
    for (let sw = 0; sw < nSweep; sw++) {
      const h = logH + <usize>sw * 12;
      const lo = load<i32>(h), cnt = load<i32>(h, 4), dir = load<i32>(h, 8);
      if (dir > 0) rotChain8(base + <usize>lo * ldb, <isize>ldb, cnt, lp, lp + 8, 16, false);
      else rotChain8(base + <usize>(lo + cnt) * ldb, -<isize>ldb, cnt, lp, lp + 8, 16, true);
      lp += <usize>cnt << 4;
    }
  }
}

/** Applies and empties the log. */
export function flush(): void {
  if (nSweep == 0) return;
  replay(matU, ldU8, logU);
  replay(matV, ldV8, logV);
  nSweep = 0;
  nRot = 0;
}

/** Starts a sweep of cnt rotations on pairs lo..lo+cnt−1 (dir > 0: in increasing order). */
// @ts-ignore: decorator
@inline export function beginSweep(lo: i32, cnt: i32, dir: i32): void {
  if (nRot + cnt > capRot) flush();
  const h = logH + <usize>nSweep * 12;
  store<i32>(h, lo);
  store<i32>(h, cnt, 4);
  store<i32>(h, dir, 8);
  nSweep++;
}

// @ts-ignore: decorator
@inline export function logRot(cu: f64, su: f64, cv: f64, sv: f64): void {
  const o = <usize>nRot << 4;
  store<f64>(logU + o, cu);
  store<f64>(logU + o, su, 8);
  store<f64>(logV + o, cv);
  store<f64>(logV + o, sv, 8);
  nRot++;
}
