// f64 matrix products: packed, cache-blocked GEMM with a 4×4 WebAssembly SIMD micro-kernel
// (GotoBLAS / BLIS structure, written for this package).
//
//   for jc over n in steps of NC            B panel  KC×NC  (packed, L2/L3)
//     for pc over k in steps of KC
//       pack B(pc:pc+kc, jc:jc+nc) into column panels of 4
//       for ic over m in steps of MC        A block  MC×KC  (packed, L2)
//         pack A(ic:ic+mc, pc:pc+kc) into row panels of 4
//         for jr over nc in steps of 4      B micro-panel KC×4 stays in L1
//           for ir over mc in steps of 4    4×4 tile of C, 8 f64x2 accumulators
//
// Both packed formats are the same: a panel of 4 rows (of A) or 4 columns (of B) is stored
// p-major, 4 consecutive f64 per k index, zero-padded when fewer than 4 are left. Packing
// reads through two element strides (rs between the 4 rows/columns of a panel, ps between
// consecutive k), so the nn / tn / nt layouts and syrk share one macro-kernel and all run
// at the same speed. Kernels allocate nothing: the packing buffers are static scratch.
//
// Semantics follow BLAS: C = alpha·op(A)·op(B) + beta·C; when beta == 0, C is never read
// (it may hold NaN); when alpha == 0 or k == 0, A and B are not read.

// ---- blocking parameters (multiples of 4) ----
// KC: one packed A or B micro-panel is KC·4·8 = 12 KiB, so the pair stays in a 32 KiB L1d.
// MC: the packed A block (MC·KC·8 = 288 KiB) stays in a 512 KiB L2.
// NC: the packed B panel (NC·KC·8 = 1.5 MiB) streams from L3.
// Measured on Zen 5 (Node 20): KC 256…512 × MC 64…192 all land within ~3 % of each other
// because the micro-kernel runs at the f64x2 mul+add issue limit; 384/96 was consistently
// best at 512³ and on 10000×p syrk (fewer passes over C along k).
const KC: i32 = 384;
const MC: i32 = 96;
const NC: i32 = 512;

// static scratch: packed A block, packed B panel, one 4×4 edge tile (≈ 1.8 MiB in all)
const PACK_A: usize = memory.data(<i32>(MC * KC * 8), 16);
const PACK_B: usize = memory.data(<i32>(NC * KC * 8), 16);
const EDGE: usize = memory.data(4 * 4 * 8, 16);

// ---- packing ----

/**
 * Packs `rows` (≤ 4) rows × kc of a strided source into one panel at dst (kc × 4, p-major),
 * element (r, p) at src + (r·rs + p·ps)·8. Missing rows are zero-filled.
 */
function packPanel(dst: usize, src: usize, rows: i32, kc: i32, rs: usize, ps: usize): void {
  const rsb = rs << 3, psb = ps << 3;
  // full panels with a unit stride: v128 copies / 2×2 transposes (the scalar build uses the
  // general loop below for everything)
  if (ASC_FEATURE_SIMD) if (rows == 4) {
    if (rs == 1) {
      // the 4 entries for one k are contiguous: two vector copies per k
      let s = src;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        s += psb;
        dst += 32;
      }
      return;
    }
    if (ps == 1) {
      // 4 contiguous rows along k: 2×2 transposes of (row pair) × (k pair)
      const r0 = src, r1 = src + rsb, r2 = src + 2 * rsb, r3 = src + 3 * rsb;
      let o: usize = 0;
      const k2 = kc & ~1;
      for (let p = 0; p < k2; p += 2) {
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o);
        const x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        v128.store(dst, v128.shuffle<f64>(x0, x1, 0, 2));
        v128.store(dst, v128.shuffle<f64>(x2, x3, 0, 2), 16);
        v128.store(dst, v128.shuffle<f64>(x0, x1, 1, 3), 32);
        v128.store(dst, v128.shuffle<f64>(x2, x3, 1, 3), 48);
        o += 16;
        dst += 64;
      }
      if (kc & 1) {
        store<f64>(dst, load<f64>(r0 + o));
        store<f64>(dst, load<f64>(r1 + o), 8);
        store<f64>(dst, load<f64>(r2 + o), 16);
        store<f64>(dst, load<f64>(r3 + o), 24);
      }
      return;
    }
  }
  // general strides or a partial panel: scalar, zero-padded
  let s = src;
  for (let p = 0; p < kc; p++) {
    let r = 0;
    let q = s;
    for (; r < rows; r++) {
      store<f64>(dst + (<usize>r << 3), load<f64>(q));
      q += rsb;
    }
    for (; r < 4; r++) store<f64>(dst + (<usize>r << 3), 0.0);
    s += psb;
    dst += 32;
  }
}

