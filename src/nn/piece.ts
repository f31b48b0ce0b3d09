/**
 * The protocol every composable piece implements (MLP, Concat, Split, Fork), and the
 * bookkeeping between a piece's forward and its backward.
 *
 * A model is written out by hand, llm.c style: forward on each piece in order, the loss
 * gradient, backward on each piece in reverse. No tape records anything; instead every view
 * a piece hands out carries its provenance:
 *   - a forward output is valid until the piece's next forward / predict / dispose, and
 *     reading it after that throws DisposedError;
 *   - a gradient (from a loss, or a backward's dX) remembers which forward's output it
 *     differentiates, so a backward fed the gradient of an overwritten forward, or of
 *     another piece's output, throws StaleForwardError instead of using the wrong cache.
 */
import { Lease, Tensor, type TensorInput } from '../wasm/index.js';
import { StaleForwardError, ValueError } from '../errors.js';
import { Disposable } from '../lifecycle.js';
import { checkOptions } from '../options.js';

/** Backward options that ask for the input gradient (the default): the result is not null. */
export type WithInputGradient = Omit<BackwardOptions, 'inputGradient'> & { inputGradient?: true };
/** Backward options that ask for no input gradient: the result is null. */
export type WithoutInputGradient = Omit<BackwardOptions, 'inputGradient'> & { inputGradient: false };

/** Options of a piece's backward: which gradients to compute. */
export interface BackwardOptions {
  /** return ∂L/∂input (default true); a Concat takes one flag per part */
  inputGradient?: boolean | boolean[];
  /** accumulate ∂L/∂parameters (default true); false (a frozen piece) computes none of
   *  them, no weight-gradient product runs, and still returns ∂L/∂input */
  parameterGradients?: boolean;
}

/**
 * A piece of a network. Parameter gradients ACCUMULATE over backward calls (zeroGrad
 * resets them); the returned input gradient is OVERWRITTEN on each backward.
 */
export interface Piece<X = TensorInput, Y = Tensor, DX = Tensor | null, DY = TensorInput> {
  /** Runs the piece; the result is a view valid until the next forward, predict or dispose. */
  forward(x: X): Y;
  /** Backpropagates the gradient of the last forward's output. One backward per forward. */
  backward(dY: DY, options?: BackwardOptions): DX;
  /** dropout and the like on (default) */
  train(): this;
  /** dropout and the like off */
  eval(): this;
  readonly training: boolean;
  /** number of trainable values (0 for a concatenation, split or fork) */
  readonly parameterCount: number;
  /** live flat view of the parameters */
  readonly parameters: Float32Array;
  /** live flat view of the accumulated gradients, same layout */
  readonly gradients: Float32Array;
  zeroGrad(): void;
  toJSON(): Record<string, unknown>;
  dispose(): void;
  readonly disposed: boolean;
  /** the parameter and gradient buffers as 1×count tensors (null when there are none). @internal */
  _parameterBlocks(): { params: Tensor; grads: Tensor } | null;
  /** the state of the piece's PRNG (dropout), for checkpoints; absent when it has none. @internal */
  _rngState?(): Uint8Array;
  /** @internal */
  _setRngState?(bytes: Uint8Array): void;
}

/** Reads `{ inputGradient, parameterGradients }`, `parts` flags for a multi-input piece. */
export function backwardFlags(options: BackwardOptions | undefined, parts = 1): { input: boolean[]; any: boolean; parameters: boolean } {
  options = checkOptions(options, ['inputGradient', 'parameterGradients'], 'backward options');
  const ig = options.inputGradient ?? true;
  let input: boolean[];
  if (typeof ig === 'boolean') input = new Array<boolean>(parts).fill(ig);
  else if (Array.isArray(ig) && ig.length === parts && ig.every((v) => typeof v === 'boolean')) input = ig;
  else throw new ValueError('options.inputGradient', parts > 1 ? `a boolean or ${parts} booleans (one per part)` : 'a boolean', ig);
  const pg = options.parameterGradients ?? true;
  if (typeof pg !== 'boolean') throw new ValueError('options.parameterGradients', 'a boolean', pg);
  return { input, any: input.some((v) => v), parameters: pg };
}

