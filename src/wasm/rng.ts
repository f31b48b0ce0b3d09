/** Rng: the state of the in-wasm PRNG. */
import { alloc, heapU8, kernels } from './module.js';
import type { Ptr } from './api.js';
import { ShapeError } from '../errors.js';
import { Block, INTERNAL, addr } from './block.js';
import { Lease } from './lease.js';

/** The 16-byte state of the in-wasm PRNG (xoshiro128**), seeded from a u32. */
export class Rng extends Block {
  private constructor(ptr: Ptr) {
    super(INTERNAL, ptr, true, [new Lease('an Rng')]);
  }

  static create(seed: number): Rng {
    const r = new Rng(alloc(16));
    kernels().rng_seed(addr(r), seed >>> 0);
    return r;
  }

  /** A copy of the 16 state bytes (for exact resumption). */
  get state(): Uint8Array {
    return new Uint8Array(heapU8().buffer, this.base, 16).slice();
  }

  set state(bytes: Uint8Array) {
    if (bytes.length !== 16) throw new ShapeError('state', '16 bytes', `${bytes.length} bytes`);
    new Uint8Array(heapU8().buffer, this.base, 16).set(bytes);
  }
}
