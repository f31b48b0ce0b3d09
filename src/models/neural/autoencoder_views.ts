/**
 * MultimodalAutoencoder's views: reading each modality's rows and the missing-modality mask
 * into wasm (a `null` view or row, or a 0 in `present`, is a missing modality), the validation
 * views of fit, and running the graph over read views in chunks of rows (the weighted
 * validation loss).
 */
import * as W from '../../wasm/index.js';
import { Tensor, type TensorInput } from '../../wasm/index.js';
import { ShapeError, ValueError, describe, described } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { forwardGraph, type Net } from './autoencoder_graph.js';
import type { AutoencoderFitOptions, ViewInput } from './autoencoder_options.js';
import { SourceReader, sourcePass, type DataSource } from './source.js';

const CHUNK = 1024;

/** Views read into wasm: missing rows are zeros and 0 in `present`. */
export interface ReadViews {
  x: Tensor[];
  present: Tensor;
  /** JS copy of the mask (n×m) */
  mask: Float32Array;
  n: number;
  /** which views were passed (not null) */
  given: boolean[];
}

/** The validation option read: views in wasm, or a source of chunks read after every epoch (presence mode). */
export type Validation = (ReadViews & { reader?: undefined; patience?: number }) | { reader: SourceReader; patience?: number };

/** Checks the validation option of fit up front, under its own names: views are read into wasm, a source is opened at each measure. */
export function readValidation(v: AutoencoderFitOptions['validation'], widths: number[], own: <T extends { dispose(): void }>(o: T) => T): Validation | null {
  if (v === undefined) return null;
  const isSource = v !== null && typeof v === 'object' && 'source' in v;
  checkOptions(v, isSource ? ['source', 'patience'] : ['views', 'present', 'patience'], 'options.validation');
  if (!isSource && !('views' in v)) throw new ValueError('options.validation', '{ views, present?, patience? } or { source, patience? }', v);
  if (v.patience !== undefined && !(Number.isInteger(v.patience) && v.patience >= 1)) throw new ValueError('options.validation.patience', 'a positive integer', v.patience);
  if (isSource) {
    const source = (v as { source: DataSource }).source;
    if (typeof source !== 'function') throw new ValueError('options.validation.source', 'a function returning the chunks [view₀, view₁, …] of the held-out rows (an iterable or async iterable)', source);
    const reader = new SourceReader(source, (k) => Array.from({ length: k }, (_, j) => `views[${j}]`), 'error', [...widths]);
    reader.presence = true;
    return { reader, patience: v.patience };
  }
  const a = v as { views: readonly ViewInput[]; present?: TensorInput };
  const data = readViews(a.views, 'options.validation.views', widths, a.present, 'options.validation.present', own);
  return { ...data, patience: v.patience };
}

/** Weighted masked MSE with every present modality given, on views or over a validation source's chunks (after epoch `epoch`). */
export async function validationLoss(g: Net, val: Validation, weights: readonly number[], epoch: number, signal?: AbortSignal): Promise<number> {
  const m = g.widths.length, sse = new Float64Array(m), count = new Float64Array(m);
  if (!val.reader) lossSums(g, val, sse, count);
  else
    await sourcePass(val.reader, `options.validation.source after epoch ${epoch}`, (chunk) => {
      const present = chunk.at(-1)!;
      lossSums(g, { x: chunk.slice(0, -1), present, mask: present.data.slice(), n: present.rows, given: chunk.map(() => true) }, sse, count);
    }, signal);
  let total = 0;
  for (let j = 0; j < m; j++) if (count[j]! > 0) total += weights[j]! * (sse[j]! / count[j]!);
  return total;
}

/** Runs the graph in chunks of rows with these gates, calling back with each chunk's outputs. */
export function chunks(g: Net, data: ReadViews, gates: Tensor, each: (start: number, outs: Tensor[], len: number, code: Tensor) => void): void {
  for (let s = 0; s < data.n; s += CHUNK) {
    const len = Math.min(CHUNK, data.n - s);
    const whole = len === data.n;
    const x = data.x.map((t) => (whole ? t : t.viewRows(s, len)));
    const gv = whole ? gates : gates.viewRows(s, len);
    const { code, outs } = forwardGraph(g, x, gv);
    each(s, outs, len, code);
  }
}

/** Adds each modality's squared error and element count over the present rows, every present modality given. */
function lossSums(g: Net, data: ReadViews, sse: Float64Array, count: Float64Array): void {
  const m = g.widths.length;
  chunks(g, data, data.present, (s, outs, len) => {
    const pv = data.present.viewRows(s, len);
    outs.forEach((o, j) => {
      let rows = 0;
      for (let i = s; i < s + len; i++) rows += data.mask[i * m + j]!;
      const c = rows * g.widths[j]!;
      sse[j]! += W.maskedMse(null, o, data.x[j]!.viewRows(s, len), pv, j, 1) * c;
      count[j]! += c;
    });
  });
}

