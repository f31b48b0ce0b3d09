/// <reference lib="esnext.disposable" preserve="true" />
// (Symbol.dispose in the shipped types: consumers need no esnext.disposable lib of their own)
/**
 * Storage: every block of wasm memory that the layers above src/wasm/ hold is one of these
 * objects, which know their size and element kind; nothing above sees a pointer.
 *   Matrix   f64, row-major rows×cols (linear algebra, statistics, CCA)
 *   Tensor   f32, row-major rows×cols (networks; rows are samples)
 *   Indices  u32 or i32 values (shuffled row indices, class labels)
 *   Rng      the 16-byte state of the in-wasm PRNG
 * An owned block frees its memory on dispose() (a FinalizationRegistry frees forgotten ones
 * as a safety net). A *view* points into another block (some of its rows, a column block, or
 * a sub-buffer such as one layer's weights) and never frees anything. It dies with the block
 * it points into and with any Lease it was given: a network hands out its outputs under a
 * lease that it revokes on its next forward. Reading a dead block throws DisposedError.
 * Typed operations (ops.ts, ops_nn.ts) reach the memory through `addr`, which is not
 * exported past src/wasm/.
 */
import { alloc, free, heapF32, heapF64, heapU8, kernels } from './module.js';
import type { Ptr } from './api.js';
import { ConvergenceError, DisposedError, NonFiniteError, OverflowError, ShapeError, ValueError, described } from '../errors.js';
import { checkDims, readInput, type Rows, type Shaped } from './input.js';

/** Permission to read views: revoked by whoever issued it (e.g. a network's next forward). */
export class Lease {
  #alive = true;
  #why = '';
  /** what the views under this lease are, for messages: "an MLP's forward output" */
  constructor(readonly what: string) {}

  get alive(): boolean {
    return this.#alive;
  }

  /** why it was revoked */
  get why(): string {
    return this.#why;
  }

  revoke(why: string): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#why = why;
  }
}

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

/** Only this module may construct blocks: the public classes have factories (Tensor.from, …). */
const INTERNAL = Symbol('crossmodal.internal');

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

  [Symbol.dispose](): void {
    this.dispose();
  }
}

export type ElementKind = 'f64' | 'f32';

/** Matrix and Tensor: a row-major rows×cols block with row stride `ld`. */
export abstract class Dense2D<A extends Float64Array | Float32Array> extends Block {
  readonly rows: number;
  readonly cols: number;
  /** row stride in elements: `cols`, except in a column-block view. @internal */
  readonly ld: number;
  /** provenance: the lease of the forward whose output these values are. @internal */
  origin: Lease | null = null;
  /**
   * provenance: these values are the gradient w.r.t. the output of that forward (set by the
   * losses and by backward). Writing through `data` or `set` clears it: the values may no
   * longer be that gradient. @internal
   */
  gradOf: Lease | null = null;
  abstract readonly kind: ElementKind;

  protected constructor(key: symbol, ptr: Ptr, rows: number, cols: number, ld: number, owned: boolean, leases: readonly Lease[], parent: Block | null = null) {
    super(key, ptr, owned, leases, parent);
    this.rows = rows;
    this.cols = cols;
    this.ld = ld;
  }

  protected abstract heap(): A;
  /** A view of this block. */
  protected abstract make(ptr: Ptr, rows: number, cols: number, ld: number, leases: readonly Lease[]): this;

  /** bytes per element */
  get elementSize(): 4 | 8 {
    return this.kind === 'f64' ? 8 : 4;
  }

  /** Rows are adjacent in memory (always, except in a column-block view of several rows). */
  get contiguous(): boolean {
    return this.ld === this.cols || this.rows === 1;
  }

  /**
   * A live typed-array view of the values (row-major). Re-read it after other allocations.
   * With a thread pool (init({ threads })) it views a SharedArrayBuffer: copy it
   * (`.data.slice()`, toShaped()) for APIs that refuse shared memory, such as crypto.subtle.
   */
  get data(): A {
    if (!this.contiguous) throw new ShapeError('data', 'a contiguous matrix (this is a column-block view: use toShaped())', `row stride ${this.ld} for ${this.cols} columns`);
    const p = this.base / this.elementSize;
    this.gradOf = null;
    return this.heap().subarray(p, p + this.rows * this.cols) as A;
  }