/** Packs `total` rows × kc into ceil(total/4) consecutive panels. */
function packBlock(dst: usize, src: usize, total: i32, kc: i32, rs: usize, ps: usize): void {
  const panelBytes = <usize>kc << 5;
  const step = rs << 5; // 4 rows
  for (let r = 0; r < total; r += 4) {
    packPanel(dst, src, min(4, total - r), kc, rs, ps);
    dst += panelBytes;
    src += step;
  }
}

// ---- micro-kernel ----

/** c + a·b per lane: one fused relaxed_madd in the relaxed build, mul + add otherwise. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * 4×4 tile: C = alpha·(Apanel·Bpanel) + beta·C over kc steps (C not read when beta == 0).
 * pa, pb: packed panels (kc × 4 each); c: tile origin; ldcb: row stride of C in bytes.
 */
// @ts-ignore: decorator
@inline function micro4x4(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f64, beta: f64): void {
  if (ASC_FEATURE_SIMD) micro4x4Simd(pa, pb, kc, c, ldcb, alpha, beta);
  else micro4x4Scalar(pa, pb, kc, c, ldcb, alpha, beta);
}

function micro4x4Simd(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f64, beta: f64): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let a: v128, b0: v128, b1: v128;
  // One k step per iteration on purpose. Unrolled by hand, Binaryen fuses the steps into long
  // per-accumulator expression trees and TurboFan hoists all the loads of the unrolled body,
  // so V8 runs out of xmm registers and spills (measured 17 GFLOP/s unrolled ×2/×4/×8 against
  // 25 unrolled ×1). The plain loop keeps 8 accumulators + 2 B + 1 A + 1 temp in registers
  // and issues 8 mulpd + 8 addpd per 6 loads, the f64x2 mul/add throughput limit (the
  // relaxed build: 8 f64x2.relaxed_madd, fused where the engine has FMA).
  const end = pa + (<usize>kc << 5);
  while (pa < end) {
    b0 = v128.load(pb, 0); b1 = v128.load(pb, 16);
    a = v128.load64_splat(pa, 0); c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load64_splat(pa, 8); c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load64_splat(pa, 16); c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load64_splat(pa, 24); c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  const va = f64x2.splat(alpha);
  const c1 = c + ldcb, c2 = c + 2 * ldcb, c3 = c + 3 * ldcb;
  if (beta == 0) {
    v128.store(c, f64x2.mul(va, c00)); v128.store(c, f64x2.mul(va, c01), 16);
    v128.store(c1, f64x2.mul(va, c10)); v128.store(c1, f64x2.mul(va, c11), 16);
    v128.store(c2, f64x2.mul(va, c20)); v128.store(c2, f64x2.mul(va, c21), 16);
    v128.store(c3, f64x2.mul(va, c30)); v128.store(c3, f64x2.mul(va, c31), 16);
  } else {
    const vb = f64x2.splat(beta);
    v128.store(c, f64x2.add(f64x2.mul(va, c00), f64x2.mul(vb, v128.load(c))));
    v128.store(c, f64x2.add(f64x2.mul(va, c01), f64x2.mul(vb, v128.load(c, 16))), 16);
    v128.store(c1, f64x2.add(f64x2.mul(va, c10), f64x2.mul(vb, v128.load(c1))));
    v128.store(c1, f64x2.add(f64x2.mul(va, c11), f64x2.mul(vb, v128.load(c1, 16))), 16);
    v128.store(c2, f64x2.add(f64x2.mul(va, c20), f64x2.mul(vb, v128.load(c2))));
    v128.store(c2, f64x2.add(f64x2.mul(va, c21), f64x2.mul(vb, v128.load(c2, 16))), 16);
    v128.store(c3, f64x2.add(f64x2.mul(va, c30), f64x2.mul(vb, v128.load(c3))));
    v128.store(c3, f64x2.add(f64x2.mul(va, c31), f64x2.mul(vb, v128.load(c3, 16))), 16);
  }
}

