/// <reference lib="esnext.disposable" preserve="true" />
// (Symbol.dispose in the shipped types: consumers need no esnext.disposable lib of their own)
/**
 * The life cycle every model, network and optimiser shares: `dispose()` frees its wasm
 * buffers once (a second call does nothing), and any other use afterwards throws
 * DisposedError instead of reading freed memory, returning zeros or allocating again.
 */
import { DisposedError } from './errors.js';

export abstract class Disposable {
  #disposed = false;

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Throws DisposedError when disposed; call first in every public method. */
  protected live(): void {
    if (this.#disposed) throw new DisposedError(`this ${this.constructor.name} has been disposed`);
  }

  /** Marks the object disposed; false when it already was (dispose() then does nothing). */
  protected markDisposed(): boolean {
    if (this.#disposed) return false;
    this.#disposed = true;
    return true;
  }

  /** Frees the wasm buffers; every later use throws DisposedError. Safe to call twice. */
  abstract dispose(): void;

  /** dispose(), for `using`: `using cca = new CCA().fit(X, Y);` frees it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * What one call allocates, freed together (in the order taken) when the call ends, whether it
 * returns or throws: `own` each buffer as soon as it exists, since the next allocation may
 * fail (out of memory) and must not strand the ones before it.
 */
export class Owner {
  readonly #items: { dispose(): void }[] = [];

  /** Takes o and returns it. */
  readonly own = <T extends { dispose(): void }>(o: T): T => {
    this.#items.push(o);
    return o;
  };

  /** Frees everything taken so far. */
  dispose(): void {
    for (const o of this.#items.splice(0)) o.dispose();
  }
}
