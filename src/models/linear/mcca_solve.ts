/**
 * The multi-view eigenproblems: Wᵢ = (Σᵢᵢ + rᵢI)^-1/2 and the top eigenpairs of the whitened
 * block matrix M, shared by MCCA (identity blocks on the diagonal: C w = λ D w) and GCCA
 * (WᵢΣᵢᵢWᵢ on it); MCCA's weights and the correlations of the views' variates. With `scale`
 * the covariance is that of the standardised columns (CCA's columnScales and order of
 * operations), and the weights found for it are divided by the columns' standard deviations.
 */
import type { Matrix, MatrixResult } from '../../wasm/index.js';
import type { CoMoments } from '../../linalg/comoments.js';
import { eigh, invSqrt, matmul } from '../../linalg/ops.js';
import { SingularMatrixError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { viewMeans, type ViewsFit } from './multiview.js';
import { columnScales } from './cca_core.js';
import { viewStats, type ViewStats } from './mcca_interpret.js';

export interface Fit extends ViewsFit {
  /** per view, p_i×k row-major */
  weights: Float64Array[];
  eigenvalues: Float64Array;
  correlations: Float64Array;
  /** per component, m×m row-major */
  pairwise: Float64Array[];
  /** the columns' training covariances with the variates, and their variances (null: a file of version 1) */
  stats: ViewStats | null;
}

/** Sign rule: in each component the first view's weight of largest magnitude is positive (all views flip together). */
export function orientSigns(weights: Float64Array[], dims: number[], k: number): void {
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let a = 0; a < dims[0]!; a++) if (Math.abs(weights[0]![a * k + c]!) > Math.abs(best)) best = weights[0]![a * k + c]!;
    if (best < 0) for (const [i, w] of weights.entries()) for (let a = 0; a < dims[i]!; a++) w[a * k + c] = -w[a * k + c]!;
  }
}

/** The standard deviations (n − 1) of the concatenated views' columns from the two-sided co-moments (a constant column: 1). */
export function joinedScales(s: CoMoments): Float64Array {
  const sd = new Float64Array(s.p + s.q);
  columnScales(s.x.M.data, s.n, sd.subarray(0, s.p));
  columnScales(s.y.M.data, s.n, sd.subarray(s.p));
  return sd;
}

/**
 * The full covariance of the concatenated views from the two-sided co-moments; with `sd`
 * (joinedScales) that of the standardised columns, each co-moment divided by sdᵢ·sdⱼ first.
 */
export function covariance(s: CoMoments, sd: Float64Array | null = null): Float64Array {
  const p = s.p, q = s.q, P = p + q, c = 1 / (s.n - 1), C = new Float64Array(P * P);
  const xx = s.x.M.data, yy = s.y.M.data, xy = s.Mxy.data;
  if (sd) {
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * P + j] = (xx[i * p + j]! / (sd[i]! * sd[j]!)) * c;
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) C[(p + i) * P + p + j] = (yy[i * q + j]! / (sd[p + i]! * sd[p + j]!)) * c;
    for (let i = 0; i < p; i++)
      for (let j = 0; j < q; j++) {
        const v = (xy[i * q + j]! / (sd[i]! * sd[p + j]!)) * c;
        C[i * P + p + j] = v;
        C[(p + j) * P + i] = v;
      }
    return C;
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * P + j] = xx[i * p + j]! * c;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) C[(p + i) * P + p + j] = yy[i * q + j]! * c;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < q; j++) {
      const v = xy[i * q + j]! * c;
      C[i * P + p + j] = v;
      C[(p + j) * P + i] = v;
    }
  return C;
}

/** Weights for the standardised columns to weights for the raw ones, in place: view i's row a divided by its column's sd. */
export function rawWeights(weights: Float64Array[], dims: number[], off: number[], sd: Float64Array, k: number): void {
  for (const [i, w] of weights.entries())
    for (let a = 0; a < dims[i]!; a++) {
      const d = sd[off[i]! + a]!;
      for (let c = 0; c < k; c++) w[a * k + c] = w[a * k + c]! / d;
    }
}

export function block(C: Float64Array, P: number, r0: number, c0: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(C.subarray((r0 + i) * P + c0, (r0 + i) * P + c0 + cols), i * cols);
  return out;
}

/**
 * The shared eigenproblem of MCCA and GCCA: Wᵢ = (Σᵢᵢ + rᵢI)^-1/2 and the top k eigenpairs of
 * M (WᵢΣᵢⱼWⱼ off the diagonal; identity blocks on it, or WᵢΣᵢᵢWᵢ with whitenedDiagonal). `use` gets the covariance C of the
 * joined views (P×P; with `standardise`, of the standardised columns, and their standard
 * deviations sd, else null), the view offsets, the Wᵢ (wasm, freed after), the eigenvalues and
 * the eigenvectors (P×P row-major, columns descending).
 */
