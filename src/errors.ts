/**
 * Base class of every error crossmodal throws on purpose.
 * @example
 * ```ts
 * try { new CCA({ components: 0 }); }
 * catch (e) { if (e instanceof CrossmodalError) console.log(e.name, e.message); }
 * ```
 */
export class CrossmodalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An argument has the wrong shape (row/column counts, ragged rows, empty input).
 * @example
 * ```ts
 * try { new CCA().fit([[1], [2], [3]], [[1], [2]]); }
 * catch (e) { if (e instanceof ShapeError) console.log(e.argument, e.expected, e.actual); }
 * ```
 */
export class ShapeError extends CrossmodalError {
  constructor(
    /** name of the offending argument, e.g. `"X"` */
    readonly argument: string,
    /** what was expected, e.g. `"1500 rows (as X)"` */
    readonly expected: string,
    /** what came */
    readonly actual: string,
  ) {
    super(`${argument}: expected ${expected}, got ${actual}`);
  }
}

/**
 * An input holds NaN or ±Infinity.
 * @example
 * ```ts
 * try { new CCA().fit([[1], [NaN], [3]], [[1], [2], [4]]); }
 * catch (e) { if (e instanceof NonFiniteError) console.log(e.argument, e.row, e.col); } // X 1 0
 * ```
 */
export class NonFiniteError extends CrossmodalError {
  constructor(
    /** name of the offending argument, e.g. `"X"` */
    readonly argument: string,
    /** the row of the first non-finite value (0-based) */
    readonly row: number,
    /** its column (0-based) */
    readonly col: number,
    /** the value: NaN, Infinity or -Infinity */
    readonly value: number,
  ) {
    super(`${argument}: every value must be finite, but [${row}][${col}] is ${value}`);
  }
}

/**
 * An option or scalar argument is out of range or of the wrong kind.
 * @example
 * ```ts
 * try { new CCA({ component: 1 } as never); } // an unknown option key
 * catch (e) { if (e instanceof ValueError) console.log(e.message); }
 * ```
 */
export class ValueError extends CrossmodalError {
  constructor(
    /** name of the offending option or argument, e.g. `"options.components"` */
    readonly argument: string,
    /** what was expected, in words */
    readonly expected: string,
    /** the value that came */
    readonly actual: unknown,
  ) {
    super(`${argument}: expected ${expected}, got ${describe(actual)}`);
  }
}

/**
 * Finite inputs whose result overflowed the float64 (or float32) range: a ValueError to the
 * caller, marked so that an entry point built on another can rename the arguments. @internal
 */
export class OverflowError extends ValueError {}

/**
 * A model was used before `fit` (or after `dispose`).
 * @example
 * ```ts
 * try { new CCA().transform([[1, 2]]); }
 * catch (e) { if (e instanceof NotFittedError) console.log('fit first'); }
 * ```
 */
export class NotFittedError extends CrossmodalError {}

/**
 * An operation the model does not define, whatever its fit (KernelCCA.predict: kernel CCA has
 * no map from its variates back to the input space). The message says what to use instead.
 * @example
 * ```ts
 * const kcca = new KernelCCA({ kernel: 'rbf' }).fit(X, Y);
 * try { kcca.predict(X); } catch (e) { if (e instanceof UnsupportedError) console.log(e.message); }
 * ```
 */
export class UnsupportedError extends CrossmodalError {}

/**
 * A matrix that must be positive definite is not (numerically).
 * @example
 * ```ts
 * try { new CCA({ regularization: 0 }).fit(X, Y); } // Y with a constant column
 * catch (e) { if (e instanceof SingularMatrixError) console.log('add regularization'); }
 * ```
 */
export class SingularMatrixError extends CrossmodalError {}

/**
 * An iterative decomposition did not converge.
 * @example
 * ```ts
 * try { linalg.eigh(A); }
 * catch (e) { if (e instanceof ConvergenceError) console.log(e.message); }
 * ```
 */
export class ConvergenceError extends CrossmodalError {}

/**
 * The wasm memory cannot grow any further (the `maximumMemory` cap, or the engine's limit).
 * @example
 * ```ts
 * await init({ maximumMemory: 64 * 2 ** 20 });
 * try { Matrix.zeros(10_000, 10_000); }
 * catch (e) { if (e instanceof MemoryLimitError) console.log('too large for the cap'); }
 * ```
 */
export class MemoryLimitError extends CrossmodalError {}

/**
 * `init()` has not resolved yet, or the module could not be loaded.
 * @example
 * ```ts
 * try { Matrix.from([[1, 2]]); } // before await init()
 * catch (e) { if (e instanceof InitError) await init(); }
 * ```
 */
export class InitError extends CrossmodalError {}

/**
 * A disposed object was used.
 * @example
 * ```ts
 * const m = Matrix.from([[1, 2]]);
 * m.dispose();
 * try { m.toArray(); } catch (e) { if (e instanceof DisposedError) console.log('disposed'); }
 * ```
 */
export class DisposedError extends CrossmodalError {}

/**
 * A backward that cannot differentiate what it was given: no forward to differentiate, its
 * backward already ran, or the gradient belongs to a forward that a later one overwrote (or
 * to another network's output).
 * @example
 * ```ts
 * const net = new nn.MLP({ layers: [2, 1] });
 * net.forward([[1, 2]]);
 * net.backward([[1]]);
 * try { net.backward([[1]]); } // its backward already ran
 * catch (e) { if (e instanceof StaleForwardError) console.log(e.message); }
 * ```
 */
