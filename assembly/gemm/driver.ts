// One packed, cache-blocked GEMM driver for f32 and f64 (GotoBLAS / BLIS structure, written
// for this package). Only the packing of one panel and the micro-kernel differ per type
// (f32.ts: 4×8 tiles of f32x4; f64.ts: 4×4 tiles of f64x2), with the tile and block sizes
// below; the loops, edges, syrk and the scratch layout are shared.
//
//   for jc over n in steps of NC            B panel  KC×NC  (packed, L2/L3)
//     for pc over k in steps of KC
//       pack B(pc:pc+kc, jc:jc+nc) into column panels of NR
//       for ic over m in steps of MC        A block  MC×KC  (packed, L2)
//         pack A(ic:ic+mc, pc:pc+kc) into row panels of MR
//         for jr over nc in steps of NR     B micro-panel KC×NR stays in L1
//           for ir over mc in steps of MR   MR×NR tile of C in registers
//
// Packing reads through two element strides (rs between the rows / columns of a panel, ps
// between consecutive k), so A·B, Aᵀ·B, A·Bᵀ and syrk share one macro-kernel and all run at
// the same speed. Semantics follow BLAS: C = alpha·op(A)·op(B) + beta·C; when beta == 0, C
// is never read (it may hold NaN); when alpha == 0 or k == 0, A and B are not read.
//
// The driver keeps no state: the packing scratch (gemmScratchBytes() bytes, one per thread)
// is passed in. The exported kernels (api_f32.ts, api_f64.ts) pass one taken from the heap
// on first use and shared by both types. The block sizes are readable from JS through
// gemm_block_size(), which the tests and comments elsewhere use instead of stating them.
import { packPanel32, micro4x8 } from './f32';
import { packPanel64, micro4x4 } from './f64';

// ---- tile and block sizes per type ----
// f32: KC: a packed A micro-panel is KC·4·4 = 6.25 KiB and a B micro-panel KC·8·4 = 12.5 KiB,
//      so the B micro-panel plus a few A panels stay in a 32 KiB L1d. MC: the packed A block
//      (MC·KC·4 = 200 KiB) stays in a 512 KiB L2. NC: the packed B panel (NC·KC·4 = 800 KiB)
//      is reused from L2/L3 by every A block. These are caps: each dimension is split into
//      equal blocks (evenBlock). Measured on Zen 5 (Node 20): for square sizes KC 192…512 ×
//      MC 64…128 × NC 256…512 land within ~2 % (the micro-kernel runs at the f32x4 issue
//      limit), but k = 784 (a 28×28 input layer) runs 3 % faster as 2 blocks of 392 than as
//      4 of 196: fewer passes over C.
// f64: KC: one packed A or B micro-panel is KC·4·8 = 12 KiB, so the pair stays in L1d. MC:
//      the packed A block (MC·KC·8 = 288 KiB) stays in L2. NC: the packed B panel
//      (NC·KC·8 = 1.5 MiB) streams from L3. Fixed blocks (no evenBlock: the f64 results are
//      pinned by cross-runtime hashes). KC 256…512 × MC 64…192 all land within ~3 %; 384/96
//      was consistently best at 512³ and on 10000×p syrk.
const F32_MR: i32 = 4, F32_NR: i32 = 8, F32_KC: i32 = 400, F32_MC: i32 = 128, F32_NC: i32 = 512;
const F64_MR: i32 = 4, F64_NR: i32 = 4, F64_KC: i32 = 384, F64_MC: i32 = 96, F64_NC: i32 = 512;
const F32_EVEN: bool = true, F64_EVEN: bool = false;

// @ts-ignore: decorator
@inline export function MR<T>(): i32 { return sizeof<T>() == 4 ? F32_MR : F64_MR; }
// @ts-ignore: decorator
@inline export function NR<T>(): i32 { return sizeof<T>() == 4 ? F32_NR : F64_NR; }
// @ts-ignore: decorator
@inline function KC<T>(): i32 { return sizeof<T>() == 4 ? F32_KC : F64_KC; }
// @ts-ignore: decorator
@inline function MC<T>(): i32 { return sizeof<T>() == 4 ? F32_MC : F64_MC; }
// @ts-ignore: decorator
@inline function NC<T>(): i32 { return sizeof<T>() == 4 ? F32_NC : F64_NC; }
// @ts-ignore: decorator
@inline function EVEN<T>(): bool { return sizeof<T>() == 4 ? F32_EVEN : F64_EVEN; }

/** Scratch bytes for type T: packed A block, packed B panel, one MR×NR edge tile. */
// @ts-ignore: decorator
@inline function scratchBytesOf<T>(): usize {
  return <usize>(MC<T>() * KC<T>() + NC<T>() * KC<T>() + MR<T>() * NR<T>()) * sizeof<T>();
}