  get(i: number, j: number): number {
    return this.heap()[this.base / this.elementSize + i * this.ld + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.gradOf = null;
    this.heap()[this.base / this.elementSize + i * this.ld + j] = v;
  }

  /** A JS copy as rows. */
  toArray(): number[][] {
    const h = this.heap(), p = this.base / this.elementSize;
    const out: number[][] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = Array.from(h.subarray(p + i * this.ld, p + i * this.ld + this.cols));
    return out;
  }

  /** A JS-owned copy `{ data, rows, cols }`. */
  toShaped(): { data: A; rows: number; cols: number } {
    const h = this.heap(), p = this.base / this.elementSize;
    if (this.contiguous) return { data: h.slice(p, p + this.rows * this.cols) as A, rows: this.rows, cols: this.cols };
    const data = new (h.constructor as new (n: number) => A)(this.rows * this.cols);
    for (let i = 0; i < this.rows; i++) data.set(h.subarray(p + i * this.ld, p + i * this.ld + this.cols), i * this.cols);
    return { data, rows: this.rows, cols: this.cols };
  }

  /** Rows start…start+count−1 as a view (valid while this block is). @internal */
  viewRows(start: number, count: number, lease?: Lease): this {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= this.rows))
      throw new ShapeError('rows', `a range within 0..${this.rows - 1}`, `${start}..${start + count - 1}`);
    return this.make(this.base + start * this.ld * this.elementSize, count, this.cols, this.ld, this.leasesFor(lease));
  }

  /** Columns start…start+count−1 of every row as a (strided) view. @internal */
  viewCols(start: number, count: number, lease?: Lease): this {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= this.cols))
      throw new ShapeError('cols', `a range within 0..${this.cols - 1}`, `${start}..${start + count - 1}`);
    return this.make(this.base + start * this.elementSize, this.rows, count, this.ld, this.leasesFor(lease));
  }

  /** A rows×cols contiguous view of the elements from `offset` on (a sub-buffer). @internal */
  viewFlat(offset: number, rows: number, cols: number, lease?: Lease): this {
    if (!this.contiguous || !(Number.isInteger(offset) && offset >= 0 && rows >= 1 && cols >= 1 && offset + rows * cols <= this.rows * this.cols))
      throw new ShapeError('offset', `a ${rows}×${cols} block within ${this.rows * this.cols} contiguous elements`, `offset ${offset}`);
    return this.make(this.base + offset * this.elementSize, rows, cols, cols, this.leasesFor(lease));
  }
}

/**
 * A Matrix or Tensor handed where the other kind is expected is read through a JS copy of
 * its values: its `data` is a view of wasm memory, which the allocation of the destination
 * may move (detaching the view).
 */
function plain(input: unknown): unknown {
  return input instanceof Dense2D ? input.toShaped() : input;
}

/** Allocates a rows×cols block of the kind. */
function allocDense(kind: ElementKind, rows: number, cols: number): Ptr {
  return alloc(Math.max(1, rows * cols) * (kind === 'f64' ? 8 : 4));
}

/** Anything the high-level API accepts as a matrix: a Matrix, rows, or `{ data, rows, cols }`. */
export type MatrixInput = Matrix | Rows | Shaped;

/**
 * Matrix: a dense row-major f64 matrix living in wasm memory. Create with `Matrix.from`
 * or `Matrix.zeros`, read with `toArray()` / `data`, free with `dispose()` (or `using`).
 */
export class Matrix extends Dense2D<Float64Array> {
  readonly kind = 'f64' as const;

  protected heap(): Float64Array {
    return heapF64();
  }

  protected make(ptr: Ptr, rows: number, cols: number, ld: number, leases: readonly Lease[]): this {
    return new Matrix(INTERNAL, ptr, rows, cols, ld, false, leases, this) as this;
  }

  /** An uninitialised rows×cols matrix (contents are whatever memory held). @internal */
  static empty(rows: number, cols: number): Matrix {
    return new Matrix(INTERNAL, allocDense('f64', rows, cols), rows, cols, cols, true, [new Lease('a Matrix')]);
  }

