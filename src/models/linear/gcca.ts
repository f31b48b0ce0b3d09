/**
 * Carroll's MAXVAR generalised CCA (GCCA) for m ≥ 2 views, on the multi-view statistics and
 * the whitened eigenproblem it shares with MCCA.
 */
import { noExtraArguments } from '../../options.js';
import type { MatrixInput, MatrixResult } from '../../wasm/index.js';
import type { CoMoments } from '../../linalg/comoments.js';
import type { Moments } from './moments.js';
import { MultiView, viewMeans, type MCCAOptions, type ViewsFit } from './multiview.js';
import { orientSigns, rawWeights, timesW, whitenedEigen } from './mcca_solve.js';
import { viewStats, type ViewStats } from './mcca_interpret.js';
import { readFile, writeFile } from './multiview_file.js';

/** Options of GCCA (those of MCCA). */
export type GCCAOptions = MCCAOptions;

interface GFit extends ViewsFit {
  /** per view, p_i×k row-major: view i's rows to its estimate of the shared representation */
  weights: Float64Array[];
  eigenvalues: Float64Array;
  /** the columns' training covariances with the variates, and their variances (null: a file of version 1) */
  stats: ViewStats | null;
}

/**
 * Carroll's MAXVAR generalised CCA: the shared n×k representation G with GᵀG = I maximising
 * tr(Gᵀ Σᵢ Pᵢ G), Pᵢ = Xᵢ(XᵢᵀXᵢ + (n−1)rᵢI)⁻¹Xᵢᵀ on centred views. With Yᵢ = XᵢWᵢ/√(n−1),
 * YᵀY is MCCA's whitened block matrix with WᵢΣᵢᵢWᵢ on its diagonal, so G = Y·V·Λ^-1/2 from M's eigenpairs: no n×n
 * matrix. Each view's projection is m·XᵢWᵢVᵢΛ^-1/2/√(n−1) (= m·PᵢGΛ⁻¹), so the average over
 * all views is G on the training rows. With `scale` the Xᵢ are the standardised columns (the
 * weights returned for the raw ones), so the eigenvalues and the shared space do not depend on
 * the columns' units.
 *
 * @example
 * ```ts
 * const gcca = new GCCA({ components: 1 }).fit([A, B, C]);
 * const G = gcca.shared([A, B, C]);          // the shared representation of the training rows
 * const fromA = gcca.shared([A, null, null]); // estimated from view A alone
 * ```
 */
export class GCCA extends MultiView<GFit> {
  constructor(options: GCCAOptions = {}) {
    super(options, 'GCCA');
  }

  /** A fitted GCCA from statistics computed elsewhere (the shapes of MCCA.fromMoments). */
  static fromMoments(moments: Moments, options: GCCAOptions = {}): GCCA {
    return new GCCA(options).adopt(moments);
  }

  protected solveFit(s: CoMoments, dims: number[], ridges: number[], standardise: boolean): GFit {
    const k = this.components, m = dims.length;
    return whitenedEigen(s, dims, ridges, true, standardise, ({ C, sd, P, off, W, values, V }) => {
      const weights = dims.map((p, i) => {
        const v = new Float64Array(p * k);
        for (let a = 0; a < p; a++) for (let c = 0; c < k; c++) v[a * k + c] = (m * V[(off[i]! + a) * P + c]!) / Math.sqrt((s.n - 1) * Math.max(values[c]!, 1e-300));
        return timesW(W[i]!, v, p, k);
      });
      // signs on the standardised columns (unit-free), then the raw columns' weights
      orientSigns(weights, dims, k);
      const stats = viewStats(C, P, off, dims, weights, k, sd);
      if (sd) rawWeights(weights, dims, off, sd, k);
      return { n: s.n, dims: [...dims], means: viewMeans(s, dims), weights, eigenvalues: Float64Array.from(values.subarray(0, k)), stats };
    });
  }

  /** The k largest eigenvalues of Σᵢ Pᵢ (each at most m). */
  get eigenvalues(): Float64Array {
    return this.result().eigenvalues.slice();
  }

  /** One pᵢ×k matrix per view: its centred rows to its estimate of the shared representation. */
  get weights(): MatrixResult[] {
    const f = this.result();
    return f.weights.map((w, i) => ({ data: w.slice(), rows: f.dims[i]!, cols: this.components }));
  }

  /** Each view mapped into the shared space: one n×k result per view (null in, null out). */
  transform<const T extends readonly (MatrixInput | null)[]>(views: T): { -readonly [K in keyof T]: T[K] extends null ? null : null extends T[K] ? MatrixResult | null : MatrixResult };
  transform(views: readonly (MatrixInput | null)[]): (MatrixResult | null)[] {
    noExtraArguments(arguments, 1, 'GCCA.transform');
    return this.projectViews(views, this.result().weights);
  }

  /** The estimate of G for these rows: the average of the given views' projections (all views: G itself on the training rows). */
  shared(views: readonly (MatrixInput | null)[]): MatrixResult {
    noExtraArguments(arguments, 1, 'GCCA.shared');
    const u = this.transform(views).filter((r): r is MatrixResult => r !== null);
    const out = new Float64Array(u[0]!.data.length);
    for (const r of u) for (let i = 0; i < out.length; i++) out[i] = out[i]! + r.data[i]! / u.length;
    return { data: out, rows: u[0]!.rows, cols: u[0]!.cols };
  }

  /** A plain, versioned object (weights, means, eigenvalues and the training covariances predict reads, as base64 f64, with a CRC-32 of every number). */
  toJSON(): Record<string, unknown> {
    const f = this.result();
    return writeFile('crossmodal.GCCA', this, f, { weights: f.weights, eigenvalues: f.eigenvalues }, f.stats);
  }

  /** Rebuilds a GCCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): GCCA {
    const { base, parts, model, stats } = readFile(json, 'crossmodal.GCCA', (o) => new GCCA(o), (dims, k) => ({ weights: dims.map((p) => p * k), eigenvalues: k }));
    model.restore({ ...base, weights: parts.weights as Float64Array[], eigenvalues: parts.eigenvalues as Float64Array, stats });
    return model;
  }
}
