/**
 * Mergeable sufficient statistics of two views (Chan, Golub & LeVeque): row count, means,
 * centred co-moment matrices Mxx, Myy, Mxy and, when asked for (`fourth`), the fourth- and
 * third-order sums of the joined row z = [x, y] (P = p + q columns), Q = Σ (z − mean)²(z − mean)²ᵀ
 * and T = Σ (z − mean)²(z − mean)ᵀ (P×P, squares elementwise), that the unit-free shrinkage
 * of regularization 'auto' (Schäfer & Strimmer) needs; T only serves their pairwise merge
 * (Pébay 2008). Chunks and shards combine exactly: update(chunk) and merge(other) give the
 * same statistics (to rounding) as one pass over all rows.
 */
import * as W from '../wasm/index.js';
import { Matrix, rowBlocks, withScratch, type RowSource } from '../wasm/index.js';
import { ShapeError } from '../errors.js';

/** Per-view part of the statistics. */
export interface ViewMoments {
  mean: Float64Array;
  /** Σ (x − mean)(x − mean)ᵀ, p×p */
  M: Matrix;
}

/** Why a CoMoments holds no fourth-order sums (null: it holds them). */
export type WithoutFourth = 'not asked' | 'moments' | 'old file' | null;

export class CoMoments {
  n = 0;
  readonly x: ViewMoments;
  readonly y: ViewMoments;
  /** Σ (x − mean_x)(y − mean_y)ᵀ, p×q */
  readonly Mxy: Matrix;
  /**
   * with `fourth`: Σ (z̃ᵢ)²(z̃ⱼ)² of the joined centred rows z = [x, y] in the units of F,
   * z̃ᵢ = (zᵢ − meanᵢ)/Fᵢ, P×P (symmetric)
   */
  Q: Matrix | null = null;
  /** with `fourth`: Σ (z̃ᵢ)²z̃ⱼ, P×P */
  T: Matrix | null = null;
  /**
   * with `fourth`: a power of two per joined column, the units of Q and T (so that fourth
   * powers of values near 1e±100 neither overflow nor underflow; powers of two scale exactly,
   * so the choice changes no bit)
   */
  F: Float64Array | null = null;
  /** true once any of the statistics came from fromMoments (n, means and covariances only) */
  external = false;
  /** why Q and T are missing (null: kept, valid for every row counted) */
  without: WithoutFourth;

  /** `fourth`: also keep the fourth-order sums (regularization 'auto' needs them; about 2.5× the work per row). */
  constructor(readonly p: number, readonly q: number, fourth = false) {
    this.without = fourth ? null : 'not asked';
    const owned: Matrix[] = [];
    const m = (r: number, c: number) => {
      const a = Matrix.zeros(r, c);
      owned.push(a);
      return a;
    };
    try {
      this.x = { mean: new Float64Array(p), M: m(p, p) };
      this.y = { mean: new Float64Array(q), M: m(q, q) };
      this.Mxy = m(p, q);
      if (fourth) {
        this.Q = m(p + q, p + q);
        this.T = m(p + q, p + q);
        this.F = new Float64Array(p + q).fill(1);
      }
    } catch (e) {
      for (const a of owned) a.dispose();
      throw e;
    }
  }

  /** True when the fourth-order sums are kept for every row counted. */
  get fourth(): boolean {
    return this.without === null;
  }

  /**
   * Rows per block for p + q columns: about 8 MiB of input and as much of centred scratch
   * per block, whatever the row count (at least 256 rows, so that a block's O(n(p+q)²) work
   * dwarfs the O((p+q)²) merge).
   */
  static blockRows(p: number, q: number): number {
    return Math.max(256, Math.floor(2 ** 20 / (p + q)));
  }

  /** Adds the rows of two row sources (shapes already checked) a block of blockRows at a time. */
  addRows(x: RowSource, y: RowSource): void {
    for (const [start, count] of rowBlocks(x.rows, CoMoments.blockRows(this.p, this.q))) this.update(x.block(start, count), y.block(start, count));
  }

