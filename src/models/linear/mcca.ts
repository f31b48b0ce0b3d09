/**
 * Multiset CCA (MCCA, the SUMCOR relaxation as cca_zoo's MCCA) for m ≥ 2 views.
 *
 * Fit: C w = λ D w, with D the block diagonal of each view's covariance plus its ridge
 * (Σᵢᵢ + rᵢI) and C the covariance of the concatenated views with its diagonal blocks
 * replaced by D's. With Wᵢ = (Σᵢᵢ + rᵢI)^-1/2 this is the symmetric eigenproblem of
 * M = [I, W₁Σ₁₂W₂, …; …] (identity blocks on the diagonal); wᵢ = Wᵢvᵢ, each view's weights
 * scaled to unit (ridged) variance. For m = 2 the eigenvalues are 1 ± ρ and the weights are
 * CCA's. Statistics are the mergeable co-moments of the concatenated views (the first
 * ⌈m/2⌉ views as one side, the rest as the other), so partialFit and merge stream as CCA's.
 * With `scale` the columns are standardised by the standard deviations of those statistics
 * (so every route to them gives the same fit) and the answers do not depend on column units.
 */
import { noExtraArguments } from '../../options.js';
import type { MatrixInput, MatrixResult } from '../../wasm/index.js';
import type { CoMoments } from '../../linalg/comoments.js';
import type { Moments } from './moments.js';
import type { CrossValidationResult } from './crossval.js';
import { MultiView, type MCCAOptions } from './multiview.js';
import { pairwiseCorrelations, solve, type Fit } from './mcca_solve.js';
import { crossValidateViews, type MCCACrossValidateOptions, type ViewRidges } from './mcca_crossval.js';
import { readFile, writeFile } from './multiview_file.js';
import { scaledWeights } from './mcca_interpret.js';
import { ValueError, ShapeError } from '../../errors.js';

export type { MCCAOptions } from './multiview.js';
export type { MCCACrossValidateOptions, ViewRidges } from './mcca_crossval.js';
export { GCCA, type GCCAOptions } from './gcca.js';

/**
 * Multiset CCA (SUMCOR, as cca_zoo's MCCA) for m ≥ 2 views: weights per view whose variates
 * agree across all views; streams (partialFit, merge) from the co-moments as CCA does.
 *
 * @example
 * ```ts
 * const mcca = new MCCA({ components: 2, regularization: 1e-6 }).fit([A, B, C]); // same rows
 * console.log(mcca.correlations, mcca.eigenvalues);
 * const [a, , c] = mcca.transform([A.slice(0, 3), null, C.slice(0, 3)]); // null in, null out
 * ```
 */
export class MCCA extends MultiView<Fit> {
  constructor(options: MCCAOptions = {}) {
    super(options, 'MCCA');
  }

  protected solveFit(s: CoMoments, dims: number[], ridges: number[], standardise: boolean): Fit {
    return solve(s, dims, ridges, this.components, standardise);
  }

  /**
   * A fitted MCCA from statistics computed elsewhere: `{ n, means: [m₁, …], covariance }` (the
   * joint covariance of the concatenated views, normalised by n − 1) or `{ n, means, blocks }`
   * (blocks[i][j] = cov(view i, view j); i ≤ j is enough). Checked as CCA.fromMoments; the
   * model keeps the statistics (merge, partialFit).
   *
   * @example
   * const mcca = MCCA.fromMoments({ n: 500, means: [[0], [0], [0]], covariance: [[1, 0.5, 0.4], [0.5, 1, 0.3], [0.4, 0.3, 1]] }, { components: 1 });
   */
  static fromMoments(moments: Moments, options: MCCAOptions = {}): MCCA {
    return new MCCA(options).adopt(moments);
  }