  /** A rows×cols matrix of zeros. */
  static zeros(rows: number, cols: number): Matrix {
    checkDims('rows', rows);
    checkDims('cols', cols);
    const m = Matrix.empty(rows, cols);
    m.data.fill(0);
    return m;
  }

  /** The n×n identity. */
  static identity(n: number): Matrix {
    const m = Matrix.zeros(n, n);
    const d = m.data;
    for (let i = 0; i < n; i++) d[i * n + i] = 1;
    return m;
  }

  /**
   * Copies `input` (`number[][]`, `{ data, rows, cols }` or another Matrix) into wasm memory.
   * Rejects ragged rows, empty input and NaN/±Infinity with errors naming `name`.
   *
   * @example
   * const A = Matrix.from([[1, 2], [3, 4]]);
   * A.toArray(); // [[1, 2], [3, 4]]
   * A.dispose();
   */
  static from(input: MatrixInput, name = 'matrix'): Matrix {
    if (input instanceof Matrix) {
      const m = Matrix.empty(input.rows, input.cols);
      m.data.set(input.toShaped().data);
      return m;
    }
    const r = readInput(plain(input), name);
    const m = Matrix.empty(r.rows, r.cols);
    r.write(m.data);
    return m;
  }

  /** A JS copy, row-major. */
  toFloat64Array(): Float64Array {
    return this.toShaped().data;
  }

  /** The transpose, as a new Matrix. */
  transpose(): Matrix {
    const src = this.toShaped().data;
    const t = Matrix.empty(this.cols, this.rows);
    const dst = t.data;
    const r = this.rows, c = this.cols;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) dst[j * r + i] = src[i * c + j]!;
    return t;
  }
}

/** Anything the neural-network API accepts as a batch: a Tensor, a Matrix, rows, or `{ data, rows, cols }`. */
export type TensorInput = Tensor | Matrix | Rows | Shaped;

/**
 * Tensor: a dense row-major f32 matrix in wasm memory, the currency of the neural-network
 * layer (rows are samples). Same life cycle as Matrix: `Tensor.from`, `toArray()`,
 * `dispose()`. Networks hand out *views* of their own buffers (forward outputs, input
 * gradients): those stay valid until the network's next forward, predict or dispose, need
 * no disposing, and throw DisposedError when read after that.
 */
export class Tensor extends Dense2D<Float32Array> {
  readonly kind = 'f32' as const;

  protected heap(): Float32Array {
    return heapF32();
  }

  protected make(ptr: Ptr, rows: number, cols: number, ld: number, leases: readonly Lease[]): this {
    return new Tensor(INTERNAL, ptr, rows, cols, ld, false, leases, this) as this;
  }

  /** An uninitialised rows×cols tensor. @internal */
  static empty(rows: number, cols: number): Tensor {
    return new Tensor(INTERNAL, allocDense('f32', rows, cols), rows, cols, cols, true, [new Lease('a Tensor')]);
  }

  static zeros(rows: number, cols: number): Tensor {
    checkDims('rows', rows);
    checkDims('cols', cols);
    const t = Tensor.empty(rows, cols);
    t.data.fill(0);
    return t;
  }

