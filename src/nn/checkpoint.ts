/**
 * A copy of a training run's state (each piece's parameters and PRNG, each optimiser's
 * moments and step count) kept in wasm memory, so that an aborted or diverged fit returns
 * to the last epoch that finished with finite values instead of keeping half an epoch, or
 * NaN weights. Buffers are allocated once, on the first save of each slot; saving and
 * restoring are copies.
 */
import * as W from '../wasm/index.js';
import { Tensor } from '../wasm/index.js';
import { DivergenceError } from '../errors.js';
import { Disposable } from '../lifecycle.js';
import type { Optimizer, Trainable } from './optim.js';

/** 'epoch': the last finished epoch (the training loop keeps it); 'start': the state before fit. */
export type CheckpointSlot = 'epoch' | 'start';

interface Saved {
  params: Tensor[];
  rng: (Uint8Array | null)[];
  moments: Tensor[];
  steps: number[];
}

export class Checkpoint extends Disposable {
  readonly #pieces: readonly Trainable[];
  readonly #optimizers: readonly Optimizer[];
  #slots = new Map<CheckpointSlot, Saved>();

  constructor(pieces: readonly Trainable[], optimizers: readonly Optimizer[] = []) {
    super();
    this.#pieces = pieces;
    this.#optimizers = optimizers;
  }

  /**
   * Copies the current state into `slot`. Throws DivergenceError (and keeps the slot as it
   * was) when a parameter is NaN or ±Infinity.
   */
  save(slot: CheckpointSlot = 'epoch'): void {
    this.live();
    const blocks = this.#pieces.map((p) => p._parameterBlocks());
    blocks.forEach((b, i) => {
      if (b && !W.allFinite(b.params)) throw new DivergenceError(`training diverged: parameters of piece ${i} are no longer finite`, { reason: `parameters of piece ${i} are no longer finite` });
    });
    let s = this.#slots.get(slot);
    if (!s) {
      s = {
        params: blocks.map((b) => Tensor.empty(1, b ? b.params.cols : 1)),
        rng: [],
        moments: this.#optimizers.flatMap((o) => o._state().blocks.map((t) => Tensor.empty(1, t.cols))),
        steps: [],
      };
      this.#slots.set(slot, s);
    }
    blocks.forEach((b, i) => b && W.copy(s.params[i]!, b.params));
    s.rng = this.#pieces.map((p) => p._rngState?.() ?? null);
    const moments = this.#optimizers.flatMap((o) => o._state().blocks);
    moments.forEach((t, i) => W.copy(s.moments[i]!, t));
    s.steps = this.#optimizers.map((o) => o.steps);
  }

  /** True once `slot` holds a state. */
  has(slot: CheckpointSlot = 'epoch'): boolean {
    return this.#slots.has(slot);
  }

  /** Puts the state saved in `slot` back (nothing happens when it was never saved). */
  restore(slot: CheckpointSlot = 'epoch'): void {
    this.live();
    const s = this.#slots.get(slot);
    if (!s) return;
    this.#pieces.forEach((p, i) => {
      const b = p._parameterBlocks();
      if (b) W.copy(b.params, s.params[i]!);
      const r = s.rng[i];
      if (r) p._setRngState?.(r);
    });
    const moments = this.#optimizers.flatMap((o) => o._state().blocks);
    moments.forEach((t, i) => W.copy(t, s.moments[i]!));
    this.#optimizers.forEach((o, i) => (o.steps = s.steps[i]!));
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    for (const s of this.#slots.values()) for (const t of [...s.params, ...s.moments]) t.dispose();
    this.#slots.clear();
  }
}
