/**
 * Training from a source: a function called once per epoch that returns a (sync or async)
 * iterable of chunks, each chunk holding the same rows of every input in the order `fit` takes
 * them with arrays (`[X, Y]` for DeepCCA, `[x, c]` for ConditionalGAN, `[view₀, view₁, …]` for
 * MultimodalAutoencoder, `[X, labels]` for Classifier), each matrix in any accepted input form,
 * labels as a list of integers (kinds). A file or a query
 * can so be reread every epoch, and the model holds only a shuffle buffer and a batch.
 *
 * - SourceReader reads one pass, validates every chunk (an array of the inputs, finite, the
 *   same rows in each input, the columns of the first chunk or of the fitted networks) and
 *   turns what is wrong into a SourceError naming the epoch, the chunk, the row and the input.
 * - RowShuffler is tf.data's `shuffle(bufferSize)` on f32 rows held in wasm: fill the buffer,
 *   then every incoming row replaces a randomly chosen buffered row, which is emitted; at the
 *   end the rest is emitted in random order. The draws come from the trainer's shuffling stream
 *   (the in-wasm PRNG), so every runtime visits the same batches. Buffer 0: source order.
 * - sourceLoop is trainLoop (nn/train.ts) over such batches: full batches only (the last
 *   partial batch of an epoch is dropped, as the array path drops it), onEpoch, abort, the
 *   checkpoint of the last finished epoch, divergence.
 */
import * as W from '../../wasm/index.js';
import { Tensor, dropMissing, type Missing, type Rng, type TensorInput } from '../../wasm/index.js';
import { abortError, diverged, isAbort, yieldToEventLoop, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { checkLabels } from '../../options.js';
import { CrossmodalError, NonFiniteError, ShapeError, SourceError, ValueError, describe } from '../../errors.js';

/** One chunk: the same rows of every input, in the order fit takes them with arrays. */
export type SourceChunk = readonly TensorInput[];
/** A training source: called once per epoch, returns that epoch's chunks. */
export type DataSource = () => Iterable<SourceChunk> | AsyncIterable<SourceChunk>;

/** The default shuffle buffer: 10,000 rows, or fewer when the rows are wide (at most 16 MiB of f32 rows). */
export const SHUFFLE_BUFFER = { rows: 10_000, bytes: 16 * 2 ** 20 };

/** The default buffer's rows for inputs of these widths. */
export function defaultShuffleBuffer(widths: readonly number[]): number {
  const w = widths.reduce((s, c) => s + c, 0);
  return Math.max(1, Math.min(SHUFFLE_BUFFER.rows, Math.floor(SHUFFLE_BUFFER.bytes / (4 * Math.max(1, w)))));
}

/** Checks the `shuffleBuffer` option (undefined: null, the default; 0: rows in source order). */
export function checkShuffleBuffer(v: unknown): number | null {
  if (v === undefined) return null;
  if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 31)) throw new ValueError('options.shuffleBuffer', 'an integer ≥ 0 (rows held for shuffling; 0: source order)', v);
  return v as number;
}

/** The row an input's error points at, from its argument after the input's name (`X[3]`, `X[3][1]`, `x row 3, column 1`) or its fields. */
function rowOf(e: unknown, input = ''): number | undefined {
  if (e instanceof NonFiniteError) return e.row;
  const a = e instanceof ShapeError || e instanceof ValueError ? e.argument?.slice(input.length) : undefined;
  const m = a ? (/^\[(\d+)\]/.exec(a) ?? /^ row (\d+)/.exec(a)) : null;
  return m ? Number(m[1]) : undefined;
}