  /** Adds the rows of X (n×p) and Y (n×q) in one pass (its scratch is n×(p+q), twice with `fourth`); shapes already checked. */
  update(X: Matrix, Y: Matrix): void {
    const n = X.rows, p = this.p, q = this.q;
    const chunk = new CoMoments(p, q, this.fourth);
    try {
      withScratch((s) => {
        const mx = s.matrix(1, p), my = s.matrix(1, q), xc = s.matrix(n, p), yc = s.matrix(n, q);
        W.colMeans(mx, X);
        W.colMeans(my, Y);
        W.center(xc, X, mx);
        W.center(yc, Y, my);
        W.syrk(chunk.x.M, xc, 1, 0);
        W.syrk(chunk.y.M, yc, 1, 0);
        W.gemm(chunk.Mxy, xc, yc, true, false, 1, 0);
        if (chunk.fourth) fourthSums(chunk.Q!, chunk.T, chunk.F!, xc, yc, s.matrix(n, p + q), s.matrix(n, p + q));
        chunk.x.mean.set(mx.data);
        chunk.y.mean.set(my.data);
      });
      chunk.n = n;
      this.merge(chunk);
    } finally {
      chunk.dispose();
    }
  }

  /** Folds `other`'s statistics into this one (other is left unchanged). */
  merge(other: CoMoments): void {
    if (other.n === 0) return;
    this.external ||= other.external;
    // the fourth-order sums survive only when both sides hold them
    if (this.fourth && !other.fourth) this.dropFourth(other.without!);
    if (this.n === 0) {
      this.n = other.n;
      copyView(this.x, other.x);
      copyView(this.y, other.y);
      this.Mxy.data.set(other.Mxy.data);
      if (this.Q && other.Q) this.Q.data.set(other.Q.data);
      if (this.T && other.T) this.T.data.set(other.T.data);
      if (this.F && other.F) this.F.set(other.F);
      return;
    }
    const na = this.n, nb = other.n, n = na + nb;
    const dx = sub(other.x.mean, this.x.mean), dy = sub(other.y.mean, this.y.mean);
    // shift each side's fourth-order sums to the merged mean before the M's change
    if (this.fourth) {
      const d = new Float64Array(this.p + this.q);
      d.set(dx);
      d.set(dy, this.p);
      // the other's sums in this one's units first (powers of two: exact)
      const sa = shiftFourth(this, this.Q!.data, this.T!.data, na, d, nb / n), sb = shiftFourth(this, ...inUnits(other, this.F!), nb, d, -na / n, other);
      const Q = this.Q!.data, T = this.T!.data;
      for (let i = 0; i < Q.length; i++) {
        Q[i] = sa.Q[i]! + sb.Q[i]!;
        T[i] = sa.T[i]! + sb.T[i]!;
      }
    }
    const w = (na * nb) / n;
    withScratch((s) => {
      const px = s.matrix(1, this.p), py = s.matrix(1, this.q);
      px.data.set(dx);
      py.data.set(dy);
      addInto(this.x.M, other.x.M);
      addInto(this.y.M, other.y.M);
      addInto(this.Mxy, other.Mxy);
      W.ger(this.x.M, px, px, w);
      W.ger(this.y.M, py, py, w);
      W.ger(this.Mxy, px, py, w);
    });
    for (const [v, d] of [
      [this.x, dx],
      [this.y, dy],
    ] as const)
      for (let j = 0; j < v.mean.length; j++) v.mean[j] = v.mean[j]! + (d[j]! * nb) / n;
    this.n = n;
  }

  /** Forgets the fourth-order sums (statistics without them joined, for the reason given). */
  dropFourth(why: Exclude<WithoutFourth, null>): void {
    if (this.without === null) this.without = why;
    this.Q?.dispose();
    this.T?.dispose();
    this.Q = this.T = null;
    this.F = null;
  }

