/**
 * Parameterless pieces that wire networks together (kernels in assembly/blocks.ts):
 *   Concat  [x_1 … x_k] → [x_1 | … | x_k], each part optionally gated row by row (a presence
 *           mask zeroes a missing modality's encoding); backward splits dY into the parts.
 *   Split   x → its column blocks; backward writes the parts' gradients back side by side.
 *   Fork    one output read by several consumers; backward sums their gradients.
 * Like every piece, each forward's views stay valid until the next forward, and a backward
 * checks that its gradients belong to the last forward (piece.ts). Buffers grow to the
 * largest batch seen and are reused.
 */
import * as W from '../wasm/index.js';
import { Tensor, borrowTensor, type Lease, type TensorInput } from '../wasm/index.js';
import { FormatError, ShapeError, ValueError, describe } from '../errors.js';
import { readEnvelope } from '../serialize.js';
import { checkOptions } from '../options.js';
import { ForwardRecord, PieceBase, backwardFlags, originOf, type BackwardOptions, type Piece, type WithInputGradient, type WithoutInputGradient } from './piece.js';

const EMPTY = new Float32Array(0);

/** Shared by the pieces without parameters. */
abstract class Wiring extends PieceBase {
  protected readonly record: ForwardRecord;
  /** owned buffers, by name; each grows to the largest batch it has served */
  #buffers = new Map<string, Tensor>();

  protected constructor(what: string) {
    super();
    this.record = new ForwardRecord(what);
  }

  /** 0: a wiring piece has no parameters */
  get parameterCount(): number {
    return 0;
  }
  /** an empty array (no parameters) */
  get parameters(): Float32Array {
    this.live();
    return EMPTY;
  }
  /** an empty array (no parameters) */
  get gradients(): Float32Array {
    this.live();
    return EMPTY;
  }
  /** Does nothing (no parameters); there for the Piece interface. */
  zeroGrad(): void {
    this.live();
  }
  _parameterBlocks(): null {
    this.live();
    return null;
  }

  /**
   * The first n rows of buffer `name` (cols wide). A buffer too small is reallocated, and the
   * views of the old one die with it.
   */
  protected buffer(name: string, n: number, cols: number): Tensor {
    let t = this.#buffers.get(name);
    if (!t || t.rows < n || t.cols !== cols) {
      t?.dispose();
      t = Tensor.empty(n, cols);
      this.#buffers.set(name, t);
    }
    return n === t.rows ? t : t.viewRows(0, n);
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    this.record.end(`the ${this.record.what} was disposed`);
    for (const t of this.#buffers.values()) t.dispose();
    this.#buffers.clear();
  }
}

function checkWidths(widths: unknown, name: string, min: number): number[] {
  if (!Array.isArray(widths) || widths.length < min || !widths.every((w) => Number.isInteger(w) && w >= 1))
    throw new ValueError(name, `an array of at least ${min} positive integer widths`, widths);
  return [...widths];
}

/** Borrows every input as a Tensor of `rows` rows (the first input's when undefined). */
function borrowAll(inputs: readonly TensorInput[], name: string, widths?: readonly number[]) {
  const held: { t: Tensor; release(): void }[] = [];
  try {
    inputs.forEach((x, i) => {
      const h = borrowTensor(x, `${name}[${i}]`);
      held.push(h);
      const rows = held[0]!.t.rows;
      if (h.t.rows !== rows) throw new ShapeError(`${name}[${i}]`, `${rows} rows (as ${name}[0])`, `${h.t.rows} rows`);
      if (widths && h.t.cols !== widths[i]) throw new ShapeError(`${name}[${i}]`, `${widths[i]} columns`, `${h.t.cols} columns`);
    });
    return { tensors: held.map((h) => h.t), release: () => held.forEach((h) => h.release()) };
  } catch (e) {
    held.forEach((h) => h.release());
    throw e;
  }
}

/** Concat and Split: a row of column blocks of the given widths. */
abstract class ColumnBlocks extends Wiring {
  /** the width of each column block */
  readonly widths: readonly number[];
  /** total width */
  readonly width: number;
  /** column offset of each block */
  protected readonly offsets: readonly number[];
  protected n = 0;

