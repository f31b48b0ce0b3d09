/// <reference lib="esnext.disposable" preserve="true" />
// (Symbol.dispose in the shipped types: consumers need no esnext.disposable lib of their own)
/**
 * Storage: every block of wasm memory that the layers above src/wasm/ hold is one of these
 * objects, which know their size and element kind; nothing above sees a pointer.
 *   Matrix   f64, row-major rows×cols (linear algebra, statistics, CCA)       matrix.ts
 *   Tensor   f32, row-major rows×cols (networks; rows are samples)            tensor.ts
 *   Indices  u32 or i32 values (shuffled row indices, class labels)         indices.ts
 *   Rng      the 16-byte state of the in-wasm PRNG                           rng.ts
 * An owned block frees its memory on dispose() (a FinalizationRegistry frees forgotten ones
 * as a safety net). A *view* points into another block (some of its rows, a column block, or
 * a sub-buffer such as one layer's weights) and never frees anything. It dies with the block
 * it points into and with any Lease it was given (lease.ts): a network hands out its outputs
 * under a lease that it revokes on its next forward. Reading a dead block throws DisposedError.
 * Typed operations (ops.ts, ops_nn.ts) reach the memory through `addr`, which is not
 * exported past src/wasm/.
 *
 * This file holds what all blocks share: the Block base class, `addr`, and the key that
 * keeps block construction inside src/wasm/ (dense.ts has the rows×cols layer of Matrix and
 * Tensor).
 */
import { free } from './module.js';
import type { Ptr } from './api.js';
import { DisposedError, ValueError, described } from '../errors.js';
import type { Lease } from './lease.js';

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Ptr>((ptr) => {
        try {
          free(ptr);
        } catch {
          /* module gone: nothing to free */
        }
      })
    : null;

let addrOf: (b: Block) => Ptr;

/**
 * Only src/wasm/ may construct blocks: the public classes have factories (Tensor.from, …).
 * @internal (src/wasm only)
 */
export const INTERNAL = Symbol('crossmodal.internal');

/** The byte address of a live block. @internal (src/wasm only) */
export function addr(b: Block): Ptr {
  return addrOf(b);
}

export abstract class Block {
  #ptr: Ptr;
  readonly #owned: boolean;
  /** the block's own lease (owned) or its parent's leases and the issuer's (view) */
  readonly #leases: readonly Lease[];
  /** a view keeps what it points into reachable, so the safety net cannot free it under the view */
  readonly #parent: Block | null;

  protected constructor(key: symbol, ptr: Ptr, owned: boolean, leases: readonly Lease[], parent: Block | null = null) {
    if (key !== INTERNAL) {
      const name = new.target.name;
      const factories: Record<string, string> = { Matrix: 'Matrix.from(rows) or Matrix.zeros(rows, cols)', Tensor: 'Tensor.from(rows) or Tensor.zeros(rows, cols)' };
      throw new ValueError(name, `to be made by ${factories[name] ?? 'a factory'} (the constructor is internal)`, described(`new ${name}(…)`));
    }
    this.#ptr = ptr;
    this.#owned = owned;
    this.#leases = leases;
    this.#parent = parent;
    if (owned) registry?.register(this, ptr, this);
  }

  static {
    addrOf = (b) => {
      if (!b.#ptr) throw new DisposedError(`this ${b.constructor.name} has been disposed`);
      // the issuer's lease first: it says why (a later forward, a disposed network)
      for (let i = b.#leases.length - 1; i >= 0; i--) if (!b.#leases[i]!.alive) throw new DisposedError(b.#stale(i));
      return b.#ptr;
    };
  }

  #stale(i: number): string {
    const kind = this.constructor.name, l = this.#leases[i]!;
    if (i === 0) return this.#owned ? `this ${kind} has been disposed` : `this ${kind} is a view of ${l.what} that has been disposed`;
    return `this ${kind} (${l.what}) is no longer valid: ${l.why}. Views stay valid until their network's next forward, predict or dispose; copy one with toArray() or toShaped() to keep its values`;
  }

  /** The leases a view of this block must hold, plus `extra`. @internal */
  protected leasesFor(extra?: Lease): readonly Lease[] {
    return extra && !this.#leases.includes(extra) ? [...this.#leases, extra] : this.#leases;
  }

  /** Byte address relative to which a view is made. @internal */
  protected get base(): Ptr {
    return addrOf(this);
  }

  /** True once disposed, or (a view) once what it points into is gone. */
  get disposed(): boolean {
    return !this.#ptr || this.#leases.some((l) => !l.alive);
  }

  /** Frees the memory (a view only detaches itself). Safe to call twice. */
  dispose(): void {
    if (!this.#ptr) return;
    if (this.#owned) {
      registry?.unregister(this);
      free(this.#ptr);
      this.#leases[0]!.revoke('its memory was freed');
    }
    this.#ptr = 0;
  }

  /** dispose(), for `using`: `using m = Matrix.from(rows);` frees it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
