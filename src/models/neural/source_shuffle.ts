/**
 * RowShuffler: tf.data's `shuffle(bufferSize)` on f32 rows held in wasm, for training from a
 * source (source.ts): fill the buffer, then every incoming row replaces a randomly chosen
 * buffered row, which is emitted; at the end the rest is emitted in random order. The draws
 * come from the trainer's shuffling stream (the in-wasm PRNG), so every runtime visits the
 * same batches. Buffer 0: source order.
 */
import * as W from '../../wasm/index.js';
import { Tensor, type Rng } from '../../wasm/index.js';

/** The default shuffle buffer: 10,000 rows, or fewer when the rows are wide (at most 16 MiB of f32 rows). */
export const SHUFFLE_BUFFER = { rows: 10_000, bytes: 16 * 2 ** 20 };

/** The default buffer's rows for inputs of these widths. */
export function defaultShuffleBuffer(widths: readonly number[]): number {
  const w = widths.reduce((s, c) => s + c, 0);
  return Math.max(1, Math.min(SHUFFLE_BUFFER.rows, Math.floor(SHUFFLE_BUFFER.bytes / (4 * Math.max(1, w)))));
}

/**
 * tf.data's shuffle(bufferSize) over rows of several inputs (f32, in wasm), emitting batches
 * into `batch` (the session's tensors, one per input). Memory: buffer + batch rows.
 */
export class RowShuffler {
  readonly #batch: readonly Tensor[];
  readonly #capacity: number;
  readonly #rng: Rng;
  #buf: Tensor[] | null = null;
  #u: Tensor | null = null;
  #uPos = 0;
  #size = 0;
  #fill = 0;
  /** the chunk being consumed, and its next row */
  #chunk: Tensor[] | null = null;
  #row = 0;

  /** capacity null: the default for the batch's widths */
  constructor(batch: readonly Tensor[], capacity: number | null, rng: Rng) {
    this.#batch = batch;
    this.#capacity = capacity ?? defaultShuffleBuffer(batch.map((b) => b.cols));
    this.#rng = rng;
  }

  /** Rows written into the batch since it was last full (after the pass's drain: the partial last batch). */
  get filled(): number {
    return this.#fill;
  }

  /** Starts an epoch: empty buffer and batch, fresh draws. */
  reset(): void {
    this.#size = 0;
    this.#fill = 0;
    this.#chunk = null;
    this.#uPos = this.#u ? this.#u.rows : 0;
  }

  /** A uniform index in [0, n) from the shuffling stream (drawn in blocks in wasm). */
  #draw(n: number): number {
    const u = this.#u!;
    if (this.#uPos >= u.rows) {
      W.randomUniform(u, 0, 1, this.#rng);
      this.#uPos = 0;
    }
    return Math.min(n - 1, Math.floor(u.data[this.#uPos++]! * n));
  }

  /** Hands over a chunk's tensors (kept until consumed; the caller disposes them after). */
  feed(chunk: Tensor[]): void {
    this.#chunk = chunk;
    this.#row = 0;
    // allocated before any row moves: next() and drain() hold views of wasm memory, which must not grow meanwhile
    if (this.#capacity === 0) return;
    if (!this.#u) {
      this.#u = Tensor.empty(1024, 1);
      this.#uPos = this.#u.rows;
    }
    // the buffer grows (doubling) to the rows it will hold, up to its capacity: a small source takes little
    const need = Math.min(this.#capacity, this.#size + chunk[0]!.rows), have = this.#buf?.[0]!.rows ?? 0;
    if (need > have) {
      const rows = Math.min(this.#capacity, Math.max(need, 2 * have, 256));
      const grown: Tensor[] = [];
      try {
        for (const b of this.#batch) grown.push(Tensor.empty(rows, b.cols));
      } catch (e) {
        for (const t of grown) t.dispose();
        throw e;
      }
      if (this.#buf) this.#buf.forEach((old, i) => grown[i]!.data.set(old.data.subarray(0, this.#size * old.cols)));
      this.#buf?.forEach((t) => t.dispose());
      this.#buf = grown;
    }
  }

  /** Moves rows on until the batch is full (true: step on it now) or the chunk is used up (false). */
  next(): boolean {
    const c = this.#chunk;
    if (!c) return false;
    const rows = c[0]!.rows, bs = this.#batch[0]!.rows, B = this.#capacity;
    const cd = c.map((t) => t.data), bd = this.#batch.map((t) => t.data), ud = this.#buf?.map((t) => t.data);
    const ws = c.map((t) => t.cols);
    while (this.#row < rows) {
      const r = this.#row++;
      if (B === 0) {
        for (let i = 0; i < cd.length; i++) bd[i]!.set(cd[i]!.subarray(r * ws[i]!, (r + 1) * ws[i]!), this.#fill * ws[i]!);
      } else if (this.#size < B) {
        const s = this.#size++;
        for (let i = 0; i < cd.length; i++) ud![i]!.set(cd[i]!.subarray(r * ws[i]!, (r + 1) * ws[i]!), s * ws[i]!);
        continue;
      } else {
        const j = this.#draw(B);
        for (let i = 0; i < cd.length; i++) {
          const w = ws[i]!;
          bd[i]!.set(ud![i]!.subarray(j * w, (j + 1) * w), this.#fill * w);
          ud![i]!.set(cd[i]!.subarray(r * w, (r + 1) * w), j * w);
        }
      }
      if (++this.#fill === bs) {
        this.#fill = 0;
        return true;
      }
    }
    this.#chunk = null;
    return false;
  }

  /** At the end of the pass: emits the buffered rows in random order until a batch is full (true) or none is left (false; a partial batch is dropped). */
  drain(): boolean {
    if (!this.#buf) return false;
    const bs = this.#batch[0]!.rows;
    const bd = this.#batch.map((t) => t.data), ud = this.#buf.map((t) => t.data), ws = this.#batch.map((t) => t.cols);
    while (this.#size > 0) {
      const j = this.#draw(this.#size), last = --this.#size;
      for (let i = 0; i < bd.length; i++) {
        const w = ws[i]!;
        bd[i]!.set(ud[i]!.subarray(j * w, (j + 1) * w), this.#fill * w);
        if (j !== last) ud[i]!.copyWithin(j * w, last * w, (last + 1) * w);
      }
      if (++this.#fill === bs) {
        this.#fill = 0;
        return true;
      }
    }
    return false;
  }

  dispose(): void {
    this.#buf?.forEach((t) => t.dispose());
    this.#buf = null;
    this.#u?.dispose();
    this.#u = null;
  }
}