/** Reads the passes over a source, one at a time, validating every chunk. */
export class SourceReader {
  readonly #source: DataSource;
  /** the inputs' names; null until the first chunk says how many (a model of any number of inputs) */
  #names: readonly string[] | null;
  readonly #namesFor: ((count: number) => string[]) | null;
  readonly #missing: Missing;
  /** the columns of each input: fixed by the fitted networks, or by the first chunk */
  widths: (number | null)[];
  #it: Iterator<SourceChunk> | AsyncIterator<SourceChunk> | null = null;
  #epoch = 0;
  /** what the messages call a pass outside training (null: 'epoch N') */
  #label: string | null = null;
  #chunk = 0;
  /** each input's kind: a matrix, or integer class labels (handed out as a one-column f32 tensor) */
  kinds: readonly ('matrix' | 'labels')[] | null = null;
  /** the labels' classes when known (a label ≥ classes is refused); null: any integer ≥ 0 */
  classes: number | null = null;
  /** applied to every chunk's validated tensors before they are handed out (e.g. the columns' standardisation) */
  transform: ((chunk: Tensor[]) => void) | null = null;
  /** rows read in this pass, and rows left out by missing 'drop' */
  rows = 0;
  dropped = 0;

  /** `names` a function: the chunks hold any number (≥ 2) of inputs, named by it from the first chunk (unless `widths` fix the number) */
  constructor(source: DataSource, names: readonly string[] | ((count: number) => string[]), missing: Missing, widths: (number | null)[] | null = null) {
    this.#source = source;
    this.#namesFor = typeof names === 'function' ? names : null;
    this.#names = typeof names === 'function' ? (widths ? names(widths.length) : null) : names;
    widths ??= this.#names ? this.#names.map(() => null) : [];
    this.#missing = missing;
    this.widths = widths;
  }

  #where(chunk?: number, row?: number, input?: string): string {
    let s = `source: ${this.#label ?? `epoch ${this.#epoch}`}`;
    if (chunk !== undefined) s += `, chunk ${chunk}`;
    if (row !== undefined) s += `, row ${row}`;
    if (input !== undefined) s += `${row !== undefined ? ' of' : ','} ${input}`;
    return s;
  }