/** Where a forward's input came from: another piece's output (its lease), or null. */
export function originOf(x: unknown): Lease | null {
  return x instanceof Tensor ? x.origin : null;
}

/**
 * The state between a piece's forward and its backward: the lease of the current forward's
 * views, the origins of its inputs, and whether its backward already ran.
 */
export class ForwardRecord {
  #lease: Lease | null = null;
  #inputs: readonly (Lease | null)[] = [];
  #backwardDone = false;
  #ended = '';

  /** `what` names the piece in messages, e.g. "MLP". */
  constructor(readonly what: string) {}

  /** The current forward's lease (null when there is none). */
  get lease(): Lease | null {
    return this.#lease;
  }

  /** Starts a forward: the previous forward's views die, with `why` as the reason. */
  begin(inputs: readonly (Lease | null)[], why = `the ${this.what} ran forward again`): Lease {
    this.#lease?.revoke(why);
    this.#lease = new Lease(`the ${this.what}'s output`);
    this.#inputs = inputs;
    this.#backwardDone = false;
    return this.#lease;
  }

  /** Ends the current forward without a new one (predict reused the buffers, dispose). */
  end(why: string): void {
    this.#lease?.revoke(why);
    this.#lease = null;
    this.#ended = why;
  }

  /** The origin of input `i` of the current forward (what its gradient differentiates). */
  input(i = 0): Lease | null {
    return this.#inputs[i] ?? null;
  }

  /**
   * Checks that backward may run now on these gradients, whose provenance, if they carry one,
   * must be `expected` (by default the current forward's own output).
   */
  check(gradients: readonly unknown[], expected: Lease | null = this.#lease): Lease {
    const lease = this.#lease;
    if (!lease) {
      const why = this.#ended ? ` (${this.#ended})` : '';
      throw new StaleForwardError(`backward: this ${this.what} has no forward to differentiate${why}: call forward first`);
    }
    if (this.#backwardDone)
      throw new StaleForwardError(
        `backward: this ${this.what}'s backward already ran for its last forward. Add the gradients of several consumers first (nn.Fork) and run backward once, or run forward again`,
      );
    for (const g of gradients) {
      const of = g instanceof Tensor ? g.gradOf : null;
      if (!of || of === expected) continue;
      if (!of.alive)
        throw new StaleForwardError(
          `backward: dY is the gradient of ${of.what} from a forward that was overwritten since (${of.why}): compute the gradient of the last forward's output, or run backward before the next forward`,
        );
      throw new StaleForwardError(`backward: dY is the gradient of ${of.what}, not of this ${this.what}'s last forward`);
    }
    return lease;
  }

  /** Marks the backward of the current forward done. */
  backwardDone(): void {
    this.#backwardDone = true;
  }

  /** The first n rows of `t` handed out as the current forward's output. */
  output(t: Tensor, n: number): Tensor {
    const y = t.viewRows(0, n, this.#lease!);
    y.origin = this.#lease;
    return y;
  }

  /** The first n rows of `t` handed out as the gradient of the current forward's input i. */
  gradient(t: Tensor, n: number, i = 0): Tensor {
    const g = t.viewRows(0, n, this.#lease!);
    g.gradOf = this.input(i);
    return g;
  }
}

/** What every piece shares: its life cycle and its train / eval mode. */
export abstract class PieceBase extends Disposable {
  #training = true;

  /** Training mode (dropout and the like on) unless eval() was called. */
  get training(): boolean {
    return this.#training;
  }

  /** Training mode: dropout on. Returns this. */
  train(): this {
    this.live();
    this.#training = true;
    return this;
  }

  /** Evaluation mode: dropout off. Returns this. */
  eval(): this {
    this.live();
    this.#training = false;
    return this;
  }
}