/** Bytes of packing scratch the driver needs (for either type). */
// @ts-ignore: decorator
@inline export function gemmScratchBytes(): usize {
  return max(scratchBytesOf<f32>(), scratchBytesOf<f64>());
}

/**
 * Tile / block sizes of the GEMM for elements of `bytes` (4: f32, 8: f64): which = 0 MR,
 * 1 NR, 2 KC, 3 MC, 4 NC, 5 whether blocks are split evenly (1) or fixed (0), 6 the shared
 * scratch in bytes. −1 for anything else.
 */
export function gemm_block_size(bytes: i32, which: i32): i32 {
  if (which == 6) return <i32>gemmScratchBytes();
  if (bytes == 4) {
    switch (which) {
      case 0: return F32_MR; case 1: return F32_NR; case 2: return F32_KC;
      case 3: return F32_MC; case 4: return F32_NC; case 5: return F32_EVEN ? 1 : 0;
    }
  } else if (bytes == 8) {
    switch (which) {
      case 0: return F64_MR; case 1: return F64_NR; case 2: return F64_KC;
      case 3: return F64_MC; case 4: return F64_NC; case 5: return F64_EVEN ? 1 : 0;
    }
  }
  return -1;
}

// ---- per-type pieces ----

// @ts-ignore: decorator
@inline function packPanel<T>(dst: usize, src: usize, rows: i32, kc: i32, rs: usize, ps: usize, w: i32): void {
  if (sizeof<T>() == 4) packPanel32(dst, src, rows, kc, rs, ps, w);
  else packPanel64(dst, src, rows, kc, rs, ps);
}

// @ts-ignore: decorator
@inline function microTile<T>(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: T, beta: T): void {
  if (sizeof<T>() == 4) micro4x8(pa, pb, kc, c, ldcb, <f32>alpha, <f32>beta);
  else micro4x4(pa, pb, kc, c, ldcb, <f64>alpha, <f64>beta);
}

// ---- packing ----

/**
 * Packs `total` rows × kc into ceil(total/w) consecutive w-row panels: rows of A with w = MR,
 * columns of B with w = NR.
 */
function packPanels<T>(dst: usize, src: usize, total: i32, kc: i32, rs: usize, ps: usize, w: i32): void {
  const panelBytes = <usize>kc * <usize>w * sizeof<T>();
  const step = rs * <usize>w * sizeof<T>();
  for (let r = 0; r < total; r += w) {
    packPanel<T>(dst, src, min(w, total - r), kc, rs, ps, w);
    dst += panelBytes;
    src += step;
  }
}

// ---- edges ----

/** Partial tile (mr × nr, smaller than MR×NR): computed into `edge`, then written element by element. */
function microEdge<T>(edge: usize, pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, mr: i32, nr: i32, alpha: T, beta: T): void {
  const ldeb = <usize>NR<T>() * sizeof<T>();
  microTile<T>(pa, pb, kc, edge, ldeb, <T>1, <T>0);
  for (let i = 0; i < mr; i++) {
    const t = edge + <usize>i * ldeb, ci = c + <usize>i * ldcb;
    for (let j = 0; j < nr; j++) {
      const cp = ci + <usize>j * sizeof<T>();
      const v: T = alpha * load<T>(t + <usize>j * sizeof<T>());
      store<T>(cp, beta == 0 ? v : v + beta * load<T>(cp));
    }
  }
}

/** C = beta·C (C = 0 when beta == 0, without reading it), m×n. */
export function scaleC<T>(c: usize, m: i32, n: i32, ldc: i32, beta: T): void {
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * <usize>ldc * sizeof<T>();
    for (let j = 0; j < n; j++) {
      const cp = row + <usize>j * sizeof<T>();
      store<T>(cp, beta == 0 ? <T>0 : beta * load<T>(cp));
    }
  }
}

/** Copies the strict upper triangle of C (n×n) onto the lower one, in cache blocks. */
export function mirrorUpper<T>(c: usize, n: i32, ldc: i32): void {
  const ldcb = <usize>ldc * sizeof<T>();
  const BS = 32;
  for (let ib = 0; ib < n; ib += BS) {
    const ie = min(n, ib + BS);
    for (let jb = ib; jb < n; jb += BS) {
      const je = min(n, jb + BS);
      for (let i = ib; i < ie; i++) {
        const src = c + <usize>i * ldcb;
        for (let j = max(jb, i + 1); j < je; j++) {
          store<T>(c + <usize>j * ldcb + <usize>i * sizeof<T>(), load<T>(src + <usize>j * sizeof<T>()));
        }
      }
    }
  }
}

