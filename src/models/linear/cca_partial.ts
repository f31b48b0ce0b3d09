/**
 * Partial CCA: both views residualised on [1, Z] (covariates Z, n×r) before the fit.
 *
 * The statistics are the co-moments of the joined views A = [X, Y] (p + q columns) against Z,
 * so they stream and merge as every other co-moment does. The residual co-moments follow
 * from them exactly: with the least-squares coefficients B = M_zz⁺·M_za (r×(p + q)),
 *   R = M_aa − M_az·B,
 * the co-moments of the rows a − ā − (z − z̄)·B, i.e. of the views residualised on [1, Z].
 * M_zz⁺ is the pseudo-inverse of Z's co-moments on standardised columns, with eigenvalues
 * below 1e-12 of the largest dropped: collinear covariates project on their span, as a
 * least-squares residualisation does.
 *
 * A fit with covariates keeps x̄, ȳ, z̄ and B; transform, score and predict take Z again and
 * residualise on those coefficients: [X, Z] − [x̄, z̄] times the stacked weights [W; −B·W].
 */
import * as W from '../../wasm/index.js';
import { Matrix, bufferedSource, withScratch, type RowSource } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { eigh } from '../../linalg/ops.js';

/** What a fit with covariates keeps: z̄ (r) and B (r×(p + q), row-major: X's columns, then Y's). */
export interface Covariates {
  means: Float64Array;
  coefficients: Float64Array;
}

/** A row source of [a, b] (same rows): each block both sources' rows side by side. */
export function joinedSource(a: RowSource, b: RowSource): RowSource {
  const ca = a.cols, cb = b.cols, c = ca + cb;
  return bufferedSource(a.rows, c, (view, start, count) => {
    const A = a.block(start, count), B = b.block(start, count);
    // (the blocks may have grown the memory: every data view is taken after them)
    const ad = A.data, bd = B.data, vd = view.data;
    for (let r = 0; r < count; r++) {
      vd.set(ad.subarray(r * ca, (r + 1) * ca), r * c);
      vd.set(bd.subarray(r * cb, (r + 1) * cb), r * c + ca);
    }
  });
}

/**
 * The least-squares coefficients of the joined views on [1, Z] from the co-moments J of
 * A = [X, Y] against Z: B = M_zz⁺·M_za (see the module comment for the pseudo-inverse).
 */
export function covariatesOf(J: CoMoments): Covariates {
  const r = J.q, P = J.p;
  // co-moments that overflowed (values near 1e±300) answer nothing: refused as any overflow is
  for (const m of [J.x.M, J.y.M, J.Mxy]) if (!m.data.every(Number.isFinite)) throw W.overflowError(['X', 'Y', 'options.covariates'], 'co-moments');
  const Mzz = J.y.M.data;
  const d = new Float64Array(r);
  for (let i = 0; i < r; i++) d[i] = Math.sqrt(Mzz[i * r + i]!) || 1;
  const S = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) S[i * r + j] = Mzz[i * r + j]! / (d[i]! * d[j]!);
  const { values, vectors } = eigh({ data: S, rows: r, cols: r });
  const pinv = new Float64Array(r * r);
  try {
    const V = vectors.data, top = Math.max(values[0]!, 0);
    for (let k = 0; k < r; k++) {
      const l = values[k]!;
      if (!(l > 1e-12 * top)) continue;
      for (let i = 0; i < r; i++) {
        const vi = V[i * r + k]! / l;
        if (vi === 0) continue;
        for (let j = 0; j < r; j++) pinv[i * r + j] = pinv[i * r + j]! + vi * V[j * r + k]!;
      }
    }
  } finally {
    vectors.dispose();
  }
  // back to raw units: M_zz⁺ = D⁻¹·S⁺·D⁻¹
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) pinv[i * r + j] = pinv[i * r + j]! / (d[i]! * d[j]!);
  const coefficients = withScratch((s) => {
    const Pm = s.matrix(r, r), B = s.matrix(r, P);
    Pm.data.set(pinv);
    W.gemm(B, Pm, J.Mxy, false, true);
    return B.toFloat64Array();
  });
  return { means: J.y.mean.slice(), coefficients };
}

