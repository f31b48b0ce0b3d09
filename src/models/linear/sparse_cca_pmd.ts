/**
 * The penalized matrix decomposition with L1 bounds (Witten, Tibshirani & Hastie 2009,
 * section 4 and algorithm 3) of a dense p×q matrix C (row-major), component by component:
 *
 *   v = the leading right singular vector of the current C (Lanczos, below);
 *   repeat: u ← S(Cv, Δu)/‖S(Cv, Δu)‖₂,  v_new ← S(Cᵀu, Δv)/‖S(Cᵀu, Δv)‖₂,
 *           until max |v_new − v| < tol (or maxIterations rounds);
 *   d = uᵀCv,  C ← C − d·u·vᵀ.
 *
 * S(a, Δ) = sign(a)·max(|a| − Δ, 0); Δ = 0 when that unit vector's L1 norm is within the
 * bound c, else the Δ at which it equals c exactly (unitL1). u and v are flipped together so
 * that u's largest-magnitude entry (the first of equals) is positive.
 *
 * The matrix products skip the zero entries of u and v, so a sparse round costs
 * p·nnz(v) + q·nnz(u), not 2pq.
 */
import * as W from '../../wasm/index.js';
import { Matrix } from '../../wasm/index.js';
import { eigh } from '../../linalg/ops.js';

/**
 * out = S(a, Δ)/‖S(a, Δ)‖₂ for the smallest Δ ≥ 0 that keeps ‖out‖₁ ≤ c (a ≠ 0, c ≥ 1),
 * exactly: on the magnitudes sorted in descending order b₁ ≥ b₂ ≥ …, with the top k active,
 * ‖S‖₁/‖S‖₂ = √k·t/√(t² + σ²) (t = their mean − Δ, σ² their variance), which equals c at
 * t = c·σ/√(k − c²); the first k whose interval [b_{k+1}, b_k] holds that root gives Δ.
 * When the m largest magnitudes are tied and √m > c no Δ meets the bound: out is then the
 * limit, ±1/√m on those m entries (L1 norm √m). `sorted` is scratch of a's length.
 * Returns false (out untouched) when a is zero.
 */
export function unitL1(a: Float64Array, c: number, out: Float64Array, sorted: Float64Array): boolean {
  const m = a.length;
  let big = 0;
  for (let i = 0; i < m; i++) big = Math.max(big, Math.abs(a[i]!));
  if (!(big > 0)) return false;
  // in units of the largest magnitude: nothing overflows or underflows
  let l1 = 0, l2 = 0;
  for (let i = 0; i < m; i++) {
    const x = a[i]! / big;
    l1 += Math.abs(x);
    l2 += x * x;
  }
  let delta = 0, tied = -1;
  if (l1 > c * Math.sqrt(l2)) {
    for (let i = 0; i < m; i++) sorted[i] = Math.abs(a[i]!) / big;
    sorted.sort();
    // the top k's mean and sum of squared deviations, one more entry at a time (Welford)
    let mean = 0, ss = 0;
    for (let k = 1; k <= m; k++) {
      const b = sorted[m - k]!, d = b - mean;
      mean += d / k;
      ss += d * (b - mean);
      const next = k < m ? sorted[m - k - 1]! : 0, t = mean - next, v = ss / k;
      if (!(t > 0) || (k - c * c) * t * t < c * c * v) continue;
      if (v === 0) tied = b;
      else delta = Math.min(Math.max(mean - c * Math.sqrt(v / (k - c * c)), next), b);
      break;
    }
  }
  let n2 = 0;
  for (let i = 0; i < m; i++) {
    const x = a[i]! / big, s = tied >= 0 ? (Math.abs(x) >= tied ? Math.sign(x) : 0) : Math.sign(x) * Math.max(Math.abs(x) - delta, 0);
    out[i] = s || 0; // +0, not −0, for a thresholded negative entry
    n2 += s * s;
  }
  const nrm = Math.sqrt(n2);
  for (let i = 0; i < m; i++) out[i] = out[i]! / nrm;
  return true;
}