  /**
   * Copies `input` (number[][], { data, rows, cols }, a Matrix or a Tensor) into a new f32
   * tensor, rejecting ragged rows and NaN/±Infinity with errors naming `name`.
   *
   * @example
   * const t = Tensor.from([[1, 2], [3, 4]]);
   * t.data; // Float32Array [1, 2, 3, 4]
   * t.dispose();
   */
  static from(input: TensorInput, name = 'tensor'): Tensor {
    const dense = input instanceof Tensor || input instanceof Matrix;
    const r = dense ? null : readInput(plain(input), name);
    const t = Tensor.empty(dense ? input.rows : r!.rows, dense ? input.cols : r!.cols);
    try {
      if (dense) t.data.set(input.toShaped().data);
      else r!.write(t.data);
      // a non-finite f32 is a non-finite input, or a finite f64 beyond the f32 range
      const bad = kernels().first_nonfinite_f32(addr(t), t.rows * t.cols);
      if (bad >= 0) {
        const i = Math.floor(bad / t.cols), j = bad % t.cols, v = dense ? input.get(i, j) : r!.at(i, j);
        if (!Number.isFinite(v)) throw new NonFiniteError(name, i, j, v);
        throw new ValueError(`${name}[${i}][${j}]`, 'a number within the float32 range (|x| ≤ 3.4028e38)', v);
      }
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  /** A JS copy, row-major. */
  toFloat32Array(): Float32Array {
    return this.toShaped().data;
  }
}

/** Throws NonFiniteError naming `name` at the first NaN/±Infinity of a contiguous block. */
export function checkFinite(t: Matrix | Tensor, name: string): void {
  const K = kernels();
  const bad = t.kind === 'f64' ? K.first_nonfinite_f64(addr(t), t.rows * t.cols) : K.first_nonfinite_f32(addr(t), t.rows * t.cols);
  if (bad >= 0) throw new NonFiniteError(name, Math.floor(bad / t.cols), bad % t.cols, t.get(Math.floor(bad / t.cols), bad % t.cols));
}

/**
 * Borrow `input` as a Matrix: a contiguous Matrix is used as is (checked for non-finite
 * values), other inputs are copied in. `release()` frees the copy, never a caller's Matrix.
 */
export function borrowMatrix(input: MatrixInput, name: string): { m: Matrix; release(): void } {
  if (input instanceof Matrix && input.contiguous) {
    checkFinite(input, name);
    return { m: input, release() {} };
  }
  const m = Matrix.from(input, name);
  return { m, release: () => m.dispose() };
}

/** True when every number in r (a number, typed array, Matrix, Tensor, or an array/object of them) is finite. */
function allFinite(r: unknown, depth = 0): boolean {
  if (typeof r === 'number') return Number.isFinite(r);
  if (r instanceof Matrix || r instanceof Tensor) {
    if (r.disposed) return true;
    if (!r.contiguous) return r.toShaped().data.every(Number.isFinite);
    const K = kernels();
    return (r.kind === 'f64' ? K.first_nonfinite_f64(addr(r), r.rows * r.cols) : K.first_nonfinite_f32(addr(r), r.rows * r.cols)) < 0;
  }
  if (r instanceof Float64Array || r instanceof Float32Array) return r.every(Number.isFinite);
  if (depth < 3 && r && typeof r === 'object' && !ArrayBuffer.isView(r)) return Object.values(r).every((v) => allFinite(v, depth + 1));
  return true;
}

/** Disposes every Matrix / Tensor in r (a result being thrown away). */
function disposeAll(r: unknown, depth = 0): void {
  if (r instanceof Block) r.dispose();
  else if (depth < 3 && r && typeof r === 'object' && !ArrayBuffer.isView(r)) for (const v of Object.values(r)) disposeAll(v, depth + 1);
}

/**
 * Returns r when all its numbers are finite; otherwise frees what it holds and throws a
 * ValueError naming the arguments: finite inputs (±1e300, say) whose `what` overflowed the
 * float64 range. Entry points that return numbers pass them through this, so a caller gets
 * finite results or a typed error, never a silent Infinity or NaN.
 */
export function finiteResult<T>(r: T, names: readonly string[], what = 'result'): T {
  if (allFinite(r)) return r;
  disposeAll(r);
  throw overflowError(names, what);
}

/** The error finiteResult throws. */
export function overflowError(names: readonly string[], what = 'result'): OverflowError {
  return new OverflowError(names.join(', '), `values small enough for the ${what} to stay within the floating-point range (scale the data down)`, described(`values whose ${what} overflows to ±Infinity or NaN`));
}

/**
 * Runs fn (an entry point built on others) so that any overflow inside it, or in what it
 * returns, is reported against this entry point's own arguments.
 */
export function finiteAs<T>(names: readonly string[], fn: () => T, what = 'result'): T {
  try {
    return finiteResult(fn(), names, what);
  } catch (e) {
    if (e instanceof OverflowError && e.argument !== names.join(', ')) throw overflowError(names, what);
    // an inner decomposition that gave up says which arguments it was computing from
    if (e instanceof ConvergenceError && !e.message.startsWith(`${names.join(', ')}: `)) throw new ConvergenceError(`${names.join(', ')}: ${e.message}`);
    throw e;
  }
}

/** Rows of an input handed out a block at a time (see rowBlocks). */
export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  /** Rows start…start+count−1 as a contiguous Matrix, valid until the next call or release(). */
  block(start: number, count: number): Matrix;
  release(): void;
}

/**
 * `input` as a source of row blocks, validated in full up front (errors name `name` and the
 * absolute row) but copied into wasm memory one block at a time into one reused buffer
 * (sized by the first, largest block): what a fit that streams rows through its statistics
 * holds at once does not grow with the row count. A contiguous Matrix is handed out as
 * views (no copy).
 */
export function rowSource(input: MatrixInput, name: string): RowSource {
  if (input instanceof Matrix && input.contiguous) {
    checkFinite(input, name);
    return { rows: input.rows, cols: input.cols, block: (start, count) => input.viewRows(start, count), release() {} };
  }
  // anything else (a strided Matrix view too) is validated and copied through readInput
  const r = readInput(plain(input), name);
  return bufferedSource(r.rows, r.cols, (view, start, count) => r.write(view.data, start, count));
}

/**
 * A row source whose blocks are filled by `fill` into one reused buffer (sized by the
 * largest block asked for); each block is valid until the next call or release().
 */
export function bufferedSource(rows: number, cols: number, fill: (view: Matrix, start: number, count: number) => void): RowSource {
  let buf: Matrix | null = null, view: Matrix | null = null;
  return {
    rows,
    cols,
    block(start, count) {
      view?.dispose();
      view = null;
      if (!buf || buf.rows < count) {
        buf?.dispose();
        buf = null; // (Matrix.empty may throw)
        buf = Matrix.empty(count, cols);
      }
      view = buf.viewRows(0, count);
      fill(view, start, count);
      return view;
    },
    release() {
      view?.dispose();
      buf?.dispose();
    },
  };
}

/** Row blocks of `rows` rows: [start, count] pairs of at most `blockRows` rows. */
export function* rowBlocks(rows: number, blockRows: number): Generator<[number, number]> {
  for (let start = 0; start < rows; start += blockRows) yield [start, Math.min(blockRows, rows - start)];
}

/** Borrow `input` as a Tensor, as borrowMatrix does. */
export function borrowTensor(input: TensorInput, name: string): { t: Tensor; release(): void } {
  if (input instanceof Tensor && input.contiguous) {
    checkFinite(input, name);
    return { t: input, release() {} };
  }
  const t = Tensor.from(input, name);
  return { t, release: () => t.dispose() };
}

export type IndexKind = 'u32' | 'i32';

/** A vector of u32 (row indices) or i32 (class labels) values in wasm memory. */
export class Indices extends Block {
  readonly length: number;
  readonly kind: IndexKind;