  #fail(what: string, d: { chunk?: number; row?: number; input?: string; cause?: unknown } = {}): SourceError {
    return new SourceError(`${this.#where(d.chunk, d.row, d.input)}: ${what}`, { epoch: this.#epoch, ...d });
  }

  /** Starts pass `epoch` (1-based; 0 with a `label` for a pass outside training): calls the source. */
  open(epoch: number, label: string | null = null): void {
    this.close();
    this.#epoch = epoch;
    this.#label = label;
    this.#chunk = 0;
    this.rows = 0;
    this.dropped = 0;
    let it: unknown;
    try {
      it = this.#source();
    } catch (e) {
      throw this.#fail(`the source function threw: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
    const o = it as { [Symbol.asyncIterator]?: () => AsyncIterator<SourceChunk>; [Symbol.iterator]?: () => Iterator<SourceChunk> } | null;
    const make = (o && typeof o === 'object' ? (o[Symbol.asyncIterator] ?? o[Symbol.iterator]) : undefined) as ((this: unknown) => Iterator<SourceChunk> | AsyncIterator<SourceChunk>) | undefined;
    if (typeof make !== 'function') throw this.#fail(`expected the source function to return an iterable or async iterable of chunks, got ${describe(it)}`);
    this.#it = make.call(o);
  }

  /** The next chunk's inputs as tensors (the caller disposes them), or null at the end of the pass. */
  async next(signal?: AbortSignal): Promise<Tensor[] | null> {
    const it = this.#it;
    if (!it) return null;
    const chunk = ++this.#chunk;
    let r: IteratorResult<SourceChunk>;
    try {
      r = await it.next();
    } catch (e) {
      this.#it = null;
      if (isAbort(e, signal)) throw e;
      throw this.#fail(`the source threw: ${(e as Error)?.message ?? String(e)}`, { chunk, cause: e });
    }
    if (r.done) {
      this.#it = null;
      this.#chunk--;
      return null;
    }
    const c = r.value;
    if (!this.#names) {
      if (!Array.isArray(c) || c.length < 2) throw this.#fail(`expected a chunk [${this.#namesFor!(2).join(', ')}, …] (an array of at least 2 inputs), got ${describe(c)}`, { chunk });
      this.#names = this.#namesFor!(c.length);
      this.widths = this.#names.map(() => null);
    }
    const names = this.#names;
    const shape = `[${names.join(', ')}]`;
    if (!Array.isArray(c) || c.length !== names.length) throw this.#fail(`expected a chunk ${shape} (an array of ${names.length} inputs), got ${describe(c)}`, { chunk });
    // an empty chunk (e.g. a query's last page): nothing to read
    if (c.every((v) => (Array.isArray(v) ? v.length === 0 : (v as { rows?: unknown })?.rows === 0))) return this.next(signal);
    let views: readonly TensorInput[] = c;
    const kinds = this.kinds, isLabels = (i: number) => kinds?.[i] === 'labels';
    if (this.#missing === 'drop') {
      try {
        // labels have no missing cells: the rows the matrices drop are left out of them too
        const mi = names.map((_, i) => i).filter((i) => !isLabels(i));
        const d = dropMissing(mi.map((i) => c[i]!), mi.map((i) => names[i]!), 'drop', names.join(', '));
        const all = [...c];
        mi.forEach((i, k) => (all[i] = d.views[k]!));
        const keep = d.keep;
        if (keep) for (let i = 0; i < names.length; i++) if (isLabels(i)) all[i] = Array.from(checkLabels(c[i] as unknown as ArrayLike<number>, keep.length, null, names[i]!)).filter((_, r) => keep[r]);
        views = all;
        this.dropped += d.dropped;
      } catch (e) {
        throw this.#wrap(e, chunk);
      }
    }
    const out: Tensor[] = [];
    try {
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        let t: Tensor;
        try {
          if (isLabels(i)) {
            const l = checkLabels(views[i] as unknown as ArrayLike<number>, null, this.classes, name);
            t = Tensor.from({ data: Float32Array.from(l), rows: l.length, cols: 1 }, name);
          } else t = Tensor.from(views[i]!, name);
        } catch (e) {
          throw this.#wrap(e, chunk);
        }
        out.push(t);
        const w = this.widths[i];
        if (w !== null && w !== undefined && t.cols !== w) throw this.#fail(`expected ${w} columns (${this.#epoch === 1 && chunk === 1 ? 'as the fitted networks' : 'as the chunks before'}), got ${t.cols} columns`, { chunk, input: name });
        if (i > 0 && t.rows !== out[0]!.rows) throw this.#fail(`expected ${out[0]!.rows} rows (as ${names[0]} of this chunk), got ${t.rows} rows`, { chunk, input: name });
      }
      out.forEach((t, i) => (this.widths[i] ??= t.cols));
      try {
        this.transform?.(out);
      } catch (e) {
        throw this.#wrap(e, chunk);
      }
      this.rows += out[0]!.rows;
      return out;
    } catch (e) {
      for (const t of out) t.dispose();
      throw e;
    }
  }

  /** An input's error (ragged, non-finite, empty, …) as a SourceError naming the chunk and row. */
  #wrap(e: unknown, chunk: number): unknown {
    if (!(e instanceof CrossmodalError)) return e;
    const a = (e as { argument?: string }).argument ?? '';
    const input = this.#names!.find((n) => a === n || a.startsWith(`${n}[`) || a.startsWith(`${n} row `));
    return this.#fail(e.message, { chunk, row: rowOf(e, input), input, cause: e });
  }

  /** Ends the pass early (returns the iterator, so a file or a query can close). */
  close(): void {
    const it = this.#it;
    this.#it = null;
    try {
      void Promise.resolve(it?.return?.()).catch(() => {});
    } catch {
      /* a source that fails to close: nothing to keep */
    }
  }