  protected constructor(what: 'Concat' | 'Split', widths: number[]) {
    super(what);
    this.widths = Object.freeze(checkWidths(widths, 'widths', 1));
    this.width = this.widths.reduce((s, w) => s + w, 0);
    this.offsets = this.widths.map((_, i) => this.widths.slice(0, i).reduce((s, w) => s + w, 0));
  }

  /** Block i of a tensor `width` wide. */
  protected block(t: Tensor, i: number): Tensor {
    return t.viewCols(this.offsets[i]!, this.widths[i]!);
  }

  /** The piece as JSON (its widths): `fromJSON` reads it back. */
  toJSON(): Record<string, unknown> {
    this.live();
    return { format: `crossmodal.${this.record.what}`, version: 1, widths: [...this.widths] };
  }
}

/** Options of Concat.forward. */
export interface ConcatForwardOptions {
  /** rows×parts presence mask: part j of row i is multiplied by gates[i][j] (1 present,
   *  0 missing) in forward and backward (default: every part present) */
  gates?: TensorInput;
}

/**
 * Concatenation of column blocks: forward([x_1 … x_k]) → n×(w_1 + … + w_k). With
 * `{ gates }` (an n×q tensor, q ≤ k), part j < q is multiplied row by row by column j of
 * the gates, and a row whose gate is 0 is written as zeros: the fusion input
 * [e_1 ⊙ m_1 | e_2 ⊙ m_2 | m] of a multimodal autoencoder is
 * `concat.forward([e1, e2, m], { gates: m })`. The gates are constants (no gradient).
 * backward(dY) returns each part's gradient (gated alike), null where not asked for.
 *
 * @example
 * const cat = new nn.Concat([2, 1]);
 * cat.forward([[[1, 2]], [[3]]]).toArray(); // [[1, 2, 3]]
 */
export class Concat extends ColumnBlocks implements Piece<TensorInput[], Tensor, (Tensor | null)[] | null> {
  #gated = 0;

  constructor(widths: number[]) {
    super('Concat', widths);
  }

  forward(parts: TensorInput[], options: ConcatForwardOptions = {}): Tensor {
    this.live();
    if (!Array.isArray(parts) || parts.length !== this.widths.length) throw new ShapeError('parts', `${this.widths.length} tensors`, describe(parts));
    checkOptions(options, ['gates'], 'forward options');
    const inputs = borrowAll(parts, 'parts', this.widths);
    try {
      const n = inputs.tensors[0]!.rows;
      let gated = 0;
      if (options.gates !== undefined) {
        const g = borrowTensor(options.gates, 'options.gates');
        try {
          if (g.t.rows !== n || g.t.cols > parts.length) throw new ShapeError('options.gates', `${n} rows and at most ${parts.length} columns`, `${g.t.rows}×${g.t.cols}`);
          gated = g.t.cols;
          W.copy(this.buffer('gates', n, gated), g.t); // kept for backward
        } finally {
          g.release();
        }
      }
      const out = this.buffer('out', n, this.width);
      const gates = gated ? this.buffer('gates', n, gated) : null;
      inputs.tensors.forEach((x, i) => W.copyBlock(this.block(out, i), x, i < gated ? gates!.viewCols(i, 1) : null));
      this.record.begin(parts.map(originOf));
      this.n = n;
      this.#gated = gated;
      return this.record.output(out, n);
    } finally {
      inputs.release();
    }
  }

