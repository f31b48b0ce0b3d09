/**
 * The training loop every model uses: epochs of shuffled mini-batches (shuffling by the
 * seeded in-wasm PRNG, so every runtime visits the same batches), progress through
 * `onEpoch`, cancellation through an AbortSignal, and yielding to the event loop between
 * batches so a page stays responsive. With a checkpoint, the state after each finished epoch
 * is kept, and an abort, a loss that turns NaN or an error inside a step returns to it. The
 * loop allocates once, before the first batch.
 */
import * as W from '../wasm/index.js';
import { Indices, Rng } from '../wasm/index.js';
import { DivergenceError, NonFiniteError, ValueError } from '../errors.js';
import { checkOptions } from '../options.js';

/**
 * One finished epoch. `L` is the model's record of named losses (`DeepCCALosses`,
 * `AutoencoderLosses`, …), so a misspelt name does not compile.
 */
export interface EpochInfo<L = Record<string, number>> {
  /** 1-based epoch just finished (a warm-started fit goes on counting) */
  epoch: number;
  /** the epoch count this fit reaches */
  epochs: number;
  /** mean training loss over the epoch's batches (the 'loss' part, or the sum of the parts) */
  loss: number;
  /** each named part of the loss (e.g. per modality, generator/discriminator) */
  losses: L;
  /** wall-clock seconds since fit started */
  seconds: number;
  /** the batch size used (the option, clamped to the number of rows) */
  batchSize: number;
}

/** What every model's fit (and trainLoop) takes to watch or stop training. */
export interface FitOptions<L = Record<string, number>> {
  /** called after every epoch; return false to stop training early (default: none) */
  onEpoch?: (info: EpochInfo<L>) => void | boolean | Promise<void | boolean>;
  /** aborting rejects fit with the signal's reason; the model keeps the last finished epoch (default: none) */
  signal?: AbortSignal;
}

/** The keys of FitOptions, for models that take no others. */
export const FIT_OPTIONS = ['onEpoch', 'signal'] as const satisfies readonly (keyof FitOptions)[];

/** Options of nn.trainLoop: the data's size, the schedule and the step. */
export interface LoopOptions extends FitOptions {
  /** rows in the training set (required) */
  rows: number;
  /** passes over the rows (required) */
  epochs: number;
  /** rows per step (required; at most `rows`) */
  batchSize: number;
  /** seed of the shuffling (required; unused when `rng` is given) */
  seed: number;
  /** the shuffling's random stream, to continue one across calls (default: a new one from `seed`; the loop does not dispose it) */
  rng?: Rng;
  /** drop the last incomplete batch of each epoch (default true) */
  dropLast?: boolean;
  /** shuffle every epoch (default true) */
  shuffle?: boolean;
  /** one optimisation step on the rows whose indices are `batch` (a view of this epoch's order); returns the loss or named losses (required) */
  step(batch: Indices): number | Record<string, number>;
  /** kept after each finished epoch (and at the start); restored when training stops on an error (default: none) */
  checkpoint?: { save(): void; restore(): void };
}

const LOOP_OPTIONS = ['rows', 'epochs', 'batchSize', 'seed', 'rng', 'dropLast', 'shuffle', 'step', 'checkpoint', ...FIT_OPTIONS] as const satisfies readonly (keyof LoopOptions)[];

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A divergence in `batch` (0-based) of `epoch`, saying what the checkpoint (if any) put back. */
export function diverged(epoch: number, batch: number, what: string, checkpoint: boolean, cause?: NonFiniteError): DivergenceError {
  const back = !checkpoint
    ? 'nothing was put back (no checkpoint)'
    : epoch > 1
      ? `the checkpoint of the last finished epoch (${epoch - 1}) is restored`
      : 'the checkpoint from before the first epoch is restored';
  return new DivergenceError(`training diverged at epoch ${epoch}, batch ${batch + 1}: ${what}; ${back}. Lower the learning rate or clip the gradients (the optimiser's maxGradNorm)`, {
    reason: what,
    batch: batch + 1,
    cause,
  });
}

/**
 * Resolves on the next macrotask (setImmediate in Node, a MessageChannel in browsers), so a
 * long loop lets the page repaint and timers run.
 *
 * @example
 * ```ts
 * for (let i = 0; i < 1000; i++) {
 *   opt.step();
 *   if (i % 50 === 0) await nn.yieldToEventLoop();
 * }
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Training was aborted', 'AbortError');
}

/**
 * Validation for a fit: after every epoch `measure()` is reported as `losses.validation`;
 * with `patience`, training stops after that many epochs without improvement and
 * `restoreBest()` puts back the parameters of the best epoch. Without `measure` the user's
 * onEpoch passes through.
 */
export function validated(o: {
  /** the held-out measure after epoch `epoch` (as onEpoch numbers it) */
  measure: ((epoch: number) => number | Promise<number>) | null;
  higherIsBetter: boolean;
  patience?: number;
  pieces: readonly { parameters: Float32Array }[];
  onEpoch?: FitOptions['onEpoch'];
}): { onEpoch: (info: EpochInfo) => Promise<void | boolean>; restoreBest(): void } {
  let best = o.higherIsBetter ? -Infinity : Infinity, stale = 0, kept: Float32Array[] | null = null;
  return {
    onEpoch: async (info) => {
      if (o.measure) {
        const v = await o.measure(info.epoch);
        info.losses.validation = v;
        if (o.higherIsBetter ? v > best : v < best) {
          best = v;
          stale = 0;
          if (o.patience !== undefined) kept = o.pieces.map((p) => p.parameters.slice());
        } else if (o.patience !== undefined && ++stale >= o.patience) {
          if (o.onEpoch) await o.onEpoch(info);
          return false;
        }
      }
      return o.onEpoch ? o.onEpoch(info) : undefined;
    },
    restoreBest: () => {
      if (kept) o.pieces.forEach((p, i) => p.parameters.set(kept![i]!));
    },
  };
}