/** Scalar build: the 4×4 tile as two 2×4 halves (8 accumulators each, no spills). */
function micro4x4Scalar(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f64, beta: f64): void {
  for (let h = 0; h < 2; h++) {
    let c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0, c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0;
    let a = pa + (<usize>h << 4), b = pb;
    const end = pb + (<usize>kc << 5);
    while (b < end) {
      const b0 = load<f64>(b), b1 = load<f64>(b, 8), b2 = load<f64>(b, 16), b3 = load<f64>(b, 24);
      const a0 = load<f64>(a), a1 = load<f64>(a, 8);
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      a += 32;
      b += 32;
    }
    const r0 = c + (<usize>(2 * h) * ldcb), r1 = r0 + ldcb;
    if (beta == 0) {
      store<f64>(r0, alpha * c00); store<f64>(r0, alpha * c01, 8); store<f64>(r0, alpha * c02, 16); store<f64>(r0, alpha * c03, 24);
      store<f64>(r1, alpha * c10); store<f64>(r1, alpha * c11, 8); store<f64>(r1, alpha * c12, 16); store<f64>(r1, alpha * c13, 24);
    } else {
      store<f64>(r0, alpha * c00 + beta * load<f64>(r0)); store<f64>(r0, alpha * c01 + beta * load<f64>(r0, 8), 8);
      store<f64>(r0, alpha * c02 + beta * load<f64>(r0, 16), 16); store<f64>(r0, alpha * c03 + beta * load<f64>(r0, 24), 24);
      store<f64>(r1, alpha * c10 + beta * load<f64>(r1)); store<f64>(r1, alpha * c11 + beta * load<f64>(r1, 8), 8);
      store<f64>(r1, alpha * c12 + beta * load<f64>(r1, 16), 16); store<f64>(r1, alpha * c13 + beta * load<f64>(r1, 24), 24);
    }
  }
}

/** Partial tile (mr × nr, < 4×4): computed into EDGE, then written element by element. */
function microEdge(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, mr: i32, nr: i32, alpha: f64, beta: f64): void {
  micro4x4(pa, pb, kc, EDGE, 32, 1.0, 0.0);
  for (let i = 0; i < mr; i++) {
    const t = EDGE + (<usize>i << 5), ci = c + <usize>i * ldcb;
    for (let j = 0; j < nr; j++) {
      const cp = ci + (<usize>j << 3);
      const v = alpha * load<f64>(t + (<usize>j << 3));
      store<f64>(cp, beta == 0 ? v : v + beta * load<f64>(cp));
    }
  }
}

// ---- driver ----

/** C = beta·C (C = 0 when beta == 0, without reading it), m×n. */
function scaleC(c: usize, m: i32, n: i32, ldc: i32, beta: f64): void {
  for (let i = 0; i < m; i++) {
    const row = c + ((<usize>i * <usize>ldc) << 3);
    for (let j = 0; j < n; j++) {
      const cp = row + (<usize>j << 3);
      store<f64>(cp, beta == 0 ? 0.0 : beta * load<f64>(cp));
    }
  }
}

/** Copies the strict upper triangle of C (n×n) onto the lower one, in cache blocks. */
function mirrorUpper(c: usize, n: i32, ldc: i32): void {
  const ldcb = <usize>ldc << 3;
  const BS = 32;
  for (let ib = 0; ib < n; ib += BS) {
    const ie = min(n, ib + BS);
    for (let jb = ib; jb < n; jb += BS) {
      const je = min(n, jb + BS);
      for (let i = ib; i < ie; i++) {
        const src = c + <usize>i * ldcb;
        for (let j = max(jb, i + 1); j < je; j++) {
          store<f64>(c + <usize>j * ldcb + (<usize>i << 3), load<f64>(src + (<usize>j << 3)));
        }
      }
    }
  }
}

