/**
 * Option objects, checked the same way everywhere (constructors, fit and call options,
 * init): an options argument must be a plain object, and a key the entry point does not know
 * is an error naming the key and the nearest known one, never silently ignored.
 */
import { ShapeError, ValueError, describe } from './errors.js';

/** Levenshtein distance (small strings). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length]!;
}

/** Names other libraries use (scikit-learn, PyTorch) for options that are called otherwise here. */
const ALIASES: Record<string, string> = { lr: 'learningRate', n_components: 'components', hidden_layer_sizes: 'hidden', random_state: 'seed', max_iter: 'epochs' };

/** The known key nearest to `key`, when it is near enough to be a likely typo (or a known alias). */
export function nearest(key: string, known: readonly string[]): string | null {
  const alias = ALIASES[key];
  if (alias && known.includes(alias)) return alias;
  let best: string | null = null, bd = Infinity;
  for (const k of known) {
    const dd = distance(key, k);
    if (dd < bd) (best = k), (bd = dd);
  }
  return bd <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

/**
 * Returns `options` (or {} when undefined) after checking that it is an object whose keys are
 * all in `known`. `name` is how the argument is called in messages ('options', 'fit options').
 */
export function checkOptions<T extends object>(options: T | undefined, known: readonly string[], name = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValueError(name, `an options object { ${known.join(', ')} }`, options);
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw new ValueError(`${name}.${key}`, `a known option (${near ? `did you mean "${near}"? ` : ''}known: ${known.join(', ')})`, key);
  }
  return options;
}

/**
 * Refuses arguments past the `count` a call takes: JavaScript drops them silently, so
 * `pls.fit(X, Y, { covariates: Z })` would fit without the covariates and say nothing.
 * A trailing undefined is allowed (an optional argument passed through).
 */
export function noExtraArguments(args: IArguments, count: number, call: string): void {
  for (let i = count; i < args.length; i++)
    if (args[i] !== undefined) throw new ValueError(`${call}: argument ${i + 1}`, `nothing (${call} takes ${count} argument${count === 1 ? '' : 's'})`, args[i]);
}

/**
 * Integer class labels: an array-like of n values (n null: any non-empty length), each an
 * integer in 0..classes − 1 (classes null: any integer ≥ 0 below 2³¹). Returns the labels.
 */
export function checkLabels(labels: ArrayLike<number>, n: number | null, classes: number | null, name: string): ArrayLike<number> {
  const len = labels !== null && labels !== undefined && typeof labels !== 'string' && typeof (labels as ArrayLike<number>).length === 'number' ? labels.length : null;
  if (len === null || (n === null ? len < 1 : len !== n))
    throw new ShapeError(name, n === null ? 'a non-empty list of integer labels' : `${n} labels (one per row)`, len === null ? describe(labels) : `${len} labels`);
  const top = classes ?? 2 ** 31;
  for (let i = 0; i < len; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= top) throw new ValueError(`${name}[${i}]`, classes === null ? 'an integer class ≥ 0' : `an integer class in 0..${classes - 1}`, v);
  }
  return labels;
}
