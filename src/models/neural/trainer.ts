/**
 * The trainer every neural model fits through. A model keeps only its networks, its step
 * (forward, loss, backward, optimiser steps) and its file format; the trainer owns the rest of
 * a fit: the epoch and batch loop with seeded shuffling (nn/train.ts), train/eval switching,
 * `onEpoch` and the history, the AbortSignal, divergence, keeping the last finished epoch, the
 * checkpoint that puts a failed warm fit back, validation with patience and best weights, the
 * adoption of the new fit, warm starts and one fit at a time.
 *
 * A cold fit builds new networks beside the model's current ones and makes them the model's
 * only when it finishes (or keeps an aborted / diverged fit's last finished epoch); a warm fit
 * (`warmStart: true`) trains the model's own networks on, with their optimisers and random
 * streams, and a failure puts them back as they were before the call.
 */
import { Rng, type Indices, type Tensor } from '../../wasm/index.js';
import { validated, trainLoop, isAbort, FIT_OPTIONS, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { Checkpoint } from '../../nn/checkpoint.js';
import type { Optimizer, Trainable } from '../../nn/optim.js';
import { DivergenceError, FitRunningError, NonFiniteError, NotFittedError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { sourceLoop, type SourceReader } from './source.js';

/** What every model's epoch reports: `loss` and the model's named parts. */
export type Losses = { loss: number };

/** What every neural model's fit takes: onEpoch, signal, warmStart and validation. */
export interface NeuralFitOptions<L = Record<string, number>> extends FitOptions<L> {
  /** continue from the current weights, optimiser state and random streams for `epochs` more
   *  epochs (default false: fit starts over from freshly initialised networks) */
  warmStart?: boolean;
}

/** The keys of NeuralFitOptions, for the models' fit option checks. */
export const NEURAL_FIT_OPTIONS = [...FIT_OPTIONS, 'warmStart'] as const satisfies readonly (keyof NeuralFitOptions)[];

/** A network of a model: trained, switched between modes, checkpointed. */
export type Net = Trainable & { train(): unknown; eval(): unknown; readonly parameters: Float32Array };

/** What a fitted model keeps for a warm start besides its networks. */
interface TrainingState {
  optimizers: readonly Optimizer[];
  rngs: readonly Rng[];
  shuffle: Rng;
}

/** One fit, as the model's `prepare` sets it up. */
export interface Session<L extends Losses> {
  /** training rows */
  rows: number;
  /** rows per step (the option, clamped to the rows) */
  batchSize: number;
  /** drop the last incomplete batch of each epoch (default true) */
  dropLast?: boolean;
  /** every network the step trains, in a fixed order */
  nets: readonly Net[];
  /** the optimisers and the model's own random streams the step uses: the previous fit's on a warm start */
  optimizers: readonly Optimizer[];
  rngs: readonly Rng[];
  step(batch: Indices): L;
  /** training from a source: the step's batch tensors (one per input, batchSize rows), which the trainer fills */
  batchTensors?: readonly Tensor[];
  /** training from a source: one step on the rows the trainer wrote into `batchTensors` */
  filledStep?(): L;
  /**
   * After training (the networks in eval mode): false when the networks' outputs on the last
   * batch (still in the batch tensors) are not finite, as a last step whose update overflowed
   * the weights leaves them. Draws no number from the training streams.
   */
  probe?(): boolean;
  /** training from a source with dropLast false: one step on the first `rows` rows of `batchTensors` (the epoch's last, partial batch) */
  partialStep?(rows: number): L;
  /** held-out measure after each epoch, reported as losses.validation */
  validation?: { measure: (epoch: number) => number | Promise<number>; higherIsBetter: boolean; patience?: number } | null;
  /** makes the networks (in eval mode) the model's fit; for a warm fit, refreshes what depends on the weights; may throw (the previous fit then stays) */
  adopt(): void | Promise<void>;
}

/** What the trainer hands `prepare`. */
export interface Preparation {
  /** true for a warm start (the model's own networks) */
  warm: boolean;
  /** on a warm start, the previous fit's optimisers and random streams (null after fromJSON / fromTorch: make new ones) */
  previous: { optimizers: readonly Optimizer[]; rngs: readonly Rng[] } | null;
  /** frees `o` when the fit ends */
  own: <T extends { dispose(): void }>(o: T) => T;
  /** frees `o` when the fit ends unless the fit is adopted (new networks, optimisers, random streams) */
  built: <T extends { dispose(): void }>(o: T) => T;
  /** training from a source: the columns of each input (of its first chunk) */
  widths?: readonly number[];
}

/** Training from a source: its reader (widths already fixed on a warm start) and the shuffle buffer's rows. */
export interface SourceFit {
  reader: SourceReader;
  /** rows of the shuffle buffer (null: the default for the inputs' widths; 0: source order) */
  shuffleBuffer: number | null;
  /** a pass the model needs before training (e.g. the columns' statistics), run once the fit holds the model */
  before?: () => Promise<void>;
}

/** What the trainer asks of its model. */
export interface TrainedModel {
  /** whether the model holds a fit (a warm start needs one) */
  fitted(): boolean;
  /** the seed of the shuffling stream of a new fit */
  shuffleSeed(): number;
  /** epochs per fit */
  epochs(): number;
  /** throws DisposedError once the model is disposed (checked before every batch) */
  live(): void;
}

/** False once the model is disposed. */
function alive(r: { live(): void }): boolean {
  try {
    r.live();
    return true;
  } catch {
    return false;
  }
}

/** The options a DivergenceError names, with a hint. */
/** The session's probe with its networks in eval mode; a NonFiniteError inside it is a false. */
function probed(s: Session<Losses>): boolean {
  for (const n of s.nets) n.eval();
  try {
    return s.probe!();
  } catch (e) {
    if (e instanceof NonFiniteError) return false;
    throw e;
  } finally {
    for (const n of s.nets) n.train();
  }
}

const HINT = 'Lower learningRate or clip the gradients with maxGradNorm (e.g. maxGradNorm: 1)';
const FIRST_BATCH_HINT = "No step had been taken yet, so the step size is not the cause: the inputs are too large for the new networks: standardise each column (the model's scale option, where it has one) or scale the data down";

export class Trainer<L extends Losses> {
  readonly #name: string;
  readonly #model: TrainedModel;
  #state: TrainingState | null = null;
  #history: EpochInfo<L>[] = [];
  #running = false;

  constructor(name: string, model: TrainedModel) {
    this.#name = name;
    this.#model = model;
  }

  /** Throws FitRunningError while a fit of the model runs: every method that reads the weights calls it first. */
  idle(method: string): void {
    if (this.#running)
      throw new FitRunningError(`${this.#name}.${method}: a fit of this model is still running. fit returns a promise: await it (or the last of several) before calling ${method}`);
  }

  /** The history of the fit in place (one entry per finished epoch, warm starts appended). */
  get history(): EpochInfo<L>[] {
    return this.#history.slice();
  }

  /** The optimisers of the fit in place (none before a fit, or after a file without them). */
  get optimizers(): readonly Optimizer[] {
    return this.#state?.optimizers ?? [];
  }

  /**
   * A fit read from a file with its optimisers' state: a warm start goes on with them, its own
   * random streams and the shuffling stream (16 state bytes, or a seed for a new one).
   */
  resume(optimizers: readonly Optimizer[], rngs: readonly Rng[], shuffle: number | Uint8Array): void {
    this.#dropState();
    const g = Rng.create(typeof shuffle === 'number' ? shuffle : 0);
    if (typeof shuffle !== 'number') g.state = shuffle;
    this.#state = { optimizers, rngs, shuffle: g };
  }

  /** The shuffling stream's 16 state bytes of the fit in place (null without a training state), for a file that resumes exactly. */
  get shuffleState(): Uint8Array | null {
    return this.#state?.shuffle.state ?? null;
  }

  /** Frees the optimisers and random streams (dispose of the model). */
  dispose(): void {
    this.#dropState();
  }

  #dropState(): void {
    const s = this.#state;
    this.#state = null;
    if (s) for (const o of [...s.optimizers, ...s.rngs, s.shuffle]) o.dispose();
  }

  /** Runs one fit with the model's `prepare`; resolves to the model's history. */
  async fit(options: NeuralFitOptions<L>, prepare: (p: Preparation) => Session<L>, source?: SourceFit): Promise<EpochInfo<L>[]> {
    const r = this.#model, fitted = r.fitted();
    const warm = options.warmStart ?? false;
    if (typeof warm !== 'boolean') throw new ValueError('options.warmStart', 'true or false', warm);
    if (this.#running) throw new FitRunningError(`${this.#name}.fit: a fit of this model is still running; a second one would train the same model at once. Await the first fit before starting another`);
    if (warm && !fitted) throw new NotFittedError(`${this.#name}.fit: warmStart continues a fitted model, and this one is not fitted: call fit without warmStart first`);
    this.#running = true;
    const owner = new Owner(), built = new Owner();
    const history = warm ? this.#history.slice() : [];
    const base = history.length;
    let session: Session<L> | null = null, checkpoint: Checkpoint | null = null, adopted = false;
    const prev = warm ? this.#state : null;
    let first: Tensor[] | null = null;
    try {
      let widths: number[] | undefined;
      if (source) {
        // the first chunk says the inputs' columns, which the networks are built for
        await source.before?.();
        source.reader.open(1);
        first = await source.reader.next(options.signal);
        if (!first) source.reader.checkEnd(1, 'one');
        widths = first!.map((t) => t.cols);
      }
      session = prepare({ warm, previous: prev, own: owner.own, built: built.own, ...(widths ? { widths } : {}) });
      const s = session;
      // a warm start goes on with the fit's own state; otherwise the session's new optimisers and streams, and a new shuffling
      const state: TrainingState = prev ?? { optimizers: s.optimizers, rngs: s.rngs, shuffle: built.own(Rng.create(r.shuffleSeed())) };
      const shuffle = state.shuffle;
      // the random streams join the checkpoint as pieces without parameters
      const streams = [...s.rngs, shuffle].map((g) => ({ parameterCount: 0, zeroGrad() {}, _parameterBlocks: () => null, _rngState: () => g.state, _setRngState: (b: Uint8Array) => void (g.state = b) }));
      checkpoint = owner.own(new Checkpoint([...s.nets, ...streams], s.optimizers));
      if (warm) checkpoint.save('start');
      const v = s.validation ?? null;
      const validation = validated({ measure: v?.measure ?? null, higherIsBetter: v?.higherIsBetter ?? false, patience: v?.patience, pieces: s.nets, onEpoch: options.onEpoch as FitOptions['onEpoch'] });
      const adopt = async () => {
        r.live(); // a model disposed meanwhile takes nothing
        for (const n of s.nets) n.eval();
        await s.adopt();
        adopted = true;
        if (this.#state !== state) {
          this.#dropState();
          this.#state = state;
        }
        this.#history = history;
      };
      for (const n of s.nets) n.train();
      try {
        const onEpoch = (info: EpochInfo) => {
          info.epoch += base;
          info.epochs += base;
          return validation.onEpoch(info);
        };
        if (source) {
          const f = first;
          first = null;
          await sourceLoop(
            {
              reader: source.reader,
              first: f,
              epochs: r.epochs(),
              batch: s.batchTensors!,
              shuffleBuffer: source.shuffleBuffer,
              rng: shuffle,
              signal: options.signal,
              checkpoint,
              step: () => {
                r.live();
                return s.filledStep!();
              },
              ...(s.partialStep && s.dropLast === false && {
                partialStep: (rows: number) => {
                  r.live();
                  return s.partialStep!(rows);
                },
              }),
              onEpoch,
            },
            history as EpochInfo[],
          );
        } else await trainLoop(
          {
            rows: s.rows,
            epochs: r.epochs(),
            batchSize: s.batchSize,
            seed: 0,
            rng: shuffle,
            dropLast: s.dropLast ?? true,
            signal: options.signal,
            checkpoint,
            step: (batch) => {
              r.live();
              return s.step(batch);
            },
            onEpoch,
          },
          history as EpochInfo[],
        );
      } catch (e) {
        // the loop has put back the last finished epoch: an abort or a divergence keeps it
        // (unless the kept weights' own outputs overflow, as when the next epoch's first batch diverged on them)
        if (history.length > base && (isAbort(e, options.signal) || e instanceof DivergenceError) && (!s.probe || probed(s))) {
          try {
            await adopt();
          } catch {
            /* the kept epoch could not be adopted: the previous fit stays */
          }
        }
        throw e;
      }
      validation.restoreBest();
      // the last step's weights are used by nothing in training: their outputs on the last batch must be finite
      if (s.probe && !probed(s)) {
        const why = "after the last step the networks' outputs on the last batch are not finite: that step made the weights overflow";
        throw new DivergenceError(`training diverged: ${why}`, { reason: why });
      }
      await adopt();
      return this.history;
    } catch (e) {
      if (!adopted && warm && checkpoint?.has('start') && alive(r)) {
        checkpoint.restore('start');
        for (const n of session!.nets) n.eval();
      }
      if (e instanceof DivergenceError) throw this.#diverged(e, history.length - base, base, adopted, fitted);
      throw e;
    } finally {
      if (first) for (const t of first) t.dispose();
      source?.reader.close();
      if (!adopted) built.dispose();
      owner.dispose();
      this.#running = false;
    }
  }

  /** The model's own account of a divergence: where, why, what the model holds now, and options it takes. */
  #diverged(e: DivergenceError, finished: number, base: number, kept: boolean, wasFitted: boolean): DivergenceError {
    const epoch = base + finished + 1;
    // no batch: after the last finished epoch (e.g. the final CCA's pass over the training rows)
    const where = e.batch !== undefined ? `epoch ${epoch}, batch ${e.batch}` : finished > 0 ? `the end of epoch ${epoch - 1}` : `epoch ${epoch}`;
    const now = kept ? `the weights of the last finished epoch (${epoch - 1}) are kept` : wasFitted ? 'the model keeps its previous fit' : 'the model is not fitted';
    // a value inside the step: said without the internal name it had (the error's cause keeps it)
    const why = e.batch !== undefined && e.cause instanceof NonFiniteError ? `a value computed in the forward or backward pass became ${e.cause.value}` : (e.reason ?? e.message);
    // in the first batch of a fresh fit no step has been taken: the data's scale is the cause, not the step size
    const hint = finished === 0 && base === 0 && e.batch === 1 ? FIRST_BATCH_HINT : HINT;
    return new DivergenceError(`${this.#name}: training diverged at ${where}: ${why}; ${now}. ${hint}`, { reason: why, batch: e.batch, cause: e });
  }
}