  /** The pass's end: a SourceError when it gave no rows, or fewer than `need`. */
  checkEnd(need: number, why: string): void {
    if (this.rows === 0) throw this.#fail('the source yielded no rows');
    if (this.rows < need) throw this.#fail(`the source yielded ${this.rows} rows, fewer than ${why}`);
  }
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

export interface SourceLoopSettings extends FitOptions {
  reader: SourceReader;
  /** the first chunk of epoch 1, already read (to learn the widths) */
  first: Tensor[] | null;
  epochs: number;
  /** the session's batch tensors (one per input, batchSize rows each) */
  batch: readonly Tensor[];
  /** null: the default for the inputs' widths */
  shuffleBuffer: number | null;
  rng: Rng;
  step(): number | Record<string, number>;
  checkpoint?: { save(): void; restore(): void };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** trainLoop over the batches of a source (see the file's comment); resolves to the history. */
export async function sourceLoop(o: SourceLoopSettings, history: EpochInfo[] = []): Promise<EpochInfo[]> {
  const { reader, epochs, signal } = o;
  const bs = o.batch[0]!.rows;
  const shuffler = new RowShuffler(o.batch, o.shuffleBuffer, o.rng);
  let first = o.first;
  try {
    if (signal?.aborted) throw abortError(signal);
    o.checkpoint?.save();
    const start = now();
    let lastYield = start;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (epoch > 1 || !first) reader.open(epoch);
      shuffler.reset();
      const sums: Record<string, number> = {};
      let b = 0;
      const step = () => {
        if (signal?.aborted) throw abortError(signal);
        let r: number | Record<string, number>;
        try {
          r = o.step();
        } catch (e) {
          if (e instanceof NonFiniteError) throw diverged(epoch, b, `${e.argument} became ${e.value} (at [${e.row}][${e.col}])`, !!o.checkpoint, e);
          throw e;
        }
        const parts = typeof r === 'number' ? { loss: r } : r;
        for (const k in parts) {
          const v = parts[k]!;
          if (!Number.isFinite(v)) throw diverged(epoch, b, `the ${k === 'loss' ? '' : `${k} `}loss is ${v}`, !!o.checkpoint);
          sums[k] = (sums[k] ?? 0) + v;
        }
        b++;
      };
      for (;;) {
        if (signal?.aborted) throw abortError(signal);
        const chunk = first ?? (await reader.next(signal));
        first = null;
        if (!chunk) break;
        try {
          shuffler.feed(chunk);
          while (shuffler.next()) {
            step();
            if (now() - lastYield > 12) {
              await yieldToEventLoop();
              lastYield = now();
            }
          }
        } finally {
          for (const t of chunk) t.dispose();
        }
        // a sync source that fills a large buffer runs no step for a while: the page stays responsive
        if (now() - lastYield > 12) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      reader.checkEnd(bs, `one batch (${bs} rows)`);
      while (shuffler.drain()) step();
      const losses: Record<string, number> = {};
      for (const k in sums) losses[k] = sums[k]! / b;
      const loss = losses.loss ?? Object.values(losses).reduce((s, v) => s + v, 0);
      o.checkpoint?.save();
      const info: EpochInfo = { epoch, epochs, loss, losses, seconds: (now() - start) / 1000, batchSize: bs };
      history.push(info);
      const verdict = o.onEpoch ? await o.onEpoch(info) : undefined;
      if (verdict === false) break;
      if (signal?.aborted) throw abortError(signal);
    }
    return history;
  } catch (e) {
    reader.close();
    o.checkpoint?.restore();
    throw e;
  } finally {
    if (first) for (const t of first) t.dispose();
    shuffler.dispose();
  }
}

/** One pass over the source outside training (e.g. the final CCA's statistics): `use` gets each chunk's tensors (disposed after). */
export async function sourcePass(reader: SourceReader, label: string, use: (chunk: Tensor[]) => void, signal?: AbortSignal): Promise<void> {
  reader.open(0, label);
  try {
    for (;;) {
      const chunk = await reader.next(signal);
      if (!chunk) break;
      try {
        use(chunk);
      } finally {
        for (const t of chunk) t.dispose();
      }
    }
    reader.checkEnd(1, 'one');
  } catch (e) {
    reader.close();
    throw e;
  }
}