export function whitenedEigen<T>(
  s: CoMoments,
  dims: number[],
  ridges: number[],
  whitenedDiagonal: boolean,
  standardise: boolean,
  use: (e: { C: Float64Array; sd: Float64Array | null; P: number; off: number[]; W: Matrix[]; values: Float64Array; V: Float64Array }) => T,
): T {
  const m = dims.length, P = s.p + s.q, sd = standardise ? joinedScales(s) : null, C = covariance(s, sd);
  const off = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
  const owner = new Owner(), own = owner.own;
  try {
    // Wᵢ = (Σᵢᵢ + rᵢI)^-1/2
    const Wm = dims.map((p, i) => {
      const D = block(C, P, off[i]!, off[i]!, p, p);
      for (let j = 0; j < p; j++) D[j * p + j] = D[j * p + j]! + ridges[i]!;
      try {
        return own(invSqrt({ data: D, rows: p, cols: p }, `views[${i}]'s covariance`).matrix);
      } catch (e) {
        if (e instanceof SingularMatrixError)
          throw new SingularMatrixError(`views[${i}]: ${e.message}${ridges[i] === 0 ? '; it has constant or collinear columns (or fewer rows than columns). Add a ridge, e.g. new MCCA({ regularization: 1e-4 })' : '; use a larger ridge'}`);
        throw e;
      }
    });
    // M: Wᵢ Σᵢⱼ Wⱼ off the diagonal; on it identity blocks (MCCA) or Wᵢ Σᵢᵢ Wᵢ = I − rᵢWᵢ² (GCCA's YᵀY)
    const M = new Float64Array(P * P);
    for (let i = 0; i < m; i++) {
      if (!whitenedDiagonal) for (let a = 0; a < dims[i]!; a++) M[(off[i]! + a) * P + off[i]! + a] = 1;
      for (let j = whitenedDiagonal ? i : i + 1; j < m; j++) {
        const left = own(matmul(Wm[i]!, { data: block(C, P, off[i]!, off[j]!, dims[i]!, dims[j]!), rows: dims[i]!, cols: dims[j]! }));
        const T = own(matmul(left, Wm[j]!));
        const t = T.toShaped().data;
        for (let a = 0; a < dims[i]!; a++)
          for (let b = 0; b < dims[j]!; b++) {
            M[(off[i]! + a) * P + off[j]! + b] = t[a * dims[j]! + b]!;
            M[(off[j]! + b) * P + off[i]! + a] = t[a * dims[j]! + b]!;
          }
      }
    }
    const { values, vectors } = eigh({ data: M, rows: P, cols: P });
    own(vectors);
    const V = vectors.toShaped().data;
    return use({ C, sd, P, off, W: Wm, values, V });
  } finally {
    owner.dispose();
  }
}

/** Wᵢ·v (p×p times p×k) as a JS array. */
export function timesW(W: Matrix, v: Float64Array, p: number, k: number): Float64Array {
  const w = matmul(W, { data: v, rows: p, cols: k });
  try {
    return Float64Array.from(w.toShaped().data);
  } finally {
    w.dispose();
  }
}

/** MCCA's fit: k components, with `standardise` on the standardised columns (weights for the raw ones). */
export function solve(s: CoMoments, dims: number[], ridges: number[], k: number, standardise = false): Fit {
  return whitenedEigen(s, dims, ridges, false, standardise, ({ C, sd, P, off, W: Wm, values, V }) => {
    // wᵢ = Wᵢ vᵢ, each view's columns scaled to unit ridged variance (‖vᵢ‖ = 1)
    const weights = dims.map((p, i) => {
      const v = new Float64Array(p * k);
      for (let a = 0; a < p; a++) for (let c = 0; c < k; c++) v[a * k + c] = V[(off[i]! + a) * P + c]!;
      for (let c = 0; c < k; c++) {
        let nn = 0;
        for (let a = 0; a < p; a++) nn += v[a * k + c]! ** 2;
        const sc = nn > 0 ? 1 / Math.sqrt(nn) : 0;
        for (let a = 0; a < p; a++) v[a * k + c] = v[a * k + c]! * sc;
      }
      return timesW(Wm[i]!, v, p, k);
    });
    // signs and correlations on the standardised columns (neither depends on the units), then the raw columns' weights
    orientSigns(weights, dims, k);
    const { pairwise, correlations } = viewCorrelations(C, P, off, dims, weights, k);
    const stats = viewStats(C, P, off, dims, weights, k, sd);
    if (sd) rawWeights(weights, dims, off, sd, k);
    return { n: s.n, dims: [...dims], means: viewMeans(s, dims), weights, eigenvalues: Float64Array.from(values.subarray(0, k)), correlations, pairwise, stats };
  });
}