/** Reads views against a fitted graph, runs fn, frees what it read. */
export function withViews<T>(g: Net, views: readonly ViewInput[], present: TensorInput | undefined, fn: (data: ReadViews) => T): T {
  const owner = new Owner();
  try {
    return fn(readViews(views, 'views', g.widths, present, 'options.present', owner.own));
  } finally {
    owner.dispose();
  }
}

/**
 * Reads the views into wasm: a `null` view or row is a missing modality (zeros in the data,
 * 0 in the mask), as is a 0 in `present`. With `widths` (after fit) the number of views and
 * their widths must match; without, every view must give its width.
 */
export function readViews(
  views: readonly ViewInput[],
  name: string,
  widths: readonly number[] | null,
  present: TensorInput | undefined,
  presentName: string,
  own: <T extends { dispose(): void }>(o: T) => T,
): ReadViews {
  if (!Array.isArray(views)) throw new ShapeError(name, 'an array with one view per modality', describe(views));
  if (widths && views.length !== widths.length) throw new ShapeError(name, `${widths.length} views (one per modality, null for a missing one)`, `${views.length} views`);
  if (!widths && views.length < 2) throw new ShapeError(name, 'at least 2 views (one per modality)', `${views.length} view${views.length === 1 ? '' : 's'}`);
  const m = views.length;
  const given = views.map((v) => v !== null && v !== undefined);
  if (!given.some(Boolean)) throw new ValueError(name, 'at least one view that is not null', described('every view null'));
  if (!widths && given.includes(false)) throw new ValueError(`${name}[${given.indexOf(false)}]`, 'the rows of every modality in fit (null rows mark missing ones)', null);
  // rows: from the first view that has them
  let n = -1;
  const rowsOf = (v: ViewInput, j: number): number => {
    if (Array.isArray(v)) return v.length;
    const r = (v as { rows?: unknown }).rows;
    if (typeof r === 'number') return r;
    throw new ShapeError(`${name}[${j}]`, 'rows (an array of arrays), a Tensor, a Matrix or { data, rows, cols }', describe(v));
  };
  views.forEach((v, j) => {
    if (!given[j]) return;
    const r = rowsOf(v, j);
    if (n < 0) n = r;
    else if (r !== n) throw new ShapeError(`${name}[${j}]`, `${n} rows (as ${name}[${given.indexOf(true)}])`, `${r} rows`);
  });
  if (n < 1) throw new ShapeError(name, 'at least 1 row', '0 rows');
  const mask = new Float32Array(n * m);
  const x = views.map((v, j) => {
    if (!given[j]) {
      const w = widths![j]!; // a null view with no widths was refused by the caller (fit)
      return own(Tensor.zeros(n, w));
    }
    let input = v as TensorInput;
    if (Array.isArray(v) && v.some((r) => r === null || r === undefined)) {
      const first = v.find((r) => r !== null && r !== undefined) as ArrayLike<number> | undefined;
      if (!first) throw new ValueError(`${name}[${j}]`, 'at least one row that is not null (pass null for the whole view instead)', described('every row null'));
      const zeros = new Array<number>(first.length).fill(0);
      input = v.map((r) => r ?? zeros);
    }
    const t = own(Tensor.from(input, `${name}[${j}]`));
    if (widths && t.cols !== widths[j]) throw new ShapeError(`${name}[${j}]`, `${widths[j]} columns (as in fit)`, `${t.cols} columns`);
    const rows = v as readonly unknown[];
    for (let i = 0; i < n; i++) mask[i * m + j] = Array.isArray(rows) && (rows[i] === null || rows[i] === undefined) ? 0 : 1;
    return t;
  });
  if (present !== undefined) {
    const p = Tensor.from(present, presentName);
    try {
      if (p.rows !== n || p.cols !== m) throw new ShapeError(presentName, `${n}×${m} (rows × modalities)`, `${p.rows}×${p.cols}`);
      const d = p.toFloat32Array();
      for (let i = 0; i < d.length; i++) {
        if (d[i] !== 0 && d[i] !== 1) throw new ValueError(`${presentName}[${Math.floor(i / m)}][${i % m}]`, '0 or 1', d[i]);
        mask[i] = mask[i]! * d[i]!;
      }
    } finally {
      p.dispose();
    }
  }
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let j = 0; j < m; j++) any ||= mask[i * m + j] !== 0;
    if (!any) throw new ValueError(`${name} row ${i}`, 'at least one modality present', described('none'));
  }
  const pt = own(Tensor.from({ data: mask, rows: n, cols: m }));
  return { x, present: pt, mask, n, given };
}