/** Block size ≤ cap (a multiple of `unit`) splitting `total` into equal blocks, rounded up to `unit`. */
function evenBlock(total: i32, cap: i32, unit: i32): i32 {
  const blocks = (total + cap - 1) / cap;
  const size = (total + blocks - 1) / blocks;
  return min(cap, (size + unit - 1) / unit * unit);
}

// ---- the driver ----

/**
 * C (m×n, row stride ldc) = alpha·A·B + beta·C with A(i, p) at a + (i·ars + p·aps)·sizeof<T>
 * and B(p, j) at b + (j·brs + p·bps)·sizeof<T>; scratch: gemmScratchBytes() bytes. `upper`:
 * syrk mode (m == n, A and B the same operand): only tiles touching the upper triangle are
 * computed, the caller mirrors. `joff` (syrk mode only): the global index of C's first column
 * when C, B and n are one thread's band of columns [joff, joff + n) and m = joff + n rows.
 */
export function gemmCore<T>(scratch: usize, c: usize, a: usize, b: usize, m: i32, n: i32, k: i32,
                            ars: usize, aps: usize, brs: usize, bps: usize, ldc: i32,
                            alpha: T, beta: T, upper: bool, joff: i32 = 0): void {
  const SZ = sizeof<T>();
  const mr_ = MR<T>(), nr_ = NR<T>();
  const ldcb = <usize>ldc * SZ;
  let NCe = NC<T>(), KCe = KC<T>(), MCe = MC<T>();
  if (EVEN<T>()) {
    // split each dimension evenly (k = 784 → 2 × 392, not 400 + 384), rounded up to the
    // panel widths, so no pass runs a sliver of work
    NCe = evenBlock(n, NCe, nr_);
    KCe = evenBlock(k, KCe, 1);
    MCe = evenBlock(m, MCe, mr_);
  }
  const packedA = scratch;
  const packedB = packedA + <usize>(MC<T>() * KC<T>()) * SZ;
  const edge = packedB + <usize>(NC<T>() * KC<T>()) * SZ;
  for (let jc = 0; jc < n; jc += NCe) {
    const nc = min(NCe, n - jc);
    const jg = joff + jc; // global column index (syrk's diagonal lives in global coordinates)
    for (let pc = 0; pc < k; pc += KCe) {
      const kc = min(KCe, k - pc);
      const aPanelBytes = <usize>kc * <usize>mr_ * SZ, bPanelBytes = <usize>kc * <usize>nr_ * SZ;
      packPanels<T>(packedB, b + (<usize>jc * brs + <usize>pc * bps) * SZ, nc, kc, brs, bps, NR<T>());
      const bet: T = pc == 0 ? beta : <T>1;
      const iend = upper ? jg + nc : m;
      for (let ic = 0; ic < iend; ic += MCe) {
        const mc = min(MCe, iend - ic);
        let pa = packedA;
        if (mr_ == nr_ && upper && ic >= jg && ic + mc <= jg + nc) {
          // syrk with square tiles: these rows of Aᵀ are the columns already packed for B
          pa = packedB + <usize>((ic - jg) / mr_) * aPanelBytes;
        } else {
          packPanels<T>(packedA, a + (<usize>ic * ars + <usize>pc * aps) * SZ, mc, kc, ars, aps, MR<T>());
        }
        let pb = packedB;
        for (let jr = 0; jr < nc; jr += nr_) {
          const nr = min(nr_, nc - jr);
          // syrk: stop at the tile row holding the diagonal
          const irEnd = upper ? min(mc, jg + jr - ic + nr_) : mc;
          let pai = pa;
          let ct = c + (<usize>(jc + jr) + <usize>ic * <usize>ldc) * SZ;
          for (let ir = 0; ir < irEnd; ir += mr_) {
            const mr = min(mr_, mc - ir);
            if (mr == mr_ && nr == nr_) microTile<T>(pai, pb, kc, ct, ldcb, alpha, bet);
            else microEdge<T>(edge, pai, pb, kc, ct, ldcb, mr, nr, alpha, bet);
            pai += aPanelBytes;
            ct += ldcb * <usize>mr_;
          }
          pb += bPanelBytes;
        }
      }
    }
  }
}

// ---- the exported kernels' scratch ----

let sharedScratch: usize = 0;

/**
 * The packing scratch of this instance's exported kernels, taken from the heap on first use
 * (outside mem_alloc's accounting: it lives as long as the instance) and shared by f32 and
 * f64. A thread pool gives each worker instance its own.
 */
export function defaultScratch(): usize {
  if (sharedScratch == 0) sharedScratch = heap.alloc(gemmScratchBytes());
  return sharedScratch;
}