  /** Splits dY (n×width) into the parts' gradients (gated as in forward); null for parts not asked for. */
  backward(dY: TensorInput, options?: WithInputGradient): Tensor[];
  backward(dY: TensorInput, options: WithoutInputGradient): null;
  backward(dY: TensorInput, options?: BackwardOptions): (Tensor | null)[] | null;
  backward(dY: TensorInput, options: BackwardOptions = {}): (Tensor | null)[] | null {
    this.live();
    const flags = backwardFlags(options, this.widths.length);
    this.record.check([dY]);
    const d = borrowTensor(dY, 'dY');
    try {
      const n = this.n;
      if (d.t.rows !== n || d.t.cols !== this.width) throw new ShapeError('dY', `${n}×${this.width} (the last forward's output)`, `${d.t.rows}×${d.t.cols}`);
      const gates = this.#gated ? this.buffer('gates', n, this.#gated) : null;
      const grads = this.widths.map((w, i) => {
        if (!flags.input[i]) return null;
        const dx = this.buffer(`grad${i}`, n, w);
        W.copyBlock(dx, this.block(d.t, i), i < this.#gated ? gates!.viewCols(i, 1) : null);
        return this.record.gradient(dx, n, i);
      });
      this.record.backwardDone();
      return flags.any ? grads : null;
    } finally {
      d.release();
    }
  }

  /** A Concat from what toJSON wrote; a FormatError when malformed. */
  static fromJSON(json: unknown): Concat {
    return new Concat(readWidths(json, 'crossmodal.Concat'));
  }
}

/**
 * Split into column blocks: forward(x) → [x_1 … x_k] (copies, each contiguous), the inverse
 * of Concat. backward([dY_1 … dY_k]) writes them back side by side into dX; a null part
 * contributes zeros (a block no loss reached).
 *
 * @example
 * const split = new nn.Split([2, 1]);
 * split.forward([[1, 2, 3]]).map((t) => t.toArray()); // [[[1, 2]], [[3]]]
 */
export class Split extends ColumnBlocks implements Piece<TensorInput, Tensor[], Tensor | null, (TensorInput | null)[]> {
  constructor(widths: number[]) {
    super('Split', widths);
  }

  forward(x: TensorInput): Tensor[] {
    this.live();
    const xin = borrowTensor(x, 'x');
    try {
      const n = xin.t.rows;
      if (xin.t.cols !== this.width) throw new ShapeError('x', `${this.width} columns (the sum of the widths)`, `${xin.t.cols} columns`);
      const parts = this.widths.map((w, i) => {
        const part = this.buffer(`part${i}`, n, w);
        W.copyBlock(part, this.block(xin.t, i), null);
        return part;
      });
      this.record.begin([originOf(x)]);
      this.n = n;
      return parts.map((p) => this.record.output(p, n));
    } finally {
      xin.release();
    }
  }

  /** dX (n×width) from the parts' gradients; null parts give zero columns. */
  backward(dY: (TensorInput | null)[], options?: WithInputGradient): Tensor;
  backward(dY: (TensorInput | null)[], options: WithoutInputGradient): null;
  backward(dY: (TensorInput | null)[], options?: BackwardOptions): Tensor | null;
  backward(dY: (TensorInput | null)[], options: BackwardOptions = {}): Tensor | null {
    this.live();
    const flags = backwardFlags(options);
    if (!Array.isArray(dY) || dY.length !== this.widths.length) throw new ShapeError('dY', `${this.widths.length} gradients (one per part, null for none)`, describe(dY));
    this.record.check(dY);
    const given = dY.flatMap((g, i) => (g === null ? [] : [[g, i] as const]));
    const inputs = borrowAll(given.map(([g]) => g), 'dY');
    try {
      const n = this.n;
      given.forEach(([, i], j) => {
        const t = inputs.tensors[j]!;
        if (t.rows !== n || t.cols !== this.widths[i]) throw new ShapeError(`dY[${i}]`, `${n}×${this.widths[i]} (part ${i} of the last forward)`, `${t.rows}×${t.cols}`);
      });
      this.record.backwardDone();
      if (!flags.input[0]) return null;
      const dx = this.buffer('dx', n, this.width);
      const byPart = new Map(given.map(([, i], j) => [i, inputs.tensors[j]!]));
      this.widths.forEach((_, i) => {
        const block = this.block(dx, i), g = byPart.get(i);
        if (g) W.copyBlock(block, g, null);
        else W.fill(block, 0);
      });
      return this.record.gradient(dx, n);
    } finally {
      inputs.release();
    }
  }