/** The power of two nearest x > 0 (1 for 0, and within 2^±1000 so that its reciprocal is one too): scaling by it changes no bit but the exponent. */
function pow2(x: number): number {
  return x > 0 && Number.isFinite(x) ? 2 ** Math.max(-1000, Math.min(1000, Math.round(Math.log2(x)))) : 1;
}

/**
 * Per component, the correlations of the views' variates from a covariance C of the joined
 * views (P×P): wᵢᵀCᵢⱼwⱼ / √(wᵢᵀCᵢᵢwᵢ · wⱼᵀCⱼⱼwⱼ), as m×m matrices and their off-diagonal means.
 * C's columns and each variate's weights are first scaled by powers of two that bring them
 * near 1 (a variate's variance may lie below the range, 1e-316 for a view near 1e-150 under a
 * large ridge): every product is the unscaled one times a power of two, so the correlations
 * have the bits they would have without the scaling wherever that stays in range.
 */
export function viewCorrelations(C: Float64Array, P: number, off: number[], dims: number[], weights: Float64Array[], k: number): { pairwise: Float64Array[]; correlations: Float64Array } {
  const m = dims.length, g = Float64Array.from({ length: P }, (_, a) => pow2(Math.sqrt(C[a * (P + 1)]!)));
  const Ce = C.map((v, i) => v / g[Math.floor(i / P)]! / g[i % P]!);
  const we = weights.map((w, i) => {
    const out = Float64Array.from(w, (v, x) => v * g[off[i]! + Math.floor(x / k)]!);
    for (let c = 0; c < k; c++) {
      let big = 0;
      for (let a = 0; a < dims[i]!; a++) big = Math.max(big, Math.abs(out[a * k + c]!));
      const h = pow2(big);
      for (let a = 0; a < dims[i]!; a++) out[a * k + c] = out[a * k + c]! / h;
    }
    return out;
  });
  const quad = (i: number, j: number, c: number) => {
    let t = 0;
    for (let a = 0; a < dims[i]!; a++) {
      const wa = we[i]![a * k + c]!;
      if (wa === 0) continue;
      const row = (off[i]! + a) * P + off[j]!;
      for (let b = 0; b < dims[j]!; b++) t += wa * Ce[row + b]! * we[j]![b * k + c]!;
    }
    return t;
  };
  const pairwise: Float64Array[] = [], correlations = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const R = new Float64Array(m * m), d = dims.map((_, i) => quad(i, i, c));
    let sum = 0;
    for (let i = 0; i < m; i++) {
      R[i * m + i] = 1;
      for (let j = i + 1; j < m; j++) {
        // √a·√b, not √(ab): the product of two tiny variances underflows
        const r = d[i]! > 0 && d[j]! > 0 ? quad(i, j, c) / (Math.sqrt(d[i]!) * Math.sqrt(d[j]!)) : 0;
        R[i * m + j] = R[j * m + i] = r;
        sum += r;
      }
    }
    pairwise.push(R);
    correlations[c] = sum / ((m * (m - 1)) / 2);
  }
  return { pairwise, correlations };
}

/** Per component, the views' pairwise Pearson correlations and their mean. */
export function pairwiseCorrelations(u: MatrixResult[], n: number, k: number, m: number): { mean: Float64Array } {
  const mean = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const cols = u.map((v) => {
      const x = new Float64Array(n);
      let mu = 0;
      for (let r = 0; r < n; r++) mu += (x[r] = v.data[r * k + c]!);
      mu /= n;
      let ss = 0;
      for (let r = 0; r < n; r++) ss += (x[r] = x[r]! - mu) ** 2;
      return { x, ss };
    });
    let sum = 0;
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j < m; j++) {
        let t = 0;
        for (let r = 0; r < n; r++) t += cols[i]!.x[r]! * cols[j]!.x[r]!;
        sum += cols[i]!.ss > 0 && cols[j]!.ss > 0 ? t / (Math.sqrt(cols[i]!.ss) * Math.sqrt(cols[j]!.ss)) : 0;
      }
    mean[c] = sum / ((m * (m - 1)) / 2);
  }
  return { mean };
}
