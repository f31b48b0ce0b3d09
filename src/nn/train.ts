/**
 * The training loop every model uses: epochs of shuffled mini-batches (shuffling by the
 * seeded in-wasm PRNG, so every runtime visits the same batches), progress through
 * `onEpoch`, cancellation through an AbortSignal, and yielding to the event loop between
 * batches so a page stays responsive. The loop allocates once, before the first batch.
 */
import * as W from '../wasm/index.js';
import { Indices, Rng } from '../wasm/index.js';
import { ValueError } from '../errors.js';

export interface EpochInfo {
  /** 1-based epoch just finished */
  epoch: number;
  epochs: number;
  /** mean training loss over the epoch's batches (the 'loss' part, or the sum of the parts) */
  loss: number;
  /** each named part of the loss (e.g. per modality, generator/discriminator) */
  losses: Record<string, number>;
  /** wall-clock seconds since fit started */
  seconds: number;
}

export interface FitOptions {
  /** called after every epoch; return false to stop training early */
  onEpoch?: (info: EpochInfo) => void | boolean | Promise<void | boolean>;
  /** aborting rejects fit with the signal's reason; the model keeps the last finished step */
  signal?: AbortSignal;
}

export interface LoopOptions extends FitOptions {
  rows: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** drop the last incomplete batch of each epoch (default true) */
  dropLast?: boolean;
  /** shuffle every epoch (default true) */
  shuffle?: boolean;
  /** one optimisation step on the rows whose indices are `batch` (a view of this epoch's order) */
  step(batch: Indices): number | Record<string, number>;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Resolves on the next macrotask (setImmediate in Node, a MessageChannel in browsers). */
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

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Training was aborted', 'AbortError');
}

export function checkTrainingOptions(o: { epochs?: unknown; batchSize?: unknown; learningRate?: unknown; seed?: unknown }) {
  if (o.epochs !== undefined && !(Number.isInteger(o.epochs) && (o.epochs as number) >= 1)) throw new ValueError('options.epochs', 'a positive integer', o.epochs);
  if (o.batchSize !== undefined && !(Number.isInteger(o.batchSize) && (o.batchSize as number) >= 1)) throw new ValueError('options.batchSize', 'a positive integer', o.batchSize);
  if (o.learningRate !== undefined && !(typeof o.learningRate === 'number' && o.learningRate > 0 && Number.isFinite(o.learningRate)))
    throw new ValueError('options.learningRate', 'a positive number', o.learningRate);
  if (o.seed !== undefined && !(Number.isInteger(o.seed) && (o.seed as number) >= 0 && (o.seed as number) <= 0xffffffff))
    throw new ValueError('options.seed', 'an integer in [0, 2³²)', o.seed);
}

/** Runs the loop; resolves to the per-epoch history. */
export async function trainLoop(o: LoopOptions): Promise<EpochInfo[]> {
  const { rows, epochs, signal } = o;
  const dropLast = o.dropLast ?? true;
  const bs = Math.min(o.batchSize, rows);
  const batches = dropLast ? Math.floor(rows / bs) : Math.ceil(rows / bs);
  if (batches < 1) throw new ValueError('options.batchSize', `at most ${rows} (the number of rows)`, o.batchSize);
  if (signal?.aborted) throw abortError(signal);
  const idx = Indices.empty(rows);
  let rng: Rng | null = null;
  const history: EpochInfo[] = [];
  try {
    rng = Rng.create(o.seed);
    const start = now();
    let lastYield = start;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (o.shuffle === false) W.iota(idx);
      else W.shuffle(idx, rng);
      const sums: Record<string, number> = {};
      for (let b = 0; b < batches; b++) {
        if (signal?.aborted) throw abortError(signal);
        const size = Math.min(bs, rows - b * bs);
        const r = o.step(idx.view(b * bs, size));
        const parts = typeof r === 'number' ? { loss: r } : r;
        for (const k in parts) sums[k] = (sums[k] ?? 0) + parts[k]!;
        if (now() - lastYield > 12) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      const losses: Record<string, number> = {};
      for (const k in sums) losses[k] = sums[k]! / batches;
      const loss = losses.loss ?? Object.values(losses).reduce((s, v) => s + v, 0);
      const info: EpochInfo = { epoch, epochs, loss, losses, seconds: (now() - start) / 1000 };
      history.push(info);
      const verdict = o.onEpoch ? await o.onEpoch(info) : undefined;
      if (verdict === false) break;
      if (signal?.aborted) throw abortError(signal);
    }
    return history;
  } finally {
    idx.dispose();
    rng?.dispose();
  }
}