/**
 * C (m×n, row stride ldc) = alpha·A·B + beta·C with A(i, p) at a + (i·ars + p·aps)·8 and
 * B(p, j) at b + (j·brs + p·bps)·8. `upper`: syrk mode (m == n, A and B the same operand);
 * only tiles touching the upper triangle are computed, the caller mirrors.
 */
function gemmCore(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32,
                  ars: usize, aps: usize, brs: usize, bps: usize, ldc: i32,
                  alpha: f64, beta: f64, upper: bool): void {
  const ldcb = <usize>ldc << 3;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const panelBytes = <usize>kc << 5;
      packBlock(PACK_B, b + ((<usize>jc * brs + <usize>pc * bps) << 3), nc, kc, brs, bps);
      const bet = pc == 0 ? beta : 1.0;
      const iend = upper ? jc + nc : m;
      for (let ic = 0; ic < iend; ic += MC) {
        const mc = min(MC, iend - ic);
        let pa = PACK_A;
        if (upper && ic >= jc && ic + mc <= jc + nc) {
          // syrk: these rows of Aᵀ are the columns already packed for B
          pa = PACK_B + <usize>((ic - jc) >> 2) * panelBytes;
        } else {
          packBlock(PACK_A, a + ((<usize>ic * ars + <usize>pc * aps) << 3), mc, kc, ars, aps);
        }
        for (let jr = 0; jr < nc; jr += 4) {
          const nr = min(4, nc - jr);
          const pb = PACK_B + <usize>(jr >> 2) * panelBytes;
          const cj = c + (<usize>(jc + jr) << 3);
          // syrk: stop at the diagonal tile (tiles are 4-aligned in both directions)
          const irEnd = upper ? min(mc, jc + jr - ic + 4) : mc;
          for (let ir = 0; ir < irEnd; ir += 4) {
            const mr = min(4, mc - ir);
            const ct = cj + <usize>(ic + ir) * ldcb;
            const pai = pa + <usize>(ir >> 2) * panelBytes;
            if ((mr | nr) == 4) micro4x4(pai, pb, kc, ct, ldcb, alpha, bet);
            else microEdge(pai, pb, kc, ct, ldcb, mr, nr, alpha, bet);
          }
        }
      }
    }
  }
}

// ---- exports (signatures fixed by src/wasm/api.ts) ----

/** C (m×n) = alpha·A·B + beta·C; A m×k (row stride lda), B k×n (ldb). */
export function gemm_f64_nn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) { scaleC(c, m, n, ldc, beta); return; }
  gemmCore(c, a, b, m, n, k, <usize>lda, 1, 1, <usize>ldb, ldc, alpha, beta, false);
}

/** C (m×n) = alpha·Aᵀ·B + beta·C; A stored k×m (lda), B k×n (ldb). */
export function gemm_f64_tn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) { scaleC(c, m, n, ldc, beta); return; }
  gemmCore(c, a, b, m, n, k, 1, <usize>lda, 1, <usize>ldb, ldc, alpha, beta, false);
}

/** C (m×n) = alpha·A·Bᵀ + beta·C; A m×k (lda), B stored n×k (ldb). */
export function gemm_f64_nt(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) { scaleC(c, m, n, ldc, beta); return; }
  gemmCore(c, a, b, m, n, k, <usize>lda, 1, <usize>ldb, 1, ldc, alpha, beta, false);
}

/**
 * C (n×n, both triangles written) = alpha·AᵀA + beta·C; A stored k×n (lda), rows are
 * observations. Only the tiles on/above the diagonal are computed, then mirrored; when
 * beta != 0 only the upper triangle of C is read (C is taken as symmetric).
 */
export function syrk_f64_tn(c: usize, a: usize, n: i32, k: i32, lda: i32, ldc: i32, alpha: f64, beta: f64): void {
  if (n <= 0) return;
  if (k <= 0 || alpha == 0) scaleC(c, n, n, ldc, beta);
  else gemmCore(c, a, a, n, n, k, 1, <usize>lda, 1, <usize>lda, ldc, alpha, beta, true);
  mirrorUpper(c, n, ldc);
}
