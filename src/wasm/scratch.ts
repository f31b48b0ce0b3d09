/** Scratch: blocks that live for one call and are freed however it ends. */
import type { Block } from './block.js';
import { Indices, type IndexKind } from './indices.js';
import { Matrix } from './matrix.js';
import { Tensor } from './tensor.js';

/** Scratch space handed to `withScratch`'s callback: everything it makes is freed after. */
export interface Scratch {
  matrix(rows: number, cols: number): Matrix;
  tensor(rows: number, cols: number): Tensor;
  indices(length: number, kind?: IndexKind): Indices;
}

/** Runs `fn` with scratch blocks that are freed when it returns or throws (a failed call never leaks). */
export function withScratch<T>(fn: (s: Scratch) => T): T {
  const taken: Block[] = [];
  const keep = <B extends Block>(b: B) => (taken.push(b), b);
  try {
    return fn({
      matrix: (r, c) => keep(Matrix.empty(r, c)),
      tensor: (r, c) => keep(Tensor.empty(r, c)),
      indices: (n, kind) => keep(Indices.empty(n, kind)),
    });
  } finally {
    for (let i = taken.length - 1; i >= 0; i--) taken[i]!.dispose();
  }
}

/**
 * Runs `fn` with a `keep` that takes each block it allocates: the blocks are the caller's when
 * `fn` returns, and freed when it throws (a constructor's workspace, allocated once).
 */
export function allocating<T>(fn: (keep: <B extends Block>(b: B) => B) => T): T {
  const taken: Block[] = [];
  try {
    return fn((b) => (taken.push(b), b));
  } catch (e) {
    for (let i = taken.length - 1; i >= 0; i--) taken[i]!.dispose();
    throw e;
  }
}
