/**
 * CCA's options: their types, and their validation (the constructor's, the 'cv' settings' and
 * the ridge grids'), shared by the model, its file format and its cross-validation.
 */
import { ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { checkMissing, type Missing } from '../../wasm/index.js';
import { checkFoldOptions, type CrossValidateOptions } from './crossval.js';

/** CCA's regularization option: a ridge (one or [rx, ry]), 'auto' shrinkage, or 'cv'. */
export type Regularization = number | [number, number] | 'auto' | 'cv';

/** A ridge as applied: one value for both views or [rx, ry]. */
export type Ridge = number | [number, number];

/** Options of CCA.crossValidate: the ridges to try, the folds, scaling and missing rows. */
export interface CCACrossValidateOptions extends CrossValidateOptions<Ridge> {
  /** standardise the columns (by each training fold's standard deviations) as CCA's `scale` (default false) */
  scale?: boolean;
  /** 'drop': leave out the rows with a NaN, null or undefined cell in X or Y (default 'error') */
  missing?: Missing;
}

/** How `regularization: 'cv'` chooses the ridge inside fit (the components are the model's). */
export interface CCACrossValidationSettings {
  /** the ridges to try (default 'auto') */
  regularization?: readonly Ridge[] | 'auto';
  /** default 5 */
  folds?: number;
  /** default 0 */
  seed?: number;
}

/** Options of new CCA. */
export interface CCAOptions {
  /** number of canonical pairs to keep (default 2; at most min(p, q)) */
  components?: number;
  /** ridge r added to each view's covariance (one value or [rx, ry]; with `scale` to the
   *  standardised one's), 'auto' for the unit-free shrinkage of each view's correlations
   *  toward 0 (Schäfer & Strimmer 2005, λ per view in `shrinkage`), or 'cv' for the ridge
   *  chosen by k-fold cross-validation inside fit (see CCA.crossValidate; default 0) */
  regularization?: Regularization;
  /** with regularization 'cv': the grid, folds and seed (defaults 'auto', 5, 0) */
  crossValidation?: CCACrossValidationSettings;
  /** standardise every column to unit variance before the fit, as scikit-learn's CCA does
   *  (default false; a constant column keeps scale 1): a ridge then applies to the
   *  standardised covariance, so every answer is the same in any column units ('auto' and
   *  0 already are). The weights apply to the raw columns, so transform() takes the data as
   *  given. With every regularization. */
  scale?: boolean;
  /** a row with a NaN, null or undefined cell in X or Y: 'error' (the default) refuses it,
   *  'drop' leaves it out (counted in `droppedRows`; ±Infinity stays an error) */
  missing?: Missing;
}

/** Options of CCA.toJSON. */
export interface CCAToJSONOptions {
  /** also store the sufficient statistics, so the restored model can keep taking
   *  partialFit / merge (default false: weights and means only) */
  statistics?: boolean;
}

/** The 'cv' settings as validated. */
export interface CVSettings {
  regularization: readonly Ridge[] | 'auto';
  folds: number;
  seed: number;
}

/** A CCA's options as validated and normalised (what the model keeps and a file stores). */
export interface CCASettings {
  components: number;
  regularization: Regularization;
  scale: boolean;
  crossValidation: CVSettings | null;
  missing: Missing;
}

const CCA_OPTIONS = ['components', 'regularization', 'scale', 'crossValidation', 'missing'] as const satisfies readonly (keyof CCAOptions)[];

/** The constructor's options, validated, with their defaults. */
export function checkCCAOptions(options: CCAOptions): CCASettings {
  checkOptions(options, CCA_OPTIONS);
  const k = options.components ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
  const r = options.regularization ?? 0;
  const okNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!(r === 'auto' || r === 'cv' || okNum(r) || (Array.isArray(r) && r.length === 2 && okNum(r[0]) && okNum(r[1]))))
    throw new ValueError('options.regularization', "a ridge r ≥ 0, a pair [rx, ry], 'auto' or 'cv'", r);
  const scale = options.scale ?? false;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  const cv = options.crossValidation;
  if (cv !== undefined && r !== 'cv') throw new ValueError('options.crossValidation', "to be left out unless regularization is 'cv'", cv);
  return {
    crossValidation: r === 'cv' ? checkSettings(cv ?? {}) : null,
    components: k,
    // + 0 turns −0 into 0: a file stores options as JSON numbers, which have no −0 (the checksum would differ)
    regularization: Array.isArray(r) ? [r[0] + 0, r[1] + 0] : r === 'auto' || r === 'cv' ? r : r + 0,
    scale,
    missing: checkMissing(options.missing),
  };
}

export const isRidge = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A ridge as [rx, ry]. */
export function ridgePair(r: Ridge): [number, number] {
  return Array.isArray(r) ? [r[0], r[1]] : [r, r];
}

/** A grid of ridges (one value or [rx, ry] each, −0 as 0), or 'auto'. */
export function checkGrid(g: unknown, name: string): readonly Ridge[] | 'auto' {
  if (g === 'auto') return g;
  if (!Array.isArray(g) || g.length < 1 || g.length > 10000) throw new ValueError(name, "'auto' or a list of 1 to 10000 ridges", g);
  return g.map((v: unknown, i) => {
    if (isRidge(v)) return v + 0;
    if (Array.isArray(v) && v.length === 2 && isRidge(v[0]) && isRidge(v[1])) return [v[0] + 0, v[1] + 0] as [number, number];
    throw new ValueError(`${name}[${i}]`, 'a ridge r ≥ 0 or a pair [rx, ry]', v);
  });
}

/** The settings of regularization 'cv', validated (components are the model's). */
function checkSettings(o: CCACrossValidationSettings): CVSettings {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ValueError('options.crossValidation', 'an object { regularization, folds, seed }', o);
  checkOptions(o, ['regularization', 'folds', 'seed'], 'options.crossValidation');
  const { folds, seed } = checkFoldOptions(o, Infinity, 1, 1, 'options.crossValidation');
  return { regularization: checkGrid(o.regularization ?? 'auto', 'options.crossValidation.regularization'), folds, seed };
}