/** True for the rejection an aborted signal causes (the signal's reason, or an AbortError). */
export function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return !!signal?.aborted && (e === signal.reason || (e instanceof Error && e.name === 'AbortError'));
}

/**
 * One step of a training loop: runs it, turns a NonFiniteError inside it (the training's own:
 * inputs were checked before the loop) or a non-finite loss into a DivergenceError naming the
 * epoch and batch, and adds its losses to the epoch's sums.
 */
export function addStep(sums: Record<string, number>, run: () => number | Record<string, number>, epoch: number, batch: number, checkpointed: boolean): void {
  let r: number | Record<string, number>;
  try {
    r = run();
  } catch (e) {
    if (e instanceof NonFiniteError) throw diverged(epoch, batch, `${e.argument} became ${e.value} (at [${e.row}][${e.col}])`, checkpointed, e);
    throw e;
  }
  const parts = typeof r === 'number' ? { loss: r } : r;
  for (const k in parts) {
    const v = parts[k]!;
    if (!Number.isFinite(v)) throw diverged(epoch, batch, `the ${k === 'loss' ? '' : `${k} `}loss is ${v}`, checkpointed);
    sums[k] = (sums[k] ?? 0) + v;
  }
}

/**
 * The end of an epoch: the mean losses, the checkpoint of this epoch, its entry in the
 * history and onEpoch; true when onEpoch asks to stop. An abort meanwhile rejects.
 */
export async function endEpoch(
  o: { checkpoint?: { save(): void }; onEpoch?: FitOptions['onEpoch']; signal?: AbortSignal },
  e: { epoch: number; epochs: number; sums: Record<string, number>; batches: number; start: number; batchSize: number },
  history: EpochInfo[],
): Promise<boolean> {
  const losses: Record<string, number> = {};
  for (const k in e.sums) losses[k] = e.sums[k]! / e.batches;
  const loss = losses.loss ?? Object.values(losses).reduce((s, v) => s + v, 0);
  o.checkpoint?.save();
  const info: EpochInfo = { epoch: e.epoch, epochs: e.epochs, loss, losses, seconds: (now() - e.start) / 1000, batchSize: e.batchSize };
  history.push(info);
  const verdict = o.onEpoch ? await o.onEpoch(info) : undefined;
  if (verdict === false) return true;
  if (o.signal?.aborted) throw abortError(o.signal);
  return false;
}

/**
 * Runs the loop; resolves to the per-epoch history. A loss that is not finite stops it with a
 * DivergenceError. On any error (an abort included) the checkpoint, if given, is restored to
 * the last finished epoch before the error propagates; `history` then still lists the
 * finished epochs (pass your own array to keep it).
 *
 * @example
 * ```ts
 * // net, opt: an MLP and its optimiser; x, t: the data; xb (8×in), tb (8×1), G (8×1): Tensors
 * const history = await nn.trainLoop({
 *   rows: x.length, epochs: 10, batchSize: 8, seed: 1,
 *   step: (batch) => {
 *     const ids = batch.toArray(); // this batch's row indices
 *     xb.data.set(ids.flatMap((i) => x[i])); tb.data.set(ids.map((i) => t[i]));
 *     opt.zeroGrad();
 *     const { loss } = nn.mse(net.forward(xb), tb, { grad: G });
 *     net.backward(G, { inputGradient: false });
 *     opt.step();
 *     return loss;
 *   },
 * });
 * ```
 */
export async function trainLoop(o: LoopOptions, history: EpochInfo[] = []): Promise<EpochInfo[]> {
  checkOptions(o, LOOP_OPTIONS, 'trainLoop options');
  const { rows, epochs, signal } = o;
  const dropLast = o.dropLast ?? true;
  const bs = Math.min(o.batchSize, rows);
  const batches = dropLast ? Math.floor(rows / bs) : Math.ceil(rows / bs);
  if (batches < 1) throw new ValueError('options.batchSize', `at most ${rows} (the number of rows)`, o.batchSize);
  if (signal?.aborted) throw abortError(signal);
  const idx = Indices.empty(rows);
  let own: Rng | null = null;
  try {
    const rng = o.rng ?? (own = Rng.create(o.seed));
    o.checkpoint?.save();
    const start = now();
    let lastYield = start;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (o.shuffle === false) W.iota(idx);
      else W.shuffle(idx, rng);
      const sums: Record<string, number> = {};
      for (let b = 0; b < batches; b++) {
        if (signal?.aborted) throw abortError(signal);
        const size = Math.min(bs, rows - b * bs);
        addStep(sums, () => o.step(idx.view(b * bs, size)), epoch, b, !!o.checkpoint);
        if (now() - lastYield > 12) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      if (await endEpoch(o, { epoch, epochs, sums, batches, start, batchSize: bs }, history)) break;
    }
    return history;
  } catch (e) {
    o.checkpoint?.restore();
    throw e;
  } finally {
    idx.dispose();
    own?.dispose();
  }
}
