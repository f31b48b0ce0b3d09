// Rotation log of the bidiagonal QR. The plane rotations are not applied at once: sweeps
// (lo, count, dir) go to hdr (i32 triples) and per rotation (c, s) for the U side to logU and
// for the V side to logV, in generation order. The log is replayed on Qᵀ / Pᵀ column chunk by
// column chunk (8 doubles = one cache line per row, so one chunk of all rows stays in L1) with
// the shared row of consecutive rotations carried in registers. A rotation (c, s) on the row
// pair (j, j+1) does row_j ← c·row_j + s·row_{j+1}, row_{j+1} ← c·row_{j+1} − s·row_j.
// The log's state is a RotLog record in the caller's work buffer; nothing outlives the call.
import { rotChain8 } from '../simd_util';

/** A rotation log: its buffers, fill counts and the two matrices a flush applies it to. */
@unmanaged export class RotLog {
  logU: usize; logV: usize; logH: usize;
  matU: usize; matV: usize;
  ldU8: i32; ldV8: i32; // row lengths (multiples of 8; 0: nothing to apply, values only)
  nRot: i32; nSweep: i32; cap: i32;
}
/** f64 slots a RotLog takes in a work buffer. */
export const ROTLOG_F64: i32 = <i32>((offsetof<RotLog>() + 7) >> 3);

/** Log capacity (rotations) for an N-column problem. */
// @ts-ignore: decorator
@inline export function capRotFor(N: i32): i32 { return max(4096, 16 * N); }

/**
 * Makes an empty log at `at` (ROTLOG_F64 f64 of the work buffer) over its buffers (lu, lv:
 * 2·cap f64 each; hdr: 12 bytes per sweep, at most cap sweeps) and target matrices.
 */
export function startLog(at: usize, u: usize, ldu8: i32, v: usize, ldv8: i32, lu: usize, lv: usize, hdr: usize, cap: i32): RotLog {
  const L = changetype<RotLog>(at);
  L.matU = u; L.ldU8 = ldu8; L.matV = v; L.ldV8 = ldv8;
  L.logU = lu; L.logV = lv; L.logH = hdr;
  L.cap = cap;
  L.nRot = 0;
  L.nSweep = 0;
  return L;
}

function replay(L: RotLog, x: usize, ld: i32, log: usize): void {
  const ldb = <usize>ld << 3;
  const nSweep = L.nSweep, logH = L.logH;
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
export function flush(L: RotLog): void {
  if (L.nSweep == 0) return;
  replay(L, L.matU, L.ldU8, L.logU);
  replay(L, L.matV, L.ldV8, L.logV);
  L.nSweep = 0;
  L.nRot = 0;
}

/** Starts a sweep of cnt rotations on pairs lo..lo+cnt−1 (dir > 0: in increasing order). */
// @ts-ignore: decorator
@inline export function beginSweep(L: RotLog, lo: i32, cnt: i32, dir: i32): void {
  if (L.nRot + cnt > L.cap) flush(L);
  const h = L.logH + <usize>L.nSweep * 12;
  store<i32>(h, lo);
  store<i32>(h, cnt, 4);
  store<i32>(h, dir, 8);
  L.nSweep++;
}

// @ts-ignore: decorator
@inline export function logRot(L: RotLog, cu: f64, su: f64, cv: f64, sv: f64): void {
  const o = <usize>L.nRot << 4;
  store<f64>(L.logU + o, cu);
  store<f64>(L.logU + o, su, 8);
  store<f64>(L.logV + o, cv);
  store<f64>(L.logV + o, sv, 8);
  L.nRot++;
}
