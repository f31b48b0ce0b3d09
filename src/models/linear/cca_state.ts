/**
 * What a CCA holds between calls and how it changes: the statistics (co-moments of X against
 * Y, or with covariates of [X, Y] against Z), the solved fit, the choice of regularization
 * 'cv', the rows dropped for missing cells, and whether the fit must be solved again. The
 * public class (cca.ts) validates its arguments and delegates here.
 */
import { dropMissing, type MatrixInput, type Missing, type RowSource } from '../../wasm/index.js';
import { CoMoments, addChunk } from '../../linalg/comoments.js';
import { NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { solvingMoments } from './moments.js';
import type { CrossValidationResult } from './crossval.js';
import { ridgePair, type CVSettings, type Regularization, type Ridge } from './cca_options.js';
import { crossValidateSources } from './cca_crossval.js';
import { REFITTED, refuseWithoutFourth, solveCCA, type CCAFit } from './cca_solve.js';
import { withSource, withSources } from './cca_transform.js';
import { covariatesOf, joinedSource, residualMoments, residualSource, type Covariates } from './cca_partial.js';

/** What a fit with regularization 'cv' chose (the table is not kept in files). */
export type CVState = { selected: [number, number]; result: CrossValidationResult<Ridge> | null };

/** The model's settings the state needs. */
export interface CCAConfig {
  readonly components: number;
  readonly regularization: Regularization;
  readonly scale: boolean;
  readonly crossValidation: CVSettings | null;
  readonly missing: Missing;
}

/** fit's and partialFit's third argument, read. */
export interface FitCall {
  covariates: MatrixInput | null;
}

export class CCAState {
  dropped = 0;
  /** without covariates: X against Y; with: [X, Y] against Z (then `split` holds p and q) */
  stats: CoMoments | null = null;
  split: [number, number] | null = null;
  cv: CVState | null = null;
  fit: CCAFit | null = null;
  dirty = false;

  constructor(private readonly m: CCAConfig) {}

  /** Fits on all rows, replacing anything fitted before (unchanged when it fails). */
  fitRows(X: MatrixInput, Y: MatrixInput, call: FitCall): void {
    const old = this.fit?.target === 'identity';
    const d = dropViews(X, Y, call.covariates, this.m.missing);
    withViews(d.views, (x, y, z) => {
      this.#check(x, y, z, true);
      if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows', `${x.rows} row`);
      let stats: CoMoments | null = null, chosen: CVState | null = null, fit: CCAFit | null = null;
      try {
        if (z) {
          stats = new CoMoments(x.cols + y.cols, z.cols);
          const a = joinedSource(x, y);
          try {
            stats.addRows(a, z);
          } finally {
            a.release();
          }
          ({ fit, chosen } = this.#partialFromRows(stats, x, y, z));
        } else if (this.m.crossValidation) {
          // the folds' statistics serve the selection and, merged, the fit: still one pass
          const run = crossValidateSources(x, y, { ...this.m.crossValidation, components: this.m.components, scale: this.m.scale }, true);
          stats = run.total!;
          chosen = { selected: ridgePair(run.result.best.regularization), result: run.result };
          fit = this.#solve(stats, null, chosen.selected);
        } else {
          stats = new CoMoments(x.cols, y.cols, this.m.regularization === 'auto');
          stats.addRows(x, y);
          fit = this.#solve(stats, null, null);
        }
      } catch (e) {
        stats?.dispose();
        disposeFit(fit);
        throw e;
      }
      if (old) console.warn(REFITTED);
      this.stats?.dispose();
      disposeFit(this.fit);
      this.stats = stats;
      this.split = z ? [x.cols, y.cols] : null;
      this.fit = fit;
      this.cv = chosen;
      this.dirty = false;
      this.dropped = d.dropped;
    });
  }

  /** Adds a chunk of rows to the statistics (solved when next read). */
  partialFitRows(X: MatrixInput, Y: MatrixInput, call: FitCall): void {
    this.refuseCV('partialFit');
    // each chunk drops its own rows; the count adds up
    const d = dropViews(X, Y, call.covariates, this.m.missing);
    withViews(d.views, (x, y, z) => {
      if (!this.stats && this.fit)
        throw new NotFittedError(
          'partialFit: this CCA was restored without its statistics, so new rows cannot be added to the old ones (save it with toJSON({ statistics: true }) to keep streaming)',
        );
      this.#check(x, y, z, this.stats === null);
      if (z && this.m.regularization === 'auto') throw autoWithCovariates('partialFit');
      if (this.stats) this.continuable('partialFit', this.stats);
      if (z) {
        const a = joinedSource(x, y);
        try {
          this.stats = addChunk(this.stats, a, z);
        } finally {
          a.release();
        }
        this.split = [x.cols, y.cols];
      } else this.stats = addChunk(this.stats, x, y, this.m.regularization === 'auto');
      this.dirty = true;
      this.dropped += d.dropped;
    });
  }

  /** Folds another state's statistics (same shapes, covariates alike) into this one. */
  mergeFrom(other: CCAState): void {
    this.refuseCV('merge');
    const o = other.stats;
    if (!o) throw new NotFittedError('merge: the other CCA holds no statistics (fit or partialFit it first, or it was restored without statistics)');
    if (this.m.regularization === 'auto' && (this.split || other.split)) throw autoWithCovariates('merge');
    if (this.stats) this.continuable('merge', this.stats);
    this.continuable('merge', o, 'other');
    if (this.stats || this.fit) {
      if (!this.stats) throw new NotFittedError('merge: this CCA was restored without statistics');
      const mine = this.split ? `${this.split[0]}, ${this.split[1]} columns and ${this.stats.q} covariates` : `${this.stats.p}, ${this.stats.q} columns and no covariates`;
      const theirs = other.split ? `${other.split[0]}, ${other.split[1]} columns and ${o.q} covariates` : `${o.p}, ${o.q} columns and no covariates`;
      if (mine !== theirs) throw new ShapeError('other', `X, Y with ${mine} (as this CCA)`, theirs);
    }
    if (!this.stats) {
      this.stats = new CoMoments(o.p, o.q, this.m.regularization === 'auto');
      this.split = other.split && [...other.split];
    }
    this.stats.merge(o);
    this.dirty = true;
    this.dropped += other.dropped;
  }

  /** The fit, solved first if rows were added since. */
  result(): CCAFit {
    if (this.dirty && this.stats) {
      const s = this.stats;
      if (s.n < 2) throw new NotFittedError(`CCA: ${s.n} row seen so far; at least 2 are needed`);
      const fit = solvingMoments(s, () => this.#solve(s, this.split, this.cv?.selected ?? null));
      disposeFit(this.fit);
      this.fit = fit;
      this.dirty = false;
    }
    if (!this.fit) throw new NotFittedError('CCA: call fit(X, Y) (or partialFit) first');
    return this.fit;
  }

  /** The number of covariates of the fit (0: none). */
  get covariateCount(): number {
    return this.fit?.covariates?.means.length ?? (this.split ? this.stats!.q : 0);
  }

  refuseCV(what: string): void {
    if (this.m.regularization === 'cv')
      throw new ValueError('regularization', `a ridge or 'auto' for ${what} (regularization 'cv' chooses the ridge from folds of one fit(X, Y); for streamed or sharded data run CCA.crossValidate on a sample and use the ridge it picks)`, 'cv');
  }

  /** Refuses, before anything changes, to add to `s` (this model's, or the other's of a merge) what 'auto' could not be solved from. */
  continuable(what: string, s: CoMoments, whose: 'this' | 'other' = 'this'): void {
    if (this.m.regularization === 'auto') refuseWithoutFourth(what, s, whose, this.m.regularization);
  }

  dispose(): void {
    this.stats?.dispose();
    this.stats = null;
    disposeFit(this.fit);
    this.fit = null;
    this.dirty = false;
  }

  #check(x: { rows: number; cols: number }, y: { rows: number; cols: number }, z: { rows: number; cols: number } | null, first: boolean) {
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    if (z && z.rows !== x.rows) throw new ShapeError('options.covariates', `${x.rows} rows (as X)`, `${z.rows} rows`);
    const p = x.cols, q = y.cols;
    if (!first && this.stats) {
      const [sp, sq] = this.split ?? [this.stats.p, this.stats.q];
      if (p !== sp) throw new ShapeError('X', `${sp} columns (as earlier chunks)`, `${p} columns`);
      if (q !== sq) throw new ShapeError('Y', `${sq} columns (as earlier chunks)`, `${q} columns`);
      if (!z !== !this.split)
        throw new ValueError('options.covariates', this.split ? `covariates with ${this.stats.q} columns (earlier chunks had them)` : 'none (earlier chunks had no covariates)', z ? `${z.cols} columns` : 'none');
      if (z && z.cols !== this.stats.q) throw new ShapeError('options.covariates', `${this.stats.q} columns (as earlier chunks)`, `${z.cols} columns`);
    }
    if (this.m.components > Math.min(p, q))
      throw new ValueError('options.components', `at most min(p, q) = min(${p}, ${q}) = ${Math.min(p, q)}`, this.m.components);
  }

  /** Solves from the statistics ('cv': with `selected`, the ridge cross-validation chose). */
  #solve(s: CoMoments, split: [number, number] | null, selected: [number, number] | null): CCAFit {
    const reg = this.m.regularization === 'cv' ? selected! : this.m.regularization;
    if (!split) return solveCCA(s, this.m.components, reg, this.m.scale);
    const cov = covariatesOf(s);
    const res = residualMoments(s, split[0], split[1], cov);
    try {
      return { ...solveCCA(res, this.m.components, reg, this.m.scale), covariates: cov };
    } finally {
      res.dispose();
    }
  }

  /**
   * A fit with covariates from J (of [X, Y] against Z): a ridge solves from J's residual
   * co-moments; 'auto' (whose shrinkage needs fourth-order sums of the residualised rows) and
   * 'cv' (whose folds need rows) take a second pass over the rows residualised.
   */
  #partialFromRows(J: CoMoments, x: RowSource, y: RowSource, z: RowSource): { fit: CCAFit; chosen: CVState | null } {
    const reg = this.m.regularization;
    if (reg !== 'auto' && reg !== 'cv') return { fit: this.#solve(J, [x.cols, y.cols], null), chosen: null };
    const cov = covariatesOf(J);
    const means = J.x.mean;
    const rx = residualSource(x, z, means, cov, 0);
    try {
      const ry = residualSource(y, z, means, cov, x.cols);
      try {
        let res: CoMoments, chosen: CVState | null = null;
        if (reg === 'cv') {
          const run = crossValidateSources(rx, ry, { ...this.m.crossValidation!, components: this.m.components, scale: this.m.scale }, true);
          res = run.total!;
          chosen = { selected: ridgePair(run.result.best.regularization), result: run.result };
        } else {
          res = new CoMoments(x.cols, y.cols, true);
          res.addRows(rx, ry);
        }
        try {
          const f = solveCCA(res, this.m.components, reg === 'cv' ? chosen!.selected : 'auto', this.m.scale);
          // the residualised rows have mean 0; transform centres the raw views with their own means
          f.xMeans.set(means.subarray(0, x.cols));
          f.yMeans.set(means.subarray(x.cols));
          return { fit: { ...f, covariates: cov }, chosen };
        } finally {
          res.dispose();
        }
      } finally {
        ry.release();
      }
    } finally {
      rx.release();
    }
  }
}

/** Why 'auto' with covariates cannot be continued. */
function autoWithCovariates(what: string): ValueError {
  return new ValueError(
    'regularization',
    `a ridge for ${what} with covariates ('auto' shrinks with fourth-order sums of the residualised rows, which depend on coefficients fitted from all rows: fit(X, Y, { covariates }) computes them from all rows at once)`,
    'auto',
  );
}

function disposeFit(f: CCAFit | null): void {
  if (!f) return;
  f.xWeights.dispose();
  f.yWeights.dispose();
}

/** The views with missing cells handled by the model's rule (covariates too, when given). */
function dropViews(X: MatrixInput, Y: MatrixInput, Z: MatrixInput | null, missing: Missing) {
  return Z === null ? dropMissing([X, Y], ['X', 'Y'], missing, 'X, Y') : dropMissing([X, Y, Z], ['X', 'Y', 'options.covariates'], missing, 'X, Y, covariates');
}

/** Row sources of X, Y and (when given) Z for `fn`, released after. */
export function withViews<T>(views: readonly MatrixInput[], fn: (x: RowSource, y: RowSource, z: RowSource | null) => T): T {
  return withSources(views[0]!, views[1]!, (x, y) => {
    if (views.length < 3) return fn(x, y, null);
    return withSource(views[2]!, 'options.covariates', (z) => fn(x, y, z));
  });
}

export type { Covariates };
