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
 * - RowShuffler (source_shuffle.ts) is tf.data's `shuffle(bufferSize)` on f32 rows held in wasm.
 * - sourceLoop is trainLoop (nn/train.ts) over such batches: full batches (the last partial
 *   batch of an epoch is dropped, as the array path drops it, unless the model keeps it:
 *   Classifier's keepLastBatch), onEpoch, abort, the
 *   checkpoint of the last finished epoch, divergence.
 */
import { Tensor, dropMissing, type Missing, type Rng, type TensorInput } from '../../wasm/index.js';
import { abortError, addStep, endEpoch, isAbort, yieldToEventLoop, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { checkLabels } from '../../options.js';
import { CrossmodalError, NonFiniteError, ShapeError, SourceError, ValueError, describe } from '../../errors.js';
import { RowShuffler } from './source_shuffle.js';

export { SHUFFLE_BUFFER, defaultShuffleBuffer } from './source_shuffle.js';

/** One chunk: the same rows of every input, in the order fit takes them with arrays (MultimodalAutoencoder: a null view or null rows for a missing modality). */
export type SourceChunk = readonly (TensorInput | readonly (ArrayLike<number> | null)[] | null)[];
/** A training source: called once per epoch, returns that epoch's chunks. */
export type DataSource = () => Iterable<SourceChunk> | AsyncIterable<SourceChunk>;

/** Held-out rows from a source (a function returning, per pass, the chunks fit's source gives), read after every epoch and never kept. */
export interface ValidationSource {
  /** the held-out rows' chunks, in the form of fit's chunks */
  source: DataSource;
  /** stop after this many epochs without improvement and keep the best (default: no early stop) */
  patience?: number;
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
  /**
   * views that may be missing (MultimodalAutoencoder): an input may be null or have null rows
   * (zeros in its tensor), and each chunk is handed out with one more tensor, the n×m 0/1
   * presence mask (a row with no view present is refused)
   */
  presence = false;
  /** called on each raw input of every chunk before it is read (e.g. a hint for class labels given as a condition); what it throws names the input */
  inputCheck: ((input: number, value: unknown) => void) | null = null;
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
    if (this.inputCheck)
      try {
        c.forEach((v, i) => this.inputCheck!(i, v));
      } catch (e) {
        throw this.#wrap(e, chunk);
      }
    let views = c as readonly TensorInput[];
    const kinds = this.kinds, isLabels = (i: number) => kinds?.[i] === 'labels';
    if (this.#missing === 'drop') {
      try {
        // labels have no missing cells: the rows the matrices drop are left out of them too
        const mi = names.map((_, i) => i).filter((i) => !isLabels(i));
        const d = dropMissing(mi.map((i) => c[i]!), mi.map((i) => names[i]!), 'drop', names.join(', '), this.presence);
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
    let mask: Float32Array | null = null;
    try {
      if (this.presence) ({ views, mask } = this.#present(views, chunk));
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
      if (mask) out.push(Tensor.from({ data: mask, rows: out[0]!.rows, cols: names.length }));
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

  /** Presence mode: null views and rows as zeros, and the chunk's n×m presence mask. */
  #present(views: readonly TensorInput[], chunk: number): { views: TensorInput[]; mask: Float32Array } {
    const names = this.#names!, m = names.length;
    const absent = (v: unknown) => v === null || v === undefined;
    const first = views.findIndex((v) => !absent(v));
    if (first < 0) throw this.#fail('expected at least one view that is not null', { chunk });
    const v0 = views[first]!;
    const n = Array.isArray(v0) ? v0.length : (v0 as { rows?: number }).rows;
    if (typeof n !== 'number') return { views: [...views], mask: new Float32Array(0) }; // Tensor.from says what is wrong
    const mask = new Float32Array(n * m);
    const out = views.map((v, j) => {
      if (absent(v)) {
        const w = this.widths[j];
        if (w === null || w === undefined) throw this.#fail("a view is null before any chunk gave its columns: the first chunk gives every view (or a row of it), later chunks may pass null", { chunk, input: names[j] });
        return { data: new Float32Array(n * w), rows: n, cols: w } as TensorInput;
      }
      const rows = v as readonly unknown[];
      if (!Array.isArray(rows)) {
        for (let i = 0; i < n; i++) mask[i * m + j] = 1;
        return v;
      }
      const some = rows.find((r) => !absent(r)) as ArrayLike<number> | undefined;
      const w = some?.length ?? this.widths[j];
      if (w === null || w === undefined) throw this.#fail("every row of the view is null before any chunk gave its columns: the first chunk gives a row of every view", { chunk, input: names[j] });
      const zeros = new Array<number>(w).fill(0);
      for (let i = 0; i < rows.length; i++) mask[i * m + j] = absent(rows[i]) ? 0 : 1;
      return rows.some(absent) ? rows.map((r) => r ?? zeros) : v;
    });
    for (let i = 0; i < n; i++) {
      let any = false;
      for (let j = 0; j < m; j++) any ||= mask[i * m + j] !== 0;
      if (!any) throw this.#fail('no view present in this row (every view null): at least one modality is needed', { chunk, row: i });
    }
    return { views: out, mask };
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

  /** A SourceError about the pass as a whole (e.g. two passes that disagree). */
  mismatch(what: string): never {
    throw this.#fail(what);
  }

  /** The pass's end: a SourceError when it gave no rows, or fewer than `need`. */
  checkEnd(need: number, why: string): void {
    if (this.rows === 0) throw this.#fail('the source yielded no rows');
    if (this.rows < need) throw this.#fail(`the source yielded ${this.rows} rows, fewer than ${why}`);
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
  /** keepLastBatch: one step on the first `rows` rows of the batch, the pass's partial last batch (absent: it is dropped) */
  partialStep?: (rows: number) => number | Record<string, number>;
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
      const step = (rows = bs) => {
        if (signal?.aborted) throw abortError(signal);
        addStep(sums, () => (rows === bs ? o.step() : o.partialStep!(rows)), epoch, b, !!o.checkpoint);
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
      // keepLastBatch: a pass of fewer rows than a batch is one partial batch
      if (o.partialStep) reader.checkEnd(1, 'one');
      else reader.checkEnd(bs, `one batch (${bs} rows)`);
      while (shuffler.drain()) step();
      if (o.partialStep && shuffler.filled > 0) step(shuffler.filled);
      if (await endEpoch(o, { epoch, epochs, sums, batches: b, start, batchSize: bs }, history)) break;
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