  /** The co-moments of the joined rows [x, y], P×P row-major (a JS copy). */
  joint(): Float64Array {
    return jointOf(this.x.M.data, this.y.M.data, this.Mxy.data, this.p, this.q);
  }

  dispose(): void {
    this.x.M.dispose();
    this.y.M.dispose();
    this.Mxy.dispose();
    this.Q?.dispose();
    this.T?.dispose();
  }
}

/**
 * `stats` with another model's statistics merged in (null: a fresh copy of them), for a
 * model's merge(other): the columns must agree (a ShapeError naming `other`); `other` is left
 * unchanged and a failure leaves `stats` as it was. Returns the statistics.
 */
export function mergedInto(stats: CoMoments | null, other: CoMoments): CoMoments {
  if (stats) {
    if (other.p !== stats.p) throw new ShapeError('other', `X with ${stats.p} columns`, `${other.p} columns`);
    if (other.q !== stats.q) throw new ShapeError('other', `Y with ${stats.q} columns`, `${other.q} columns`);
    stats.merge(other);
    return stats;
  }
  const s = new CoMoments(other.p, other.q);
  try {
    s.merge(other);
  } catch (e) {
    s.dispose();
    throw e;
  }
  return s;
}

/**
 * Adds the rows of a chunk to `stats` (null: the chunk's statistics become them) as one whole:
 * the chunk's rows gather apart and join at once, so a chunk that fails part-way (out of
 * memory) leaves none of its rows counted. Returns the statistics. `fourth` as the constructor's.
 */
export function addChunk(stats: CoMoments | null, x: RowSource, y: RowSource, fourth = false): CoMoments {
  const chunk = new CoMoments(x.cols, y.cols, fourth);
  try {
    chunk.addRows(x, y);
    if (stats) stats.merge(chunk);
  } catch (e) {
    chunk.dispose();
    throw e;
  }
  if (!stats) return chunk;
  chunk.dispose();
  return stats;
}

function copyView(dst: ViewMoments, src: ViewMoments) {
  dst.mean.set(src.mean);
  dst.M.data.set(src.M.data);
}

/** [[Mx, Mxy], [Mxyᵀ, My]], (p + q)² row-major. */
export function jointOf(Mx: Float64Array, My: Float64Array, Mxy: Float64Array, p: number, q: number): Float64Array {
  const P = p + q, J = new Float64Array(P * P);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) J[i * P + j] = Mx[i * p + j]!;
    for (let j = 0; j < q; j++) J[i * P + p + j] = J[(p + j) * P + i] = Mxy[i * q + j]!;
  }
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) J[(p + i) * P + p + j] = My[i * q + j]!;
  return J;
}

/**
 * Q = Σ z̃²(z̃²)ᵀ and (T not null) T = Σ z̃²z̃ᵀ of the joined centred rows z = [xc, yc] in units
 * F, which it sets (z̃ⱼ = zⱼ/Fⱼ, Fⱼ the power of two of column j's largest magnitude), through
 * the n×P scratch `z` and `sq` (the rows joined and scaled, and squared).
 */
export function fourthSums(Q: Matrix, T: Matrix | null, F: Float64Array, xc: Matrix, yc: Matrix, z: Matrix, sq: Matrix): void {
  const n = xc.rows, p = xc.cols, q = yc.cols, P = p + q, a = xc.data, b = yc.data, zd = z.data, sd = sq.data;
  const big = new Float64Array(P);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) big[j] = Math.max(big[j]!, Math.abs(a[r * xc.ld + j]!));
    for (let j = 0; j < q; j++) big[p + j] = Math.max(big[p + j]!, Math.abs(b[r * yc.ld + j]!));
  }
  for (let j = 0; j < P; j++) F[j] = powerOfTwo(big[j]!);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) zd[r * P + j] = a[r * xc.ld + j]! / F[j]!;
    for (let j = 0; j < q; j++) zd[r * P + p + j] = b[r * yc.ld + j]! / F[p + j]!;
  }
  for (let i = 0; i < n * P; i++) sd[i] = zd[i]! * zd[i]!;
  W.syrk(Q, sq, 1, 0);
  if (T) W.gemm(T, sq, z, true, false, 1, 0);
}