  private constructor(ptr: Ptr, length: number, kind: IndexKind, owned: boolean, leases: readonly Lease[], parent: Block | null = null) {
    super(INTERNAL, ptr, owned, leases, parent);
    this.length = length;
    this.kind = kind;
  }

  /** `length` uninitialised values. */
  static empty(length: number, kind: IndexKind = 'u32'): Indices {
    return new Indices(alloc(Math.max(1, length) * 4), length, kind, true, [new Lease('Indices')]);
  }

  /** A copy of `values` (already validated as integers of the kind). */
  static from(values: ArrayLike<number>, kind: IndexKind = 'u32'): Indices {
    const ix = Indices.empty(values.length, kind);
    ix.values.set(values);
    return ix;
  }

  /** A live typed-array view of the values. */
  get values(): Uint32Array | Int32Array {
    const buf = heapU8().buffer;
    return this.kind === 'u32' ? new Uint32Array(buf, this.base, this.length) : new Int32Array(buf, this.base, this.length);
  }

  toArray(): number[] {
    return Array.from(this.values);
  }

  /** Values start…start+count−1 as a view. */
  view(start: number, count: number): Indices {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= this.length))
      throw new ShapeError('indices', `a range within 0..${this.length - 1}`, `${start}..${start + count - 1}`);
    return new Indices(this.base + start * 4, count, this.kind, false, this.leasesFor(), this);
  }
}

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