export class StaleForwardError extends CrossmodalError {}

/**
 * Training diverged: a loss (or a parameter) became NaN or ±Infinity. The message says where,
 * why, and what the model holds now: the weights of the last epoch that finished with finite
 * values, its previous fit, or (a first fit diverging in its first epoch) no fit.
 * @example
 * ```ts
 * const model = new DeepCCA({ components: 2, learningRate: 0.1 });
 * try { await model.fit(X, Y); }
 * catch (e) { if (e instanceof DivergenceError) console.log(e.reason, e.batch); } // try a lower learningRate
 * ```
 */
export class DivergenceError extends CrossmodalError {
  /** what became non-finite (e.g. "the generator loss is NaN") */
  readonly reason?: string;
  /** the 1-based batch of the epoch in which it happened (undefined: at the end of an epoch) */
  readonly batch?: number;

  constructor(message: string, details: { reason?: string; batch?: number; cause?: unknown } = {}) {
    super(message);
    if (details.reason !== undefined) this.reason = details.reason;
    if (details.batch !== undefined) this.batch = details.batch;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/**
 * A training source (a function giving each epoch's chunks) failed: it threw, yielded a chunk
 * that is not [inputs…] of the right shape (ragged, non-finite, rows that differ between the
 * inputs, other columns than before), or gave too few rows. The message names the epoch
 * (1-based), the chunk (1-based) and, where one is at fault, the row (0-based, in the chunk)
 * and the input; the original error is the `cause`. The model keeps its previous fit.
 * @example
 * ```ts
 * const source = () => { throw new Error('disk gone'); };
 * try { await new DeepCCA({ components: 2 }).fit(source); }
 * catch (e) { if (e instanceof SourceError) console.log(e.epoch, e.cause); }
 * ```
 */
export class SourceError extends CrossmodalError {
  /** the epoch being read (1-based; 0: a pass outside training, e.g. the one that fits DeepCCA's final CCA) */
  readonly epoch: number;
  /** the chunk at fault (1-based; undefined: the epoch as a whole) */
  readonly chunk?: number;
  /** the row at fault within the chunk (0-based), when one is */
  readonly row?: number;
  /** the input at fault (e.g. 'X'), when one is */
  readonly input?: string;

  constructor(message: string, details: { epoch: number; chunk?: number; row?: number; input?: string; cause?: unknown }) {
    super(message);
    this.epoch = details.epoch;
    if (details.chunk !== undefined) this.chunk = details.chunk;
    if (details.row !== undefined) this.row = details.row;
    if (details.input !== undefined) this.input = details.input;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/**
 * A model was asked to fit, or to use its weights, while one of its fits is still running
 * (fit is asynchronous: await it first). The running fit is not disturbed.
 * @example
 * ```ts
 * const model = new DeepCCA({ components: 2 });
 * const running = model.fit(X, Y);
 * try { model.transform(X, Y); } catch (e) { if (e instanceof FitRunningError) await running; }
 * ```
 */
export class FitRunningError extends CrossmodalError {}

/**
 * A serialised model is malformed, truncated or of an unknown version.
 * @example
 * ```ts
 * try { CCA.fromJSON('{"kind":"CCA","version":999}'); }
 * catch (e) { if (e instanceof FormatError) console.log(e.message); }
 * ```
 */
export class FormatError extends CrossmodalError {}

/**
 * A worker of the thread pool (init({ threads })) died during a call: it threw, or it stopped
 * without a word (terminated by the host) and its share did not come within the watchdog's
 * bound. The call is abandoned: its outputs, and a model being trained, hold no result
 * (discard them). By the time this is thrown the pool is ended and crossmodal computes on
 * the calling thread; `threadsFallback` of `await init()` says why, and init({ threads })
 * starts a new pool.
 * @example
 * ```ts
 * await init({ threads: 4 });
 * try { await model.fit(X, Y); }
 * catch (e) {
 *   if (e instanceof ThreadError) {
 *     console.log((await init()).threadsFallback); // why
 *     await model.fit(X, Y); // again, on one thread, or after init({ threads: 4 })
 *   }
 * }
 * ```
 */
export class ThreadError extends CrossmodalError {}

/** What came, already put in words (an error's `actual` that is not the offending value). */
export class Described {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** `actual` for an error when no single value is at fault: printed as written, not quoted. */
export const described = (text: string): Described => new Described(text);

/** How an error prints the value it got: strings quoted, arrays and objects by their kind. */
export function describe(v: unknown): string {
  if (v instanceof Described) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `${article(kind(v))} of length ${(v as unknown as { length: number }).length}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return `a symbol ${String(v)}`;
  if (typeof v === 'function') return `a function${v.name ? ` ${v.name}` : ''}`;
  if (Object.getPrototypeOf(v) === null) return 'an object with no prototype';
  return article(kind(v as object));
}

/** The kind of an object: its class's name, else its toStringTag (Generator, Module…), else "object". */
function kind(v: object): string {
  let ctor: unknown;
  try {
    ctor = (v as { constructor?: unknown }).constructor;
  } catch {
    ctor = undefined; // a Proxy, or a getter that throws
  }
  const name = typeof ctor === 'function' ? ctor.name : '';
  if (name && name !== 'Object') return name;
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return tag && tag !== 'Object' ? tag : name || 'object';
}

/** "a Map", "an Object", "an Int32Array". */
const article = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