const BITS = new DataView(new ArrayBuffer(8));

/** 2^⌊log₂ v⌋ for a normal v > 0, read from its exponent bits (the same in every engine); 1 for 0 and subnormals. */
export function powerOfTwo(v: number): number {
  BITS.setFloat64(0, v);
  const e = (BITS.getUint32(0) >>> 20) & 0x7ff;
  if (e === 0 || e === 0x7ff) return 1;
  BITS.setUint32(0, e << 20);
  BITS.setUint32(4, 0);
  return BITS.getFloat64(0);
}

/** `other`'s Q and T expressed in units F (each entry times powers of two: exact barring overflow). */
function inUnits(other: CoMoments, F: Float64Array): [Float64Array, Float64Array] {
  const P = F.length, G = other.F!, Q0 = other.Q!.data, T0 = other.T!.data;
  const Q = new Float64Array(P * P), T = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    const ri = G[i]! / F[i]!;
    for (let j = 0; j < P; j++) {
      const rj = G[j]! / F[j]!;
      Q[i * P + j] = Q0[i * P + j]! * (ri * ri) * (rj * rj);
      T[i * P + j] = T0[i * P + j]! * (ri * ri) * rj;
    }
  }
  return [Q, T];
}

function sub(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

function addInto(dst: Matrix, src: Matrix) {
  const d = dst.data, s = src.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]!;
}

/**
 * The joined rows' fourth- and third-order sums Q0, T0 (in the units F of `units`; about the
 * rows' own mean, so Σy = 0 for the centred rows y; M the joint co-moments of `v`, the
 * statistics they belong to) re-expressed about mean + d, d = delta·frac (Pébay 2008, for a pair of columns i, j):
 *   Σ (yᵢ − dᵢ)²(yⱼ − dⱼ)² = Qᵢⱼ − 2dⱼTᵢⱼ − 2dᵢTⱼᵢ + dⱼ²Mᵢᵢ + dᵢ²Mⱼⱼ + 4dᵢdⱼMᵢⱼ + n dᵢ²dⱼ²
 *   Σ (yᵢ − dᵢ)²(yⱼ − dⱼ)  = Tᵢⱼ − dⱼMᵢᵢ − 2dᵢMᵢⱼ − n dᵢ²dⱼ
 */
function shiftFourth(units: CoMoments, Q0: Float64Array, T0: Float64Array, n: number, delta: Float64Array, frac: number, v: CoMoments = units): { Q: Float64Array; T: Float64Array } {
  const p = delta.length, F = units.F!;
  // everything in the units F: d/F and M/(FᵢFⱼ)
  const d = new Float64Array(p);
  for (let j = 0; j < p; j++) d[j] = (delta[j]! * frac) / F[j]!;
  const M = v.joint();
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) M[i * p + j] = M[i * p + j]! / (F[i]! * F[j]!);
  const Q = new Float64Array(p * p), T = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const di = d[i]!, mii = M[i * p + i]!;
    for (let j = 0; j < p; j++) {
      const dj = d[j]!, mij = M[i * p + j]!, mjj = M[j * p + j]!;
      Q[i * p + j] = Q0[i * p + j]! - 2 * dj * T0[i * p + j]! - 2 * di * T0[j * p + i]! + dj * dj * mii + di * di * mjj + 4 * di * dj * mij + n * di * di * dj * dj;
      T[i * p + j] = T0[i * p + j]! - dj * mii - 2 * di * mij - n * di * di * dj;
    }
  }
  return { Q, T };
}
