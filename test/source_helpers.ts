// Sources for the tests of fit(source) (test/neural_source.test.ts, test/deepcca_source.test.ts):
// the array fit's batch order replayed, and rows in chunks.
import * as W from '../src/wasm/index.js';
import type { DataSource } from '../src/models/neural/source.js';

/** The in-memory fit's row order for each epoch: the trainer's shuffling (a new stream from the seed, one permutation per epoch). */
export function arrayOrder(n: number, epochs: number, seed: number): Uint32Array[] {
  const rng = W.Rng.create(seed), idx = W.Indices.empty(n);
  try {
    const out: Uint32Array[] = [];
    for (let e = 0; e < epochs; e++) {
      W.shuffle(idx, rng);
      out.push(Uint32Array.from(idx.values));
    }
    return out;
  } finally {
    idx.dispose();
    rng.dispose();
  }
}

/** The rows 0 … n − 1 in their order. */
export const identity = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

export type Rows = readonly (readonly unknown[])[] | readonly unknown[];

/** A source yielding, per epoch, the rows of every input in `orders[epoch]` in chunks of `size` (later passes: the last order). */
export function ordered(inputs: readonly Rows[], orders: Uint32Array[], size: number): DataSource {
  let epoch = 0;
  return () => {
    const order = orders[Math.min(epoch++, orders.length - 1)]!;
    return (function* () {
      for (let i = 0; i < order.length; i += size) {
        const rows = Array.from(order.subarray(i, i + size));
        yield inputs.map((x) => rows.map((r) => x[r])) as never;
      }
    })();
  };
}

/** The rows in order, in chunks of `size` (async when asked). */
export function chunks(inputs: readonly Rows[], size: number, async = false): DataSource {
  return () => {
    const gen = function* () {
      for (let i = 0; i < inputs[0]!.length; i += size) yield inputs.map((x) => x.slice(i, i + size)) as never;
    };
    if (!async) return gen();
    return (async function* () {
      for (const c of gen()) yield c;
    })();
  };
}