  /** A Split from what toJSON wrote; a FormatError when malformed. */
  static fromJSON(json: unknown): Split {
    return new Split(readWidths(json, 'crossmodal.Split'));
  }
}

/**
 * One output read by several consumers (a decoder trunk feeding one head per modality):
 * forward(x) returns x itself for every consumer to read, and backward([dY_1 … dY_k]) returns
 * their sum, the gradient of x. Null entries are consumers that contributed nothing.
 *
 * @example
 * const fork = new nn.Fork();
 * const h = trunk.forward(code);            // read by head1 and head2
 * const dh = fork.backward([head1.backward(g1), head2.backward(g2)]);
 * trunk.backward(dh);
 */
export class Fork extends Wiring implements Piece<TensorInput, Tensor, Tensor | null, (TensorInput | null)[]> {
  #rows = 0;
  #cols = 0;
  /** the provenance of what forward returned: the consumers' gradients must carry it */
  #origin: Lease | null = null;

  constructor() {
    super('Fork');
  }

  forward(x: TensorInput): Tensor {
    this.live();
    if (x instanceof Tensor && x.contiguous) {
      W.checkFinite(x, 'x');
      this.record.begin([x.origin]);
      this.#origin = x.origin;
      this.#rows = x.rows;
      this.#cols = x.cols;
      return x;
    }
    const xin = borrowTensor(x, 'x');
    try {
      const n = xin.t.rows, w = xin.t.cols;
      const buf = this.buffer('x', n, w);
      W.copy(buf, xin.t);
      this.#origin = this.record.begin([null]);
      this.#rows = n;
      this.#cols = w;
      return this.record.output(buf, n);
    } finally {
      xin.release();
    }
  }

  /** The sum of the consumers' gradients (summed in the order given). */
  backward(dY: (TensorInput | null)[], options?: WithInputGradient): Tensor;
  backward(dY: (TensorInput | null)[], options: WithoutInputGradient): null;
  backward(dY: (TensorInput | null)[], options?: BackwardOptions): Tensor | null;
  backward(dY: (TensorInput | null)[], options: BackwardOptions = {}): Tensor | null {
    this.live();
    const flags = backwardFlags(options);
    if (!Array.isArray(dY) || dY.length < 1) throw new ShapeError('dY', 'an array of gradients, one per consumer (null for none)', describe(dY));
    this.record.check(dY, this.#origin);
    const given = dY.filter((g): g is TensorInput => g !== null);
    const inputs = borrowAll(given, 'dY');
    try {
      const n = this.#rows, w = this.#cols;
      inputs.tensors.forEach((t, j) => {
        if (t.rows !== n || t.cols !== w) throw new ShapeError(`dY[${j}]`, `${n}×${w} (the last forward's output)`, `${t.rows}×${t.cols}`);
      });
      this.record.backwardDone();
      if (!flags.input[0]) return null;
      const sum = this.buffer('sum', n, w);
      if (inputs.tensors.length === 0) W.fill(sum, 0);
      inputs.tensors.forEach((t, j) => (j === 0 ? W.copy(sum, t) : W.add(sum, sum, t)));
      return this.record.gradient(sum, n);
    } finally {
      inputs.release();
    }
  }

  /** The piece as JSON (it has no settings): `fromJSON` reads it back. */
  toJSON(): Record<string, unknown> {
    this.live();
    return { format: 'crossmodal.Fork', version: 1 };
  }

  /** A Fork from what toJSON wrote; a FormatError when malformed. */
  static fromJSON(json: unknown): Fork {
    readEnvelope(json, 'crossmodal.Fork', 1);
    return new Fork();
  }
}

function readWidths(json: unknown, format: string): number[] {
  const o = readEnvelope(json, format, 1);
  const w = o.widths;
  if (!Array.isArray(w) || w.length < 1 || !w.every((v) => Number.isInteger(v) && v >= 1)) throw new FormatError(`${format}: widths: expected positive integers, found ${JSON.stringify(w)}`);
  return w as number[];
}