/**
 * The co-moments (p, q) of the views residualised on [1, Z], from J (of [X, Y] against Z) and
 * its coefficients: R = M_aa − M_az·B, split into X's and Y's blocks. The means are the raw
 * views' (what transform centres with); the caller disposes the result.
 */
export function residualMoments(J: CoMoments, p: number, q: number, cov: Covariates): CoMoments {
  const P = p + q, r = J.q;
  const R = withScratch((s) => {
    const B = s.matrix(r, P), out = s.matrix(P, P);
    B.data.set(cov.coefficients);
    out.data.set(J.x.M.data);
    W.gemm(out, J.Mxy, B, false, false, -1, 1);
    return out.toFloat64Array();
  });
  // symmetric to the last bit (the two triangles came from different sums)
  for (let i = 0; i < P; i++)
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (R[i * P + j]! + R[j * P + i]!);
      R[i * P + j] = R[j * P + i] = v;
    }
  const out = new CoMoments(p, q);
  out.n = J.n;
  out.external = J.external;
  const xx = out.x.M.data;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) xx[i * p + j] = R[i * P + j]!;
  const yy = out.y.M.data;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) yy[i * q + j] = R[(p + i) * P + p + j]!;
  const xy = out.Mxy.data;
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) xy[i * q + j] = R[i * P + p + j]!;
  out.x.mean.set(J.x.mean.subarray(0, p));
  out.y.mean.set(J.x.mean.subarray(p));
  return out;
}

/**
 * The rows of one view residualised on [1, Z] a block at a time: a − ā − (z − z̄)·B_view, with
 * `offset` the view's first column in the joined [X, Y] (0 for X, p for Y).
 */
export function residualSource(a: RowSource, z: RowSource, means: Float64Array, cov: Covariates, offset: number): RowSource {
  const c = a.cols, r = z.cols, P = cov.coefficients.length / r;
  const mean = Matrix.empty(1, c), zMean = Matrix.empty(1, r), B = Matrix.empty(r, c);
  mean.data.set(means.subarray(offset, offset + c));
  zMean.data.set(cov.means);
  const b = B.data;
  for (let i = 0; i < r; i++) b.set(cov.coefficients.subarray(i * P + offset, i * P + offset + c), i * c);
  const src = bufferedSource(a.rows, c, (view, start, count) => {
    const A = a.block(start, count), Z = z.block(start, count);
    withScratch((s) => {
      const zc = s.matrix(count, r);
      W.center(zc, Z, zMean);
      W.center(view, A, mean);
      W.gemm(view, zc, B, false, false, -1, 1);
    });
  });
  return {
    rows: src.rows,
    cols: src.cols,
    block: (start, count) => src.block(start, count),
    release() {
      src.release();
      for (const m of [mean, zMean, B]) m.dispose();
    },
  };
}

/**
 * The weights of a view stacked for inputs [V, Z]: [W; −B_view·W] ((c + r)×k), so that
 * ([V, Z] − [v̄, z̄])·stacked = (V residualised)·W. The caller disposes it.
 */
export function stackedWeights(w: Matrix, cov: Covariates, offset: number): Matrix {
  const c = w.rows, k = w.cols, r = cov.means.length, P = cov.coefficients.length / r;
  const out = Matrix.empty(c + r, k);
  try {
    withScratch((s) => {
      const B = s.matrix(r, c), b = B.data;
      for (let i = 0; i < r; i++) b.set(cov.coefficients.subarray(i * P + offset, i * P + offset + c), i * c);
      const top = out.data;
      top.set(w.data);
      W.gemm(out.viewRows(c, r), B, w, false, false, -1, 0);
    });
    return out;
  } catch (e) {
    out.dispose();
    throw e;
  }
}