  /**
   * k-fold cross-validation of the ridge: for every grid value (one ridge for all views, or
   * one per view), the held-out sum over the first `components` of the mean pairwise
   * correlation, averaged over the folds. One streamed pass builds every fold's co-moments;
   * each fold's training statistics are the others merged. 'auto' tries 10⁻⁶ … 10⁰ in half
   * decades times each view's mean variance. `scale: true` standardises the columns as the
   * model's option does (each fold by its training statistics; 'auto' is then 10⁻⁶ … 10⁰).
   *
   * @example
   * const { best } = MCCA.crossValidate([A, B, C], { regularization: [1e-4, 1e-3, 1e-2], components: 2 });
   * const mcca = new MCCA({ components: 2, regularization: best.regularization }).fit([A, B, C]);
   */
  static crossValidate(views: readonly MatrixInput[], options: MCCACrossValidateOptions = {}): CrossValidationResult<ViewRidges> {
    return crossValidateViews(views, options);
  }

  /** Per component, the mean over view pairs of the training correlation of their variates. */
  get correlations(): Float64Array {
    return this.result().correlations.slice();
  }

  /** Per component, the m×m matrix of training correlations between the view variates. */
  get pairwise(): MatrixResult[] {
    const f = this.result(), m = f.dims.length;
    return f.pairwise.map((d) => ({ data: d.slice(), rows: m, cols: m }));
  }

  /** One pᵢ×k weight matrix per view. */
  get weights(): MatrixResult[] {
    const f = this.result();
    return f.weights.map((w, i) => ({ data: w.slice(), rows: f.dims[i]!, cols: this.components }));
  }

  /** The k largest eigenvalues λ of C w = λ D w (for two views, 1 + ρ). */
  get eigenvalues(): Float64Array {
    return this.result().eigenvalues.slice();
  }

  /** The views' canonical variates: one n×k result per view (null in, null out). */
  transform<const T extends readonly (MatrixInput | null)[]>(views: T): { -readonly [K in keyof T]: T[K] extends null ? null : null extends T[K] ? MatrixResult | null : MatrixResult };
  transform(views: readonly (MatrixInput | null)[]): (MatrixResult | null)[] {
    noExtraArguments(arguments, 1, 'MCCA.transform');
    return this.projectViews(views, this.result().weights);
  }

  /** Per component, the mean pairwise Pearson correlation of the views' variates on these rows (held-out score). */
  score(views: readonly MatrixInput[]): Float64Array {
    noExtraArguments(arguments, 1, 'MCCA.score');
    const f = this.result(), m = f.dims.length, k = this.components;
    if (Array.isArray(views) && views.some((v) => v === null)) throw new ValueError('views', 'every view (score correlates all pairs)', 'a null view');
    // variates brought near 1 by powers of two: their squares stay in range (variates near 1e-160 have none), the correlations keep their bits
    return this.scoreViews(views, scaledWeights(f, k), (u, n) => pairwiseCorrelations(u, n, k, m).mean);
  }

  /**
   * A plain, versioned object: weights, means, eigenvalues, correlations and the training
   * covariances predict and explainedVariance read, as base64 f64, with a CRC-32 of every number.
   */
  toJSON(): Record<string, unknown> {
    const f = this.result();
    return writeFile('crossmodal.MCCA', this, f, { weights: f.weights, eigenvalues: f.eigenvalues, correlations: f.correlations, pairwise: f.pairwise }, f.stats);
  }

  /** Rebuilds an MCCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): MCCA {
    const { base, parts, model, stats } = readFile(json, 'crossmodal.MCCA', (o) => new MCCA(o), (dims, k) => ({ weights: dims.map((p) => p * k), eigenvalues: k, correlations: k, pairwise: new Array<number>(k).fill(dims.length ** 2) }));
    model.restore({ ...base, weights: parts.weights as Float64Array[], eigenvalues: parts.eigenvalues as Float64Array, correlations: parts.correlations as Float64Array, pairwise: parts.pairwise as Float64Array[], stats });
    return model;
  }
}
