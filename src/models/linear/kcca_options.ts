/**
 * KernelCCA's options: their types, and their validation (the constructor's), shared by the
 * model and its file format.
 */
import { ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { checkMissing, type Missing } from '../../wasm/index.js';

/** KernelCCA's kernel: see KernelCCAOptions.kernel. */
export type Kernel = 'rbf' | 'polynomial' | 'linear';

/** KernelCCA's approximation option for large n: a Nyström fit on m landmark rows. */
export interface NystromApproximation {
  /** number of landmark rows m (required; 1 ≤ m ≤ n) */
  nystrom: number;
  /** seed of the landmark draw (default 0) */
  seed?: number;
}

/** Options of new KernelCCA. */
export interface KernelCCAOptions {
  /** 'rbf' exp(−γ‖x − x′‖²), 'polynomial' (γ·xᵀx′ + coef0)^degree or 'linear' xᵀx′ (default 'rbf') */
  kernel?: Kernel;
  /**
   * γ of 'rbf' and 'polynomial', one value or [γx, γy], in the units of the rows the kernel
   * sees (standardised ones with `scale`). Default: the median heuristic, per view
   * γ = 1/median of the squared distances ‖xᵢ − xⱼ‖² over the pairs i < j of the
   * (standardised, with `scale`) training rows — above 1000 rows, of 1000 rows drawn by the
   * in-wasm generator with the fixed seed 1 (the same rows in every runtime); γ = 1 when that
   * median is 0 (most rows equal). `fittedGamma` says what a fit used. (Before the median
   * heuristic the default was 1/(p·variance of the raw view's entries); models read from
   * files written then keep it, with gamma 'variance', until fitted again.)
   */
  gamma?: number | readonly [number, number];
  /**
   * Standardise each view's columns before the kernel (minus the training mean, divided by the
   * training standard deviation with n − 1; a constant column keeps scale 1), in fit and for new
   * rows. Default: true for 'rbf' and 'polynomial' without a `gamma` (the results then do not
   * depend on the columns' units); false with a given `gamma` (it is in the units of the data
   * it was chosen for) and for 'linear' (which is then CCA on the raw columns).
   */
  scale?: boolean;
  /** degree of 'polynomial', a positive integer (default 3) */
  degree?: number;
  /** constant term of 'polynomial' (default 1) */
  coef0?: number;
  /** ridge κ ≥ 0 of the feature-space covariance, one value or [κx, κy] (default 1e-3) */
  regularization?: number | readonly [number, number];
  /** number of canonical pairs to keep (default 2) */
  components?: number;
  /** 'exact' (an n×n eigenproblem per view, n ≤ 5000) or { nystrom: m, seed } (default 'exact') */
  approximation?: 'exact' | NystromApproximation;
  /** a row with a NaN, null or undefined cell in X or Y: 'error' (the default) refuses it,
   *  'drop' leaves it out (counted in `droppedRows`; ±Infinity stays an error) */
  missing?: Missing;
}

/** A KernelCCA's options as validated and normalised (what the model keeps and a file stores). */
/**
 * How γ is set: the option's value, 'median' (the median heuristic, the default for 'rbf' and
 * 'polynomial'), 'variance' (1/(p·variance of the raw view's entries): the default before the
 * median heuristic, kept only by models read from files written then), or null (the linear
 * kernel has no γ).
 */
export type GammaSetting = number | readonly [number, number] | 'median' | 'variance' | null;

export interface KernelCCASettings {
  readonly kernel: Kernel;
  readonly gamma: GammaSetting;
  readonly scale: boolean;
  readonly degree: number;
  readonly coef0: number;
  readonly regularization: number | readonly [number, number];
  readonly components: number;
  readonly approximation: 'exact' | Readonly<Required<NystromApproximation>>;
  readonly missing: Missing;
}

const OPTIONS = ['kernel', 'gamma', 'scale', 'degree', 'coef0', 'regularization', 'components', 'approximation', 'missing'] as const satisfies readonly (keyof KernelCCAOptions)[];

/** The constructor's options, validated, with their defaults. */
export function checkKernelCCAOptions(options: KernelCCAOptions): KernelCCASettings {
  checkOptions(options, OPTIONS);
  const kernel = options.kernel ?? 'rbf';
  if (kernel !== 'rbf' && kernel !== 'polynomial' && kernel !== 'linear') throw new ValueError('options.kernel', "'rbf', 'polynomial' or 'linear'", kernel);
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const pairOf = (v: unknown, ok: (x: unknown) => boolean) => ok(v) || (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]));
  // options that the kernel does not read are refused: a silently ignored γ is a wrong model
  const unused = (name: 'gamma' | 'degree' | 'coef0', used: boolean) => {
    if (options[name] !== undefined && !used) throw new ValueError(`options.${name}`, `no ${name} with kernel '${kernel}' (it has none)`, options[name]);
  };
  unused('gamma', kernel !== 'linear');
  unused('degree', kernel === 'polynomial');
  unused('coef0', kernel === 'polynomial');
  const gamma = options.gamma;
  if (gamma !== undefined && !pairOf(gamma, (v) => finite(v) && v > 0)) throw new ValueError('options.gamma', 'γ > 0 or a pair [γx, γy]', gamma);
  const scale = options.scale ?? (kernel !== 'linear' && gamma === undefined);
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  const degree = options.degree ?? 3;
  if (!Number.isInteger(degree) || degree < 1 || degree > 64) throw new ValueError('options.degree', 'an integer from 1 to 64', degree);
  const coef0 = options.coef0 ?? 1;
  if (!finite(coef0)) throw new ValueError('options.coef0', 'a finite number', coef0);
  const r = options.regularization ?? 1e-3;
  if (!pairOf(r, (v) => finite(v) && v >= 0)) throw new ValueError('options.regularization', 'a ridge κ ≥ 0 or a pair [κx, κy]', r);
  const k = options.components ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
  const a = options.approximation ?? 'exact';
  let approximation: KernelCCASettings['approximation'];
  if (a === 'exact') approximation = 'exact';
  else {
    if (!a || typeof a !== 'object' || Array.isArray(a)) throw new ValueError('options.approximation', "'exact' or { nystrom: m, seed }", a);
    checkOptions(a, ['nystrom', 'seed'], 'options.approximation');
    if (!Number.isInteger(a.nystrom) || a.nystrom < 1) throw new ValueError('options.approximation.nystrom', 'a positive integer number of landmarks', a.nystrom);
    const seed = a.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.approximation.seed', 'an integer in [0, 2³²)', seed);
    if (k > a.nystrom) throw new ValueError('options.components', `at most the number of landmarks, ${a.nystrom}`, k);
    approximation = Object.freeze({ nystrom: a.nystrom, seed });
  }
  return {
    approximation,
    kernel,
    gamma: kernel === 'linear' ? null : gamma === undefined ? 'median' : Array.isArray(gamma) ? [gamma[0], gamma[1]] : (gamma as number),
    scale,
    degree,
    // + 0 turns −0 into 0: a file stores options as JSON numbers, which have no −0 (the checksum would differ)
    coef0: coef0 + 0,
    regularization: Array.isArray(r) ? [r[0] + 0, r[1] + 0] : (r as number) + 0,
    components: k,
    missing: checkMissing(options.missing),
  };
}