/** The indices of w's non-zero entries (into `idx`), and their count. */
function nonZeros(w: Float64Array, idx: Int32Array): number {
  let k = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) idx[k++] = i;
  return k;
}

/**
 * out = Mᵀ·w for a row-major M with `cols` columns, over w's non-zeros `nz` (count `k`): a
 * sum of M's rows, each read contiguously (C·v runs on Cᵀ's rows, Cᵀ·u on C's).
 */
function sumRows(M: Float64Array, cols: number, w: Float64Array, nz: Int32Array, k: number, out: Float64Array): void {
  out.fill(0);
  for (let l = 0; l < k; l++) {
    const i = nz[l]!, x = w[i]!, o = i * cols;
    for (let j = 0; j < cols; j++) out[j] = out[j]! + M[o + j]! * x;
  }
}

/** out = G·x for the symmetric m×m G (two accumulators per row). */
function symv(G: Float64Array, x: Float64Array, out: Float64Array, m: number): void {
  for (let r = 0; r < m; r++) {
    const o = r * m;
    let s0 = 0, s1 = 0, c = 0;
    for (; c + 1 < m; c += 2) {
      s0 += G[o + c]! * x[c]!;
      s1 += G[o + c + 1]! * x[c + 1]!;
    }
    if (c < m) s0 += G[o + c]! * x[c]!;
    out[r] = s0 + s1;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** a ← a·f */
function scaleBy(a: Float64Array, f: number): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! * f;
  return a;
}

/** A fixed, generic start for Lanczos (xorshift32 from a constant seed; the same on every engine). */
function lanczosStart(m: number): Float64Array {
  const x = new Float64Array(m);
  let s = 0x2545f491, n2 = 0;
  for (let i = 0; i < m; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = (s >>> 0) / 4294967296 - 0.5;
    n2 += x[i]! * x[i]!;
  }
  const n = Math.sqrt(n2);
  return scaleBy(x, 1 / n);
}

/**
 * The leading eigenvector of the symmetric m×m G (row-major; positive semi-definite) by
 * Lanczos with full reorthogonalisation, stopped when the Ritz residual β·|sₖ| falls to
 * 1e-14 of the Ritz value (or the Krylov space is exhausted; checked after 4, 6, 9, … steps,
 * every other step once it is below 1e-7); the small tridiagonal's eigenvectors by eigh.
 * Exact up to rounding once m steps are taken.
 */
export function leadingEigenvector(G: Float64Array, m: number): Float64Array {
  const Q: Float64Array[] = [lanczosStart(m)], alpha: number[] = [], beta: number[] = [];
  let check = 4;
  for (let j = 0; ; j++) {
    const w = new Float64Array(m);
    symv(G, Q[j]!, w, m);
    alpha.push(dot(Q[j]!, w));
    // full reorthogonalisation, twice (classical Gram–Schmidt against every earlier vector)
    for (let pass = 0; pass < 2; pass++)
      for (const v of Q) {
        const t = dot(v, w);
        for (let r = 0; r < m; r++) w[r] = w[r]! - t * v[r]!;
      }
    const b = Math.sqrt(dot(w, w)), last = j + 1 === m || !(b > 0);
    if (last || j + 1 === check) {
      const k = j + 1, T = new Float64Array(k * k);
      for (let i = 0; i < k; i++) {
        T[i * k + i] = alpha[i]!;
        if (i + 1 < k) T[i * k + i + 1] = T[(i + 1) * k + i] = beta[i]!;
      }
      const { values, vectors } = eigh({ data: T, rows: k, cols: k });
      const S = vectors.toFloat64Array();
      vectors.dispose();
      const residual = b * Math.abs(S[(k - 1) * k]!) / Math.abs(values[0]!);
      if (last || residual <= 1e-14) {
        const y = new Float64Array(m);
        for (let i = 0; i < k; i++) {
          const s = S[i * k]!, v = Q[i]!;
          for (let r = 0; r < m; r++) y[r] = y[r]! + s * v[r]!;
        }
        return scaleBy(y, 1 / Math.sqrt(dot(y, y)));
      }
      // the residual falls about geometrically: checks every 1.5× the steps, every other step near the end
      check = residual < 1e-7 ? k + 2 : Math.ceil(k * 1.5);
    }
    beta.push(b);
    Q.push(scaleBy(w, 1 / b));
  }
}

/** The settings of a decomposition: L1 bounds (c·√p, c·√q), tolerance and round limit. */
export interface PMDSettings {
  lx: number;
  ly: number;
  tol: number;
  maxIterations: number;
}

/** One component: unit u (p) and v (q), d = uᵀCv, the rounds taken and whether max |Δv| fell below tol. */
export interface PMDComponent {
  u: Float64Array;
  v: Float64Array;
  d: number;
  iterations: number;
  converged: boolean;
}

/** The largest magnitude in a. */
function largest(a: Float64Array): number {
  let big = 0;
  for (let i = 0; i < a.length; i++) big = Math.max(big, Math.abs(a[i]!));
  return big;
}

/**
 * The PMD of one matrix, component by component; owns copies of C and Cᵀ (deflated as it
 * goes: each product reads rows) and the Gram matrix of C's smaller side (CᵀC or CCᵀ of C
 * over its largest entry, formed once in wasm and updated by each deflation's rank-two change)
 * for the Lanczos starts.
 */
export class PMD {
  readonly C: Float64Array;
  readonly #CT: Float64Array;
  #G: Float64Array | null = null;
  readonly #scale: number;
  readonly #sortP: Float64Array;
  readonly #sortQ: Float64Array;
  readonly #nzu: Int32Array;
  readonly #nzv: Int32Array;

  constructor(C: Float64Array, readonly p: number, readonly q: number, from?: { CT: Float64Array; scale: number }) {
    this.C = C.slice();
    if (from) this.#CT = from.CT.slice();
    else {
      const CT = (this.#CT = new Float64Array(p * q));
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) CT[j * p + i] = C[i * q + j]!;
    }
    this.#scale = from ? from.scale : largest(C);
    this.#sortP = new Float64Array(p);
    this.#sortQ = new Float64Array(q);
    this.#nzu = new Int32Array(p);
    this.#nzv = new Int32Array(q);
  }

  /** A copy (C, Cᵀ and the Gram matrix once formed) that deflates on its own. */
  fork(): PMD {
    const f = new PMD(this.C, this.p, this.q, { CT: this.#CT, scale: this.#scale });
    f.#G = this.#G && this.#G.slice();
    return f;
  }

  /** True when what is left of C is zero to rounding (largest |entry| ≤ 1e-13 of the original's). */
  get exhausted(): boolean {
    return !(largest(this.C) > 1e-13 * this.#scale);
  }

  /** The leading right singular vector of the current C (unit; either sign). */
  start(): Float64Array {
    const { p, q, C } = this;
    const small = Math.min(p, q);
    if (!this.#G) {
      // in units of the original C's largest entry: CᵀC of entries near 1e±200 neither overflows nor underflows
      // (divided, not times 1/s: 1/s overflows for a subnormal s)
      const c = Matrix.empty(p, q), s = this.#scale || 1, g = Matrix.empty(small, small);
      try {
        const cd = c.data;
        for (let i = 0; i < p * q; i++) cd[i] = C[i]! / s;
        if (q <= p) W.syrk(g, c, 1, 0);
        else W.gemm(g, c, c, false, true);
        this.#G = g.toFloat64Array();
      } finally {
        c.dispose();
        g.dispose();
      }
    }
    const e = leadingEigenvector(this.#G, small);
    if (q <= p) return e;
    // the left vector u; v = Cᵀu/‖Cᵀu‖
    const v = new Float64Array(q);
    sumRows(C, q, e, Int32Array.from({ length: p }, (_, i) => i), p, v);
    // over its largest entry first: the squares of entries near 1e200 overflow
    const big = largest(v);
    for (let j = 0; j < q; j++) v[j] = v[j]! / big;
    return scaleBy(v, 1 / Math.sqrt(dot(v, v)));
  }

  /**
   * The next component from the start v0, then (unless `deflate` is false) deflates C and the
   * Gram matrix; null when a product came out zero (nothing left to decompose).
   */
  component(v0: Float64Array, s: PMDSettings, deflate = true): PMDComponent | null {
    const { p, q, C } = this, CT = this.#CT, nzu = this.#nzu, nzv = this.#nzv;
    const cv = new Float64Array(p), ctu = new Float64Array(q), u = new Float64Array(p);
    let v = v0.slice(), w = new Float64Array(q), it = 0, change = Infinity;
    while (it < s.maxIterations) {
      it++;
      sumRows(CT, p, v, nzv, nonZeros(v, nzv), cv);
      if (!unitL1(cv, s.lx, u, this.#sortP)) return null;
      sumRows(C, q, u, nzu, nonZeros(u, nzu), ctu);
      if (!unitL1(ctu, s.ly, w, this.#sortQ)) return null;
      change = 0;
      for (let j = 0; j < q; j++) change = Math.max(change, Math.abs(w[j]! - v[j]!));
      const t = v;
      v = w;
      w = t;
      if (change < s.tol) break;
    }
    // d = uᵀCv, with Cv for the final v (and Cᵀu for u): the deflation's rank-two Gram update needs them
    const ku = nonZeros(u, nzu), kv = nonZeros(v, nzv);
    sumRows(CT, p, v, nzv, kv, cv);
    sumRows(C, q, u, nzu, ku, ctu);
    const d = dot(u, cv);
    let big = 0;
    for (let i = 1; i < p; i++) if (Math.abs(u[i]!) > Math.abs(u[big]!)) big = i;
    const sign = u[big]! < 0 ? -1 : 1;
    if (deflate) this.#deflate(u, v, d, cv, ctu, ku, kv);
    // flipped without making −0 of the zeros
    if (sign < 0) {
      for (let i = 0; i < p; i++) u[i] = -u[i]! || 0;
      for (let j = 0; j < q; j++) v[j] = -v[j]! || 0;
    }
    return { u, v, d, iterations: it, converged: change < s.tol };
  }

  /** C ← C − d·u·vᵀ (and Cᵀ, on u's and v's non-zeros), and its Gram matrix by the same change. */
  #deflate(u: Float64Array, v: Float64Array, d: number, cv: Float64Array, ctu: Float64Array, ku: number, kv: number): void {
    const { p, q, C } = this, CT = this.#CT, nzu = this.#nzu, nzv = this.#nzv;
    for (let a = 0; a < ku; a++) {
      const i = nzu[a]!, f = d * u[i]!;
      for (let b = 0; b < kv; b++) {
        const j = nzv[b]!, x = C[i * q + j]! - f * v[j]!;
        C[i * q + j] = x;
        CT[j * p + i] = x;
      }
    }
    const G = this.#G;
    if (!G) return;
    // CᵀC: G − d(v·(Cᵀu)ᵀ + (Cᵀu)·vᵀ) + d²(uᵀu)·v·vᵀ; CCᵀ the same with the roles swapped (in G's units: C/s)
    const [x, y, m, nz, k, other] = q <= p ? [v, ctu, q, nzv, kv, u] : [u, cv, p, nzu, ku, v];
    const s = this.#scale || 1, ds = d / s, dd = ds * ds * dot(other, other);
    for (let a = 0; a < k; a++) {
      const i = nz[a]!, xi = x[i]!;
      for (let j = 0; j < m; j++) {
        const t = ds * xi * (y[j]! / s);
        G[i * m + j] = G[i * m + j]! - t;
        G[j * m + i] = G[j * m + i]! - t;
      }
      for (let b = 0; b < k; b++) {
        const j = nz[b]!;
        G[i * m + j] = G[i * m + j]! + dd * xi * x[j]!;
      }
    }
  }
}
