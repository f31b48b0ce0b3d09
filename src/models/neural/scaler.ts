/**
 * The neural models' `scale` option and the range of their output heads.
 *
 * `scale: true` standardises every input and target column by the training rows' mean and
 * standard deviation (n − 1; a constant column, or a single row, keeps scale 1): computed at
 * fit (a warm start keeps the first fit's), kept with the model and its file (base64 float64
 * with a CRC-32), applied to the inputs of every later call, and undone on what a model
 * returns in the data's units (reconstructions, generated samples).
 *
 * A bounded output head (sigmoid: [0, 1], tanh: [−1, 1]) cannot reach a target outside its
 * range: fit refuses such targets before the first epoch (checkHeadRange) instead of
 * training a model whose outputs are capped.
 */
import type { Tensor } from '../../wasm/index.js';
import type { Activation } from '../../nn/activation.js';
import { FormatError, ValueError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64 } from '../../serialize.js';

/** One view's standardisation: x ↦ (x − mean) / scale per column. */
export interface ColumnScaler {
  mean: Float64Array;
  scale: Float64Array;
}

/** Checks the `scale` option (default false). */
export function checkScale(v: unknown): boolean {
  const s = v ?? false;
  if (typeof s !== 'boolean') throw new ValueError('options.scale', 'true or false', s);
  return s;
}

/**
 * Column means and standard deviations (n − 1) of t's rows (those where `rowMask(i)` is true,
 * default every row), in float64 over its float32 values; a column with fewer than two rows or
 * no spread keeps scale 1.
 */
export function columnScaler(t: Tensor, rowMask?: (i: number) => boolean): ColumnScaler {
  const n = t.rows, p = t.cols, d = t.data;
  const mean = new Float64Array(p), scale = new Float64Array(p).fill(1), ss = new Float64Array(p);
  let rows = 0;
  for (let i = 0; i < n; i++) {
    if (rowMask && !rowMask(i)) continue;
    rows++;
    for (let j = 0; j < p; j++) mean[j]! += d[i * p + j]!;
  }
  if (rows === 0) return { mean, scale };
  for (let j = 0; j < p; j++) mean[j]! /= rows;
  for (let i = 0; i < n; i++) {
    if (rowMask && !rowMask(i)) continue;
    for (let j = 0; j < p; j++) {
      const e = d[i * p + j]! - mean[j]!;
      ss[j]! += e * e;
    }
  }
  if (rows > 1) for (let j = 0; j < p; j++) if (ss[j]! > 0) scale[j] = Math.sqrt(ss[j]! / (rows - 1));
  return { mean, scale };
}

/** x ↦ (x − mean) / scale in place, on the rows where `rowMask(i)` is true (default every row); t is the model's own copy. */
export function standardize(t: Tensor, s: ColumnScaler, rowMask?: (i: number) => boolean): void {
  const p = t.cols, d = t.data, { mean, scale } = s;
  for (let i = 0; i < t.rows; i++) {
    if (rowMask && !rowMask(i)) continue;
    for (let j = 0; j < p; j++) d[i * p + j] = (d[i * p + j]! - mean[j]!) / scale[j]!;
  }
}

/** y ↦ y · scale + mean in place: standardised outputs back in the data's units. */
export function unstandardize(out: { data: Float32Array | Float64Array; rows: number; cols: number }, s: ColumnScaler): void {
  const p = out.cols, d = out.data, { mean, scale } = s;
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < p; j++) d[i * p + j] = d[i * p + j]! * scale[j]! + mean[j]!;
}

const RANGES: Partial<Record<Activation, [number, number]>> = { sigmoid: [0, 1], tanh: [-1, 1] };

/** The range of an output head, or null when it is unbounded. */
export const headRange = (a: Activation): [number, number] | null => RANGES[a] ?? null;

/**
 * Refuses targets a bounded head cannot reach, before the first epoch: a ValueError naming the
 * view (`name`), the offending value's row and column, the head's range, and the ways out.
 * `standardized`: the targets are the standardised ones (scale: true). Reads only.
 */
export function checkHeadRange(t: Tensor, activation: Activation, name: string, standardized: boolean, rowMask?: (i: number) => boolean): void {
  const range = headRange(activation);
  if (!range) return;
  const [lo, hi] = range, p = t.cols, d = t.data;
  for (let i = 0; i < t.rows; i++) {
    if (rowMask && !rowMask(i)) continue;
    for (let j = 0; j < p; j++) {
      const v = d[i * p + j]!;
      if (v >= lo && v <= hi) continue;
      const what = standardized ? `standardised values (scale: true) in [${lo}, ${hi}]` : `values in [${lo}, ${hi}]`;
      const way = standardized ? "pass outputActivation: 'identity' (standardised targets are not bounded)" : "pass outputActivation: 'identity', or scale: true to standardise each column";
      throw new ValueError(`${name} row ${i}, column ${j}`, `${what}, the range of the '${activation}' output head (${way})`, v);
    }
  }
}

/** The file's record of the views' scalers: each mean and scale as base64 float64, with one CRC-32 over all. */
export function writeScalers(views: readonly ColumnScaler[]): Record<string, unknown> {
  return {
    mean: views.map((s) => encodeF64(s.mean)),
    scale: views.map((s) => encodeF64(s.scale)),
    crc32: crc32F64(...views.flatMap((s) => [s.mean, s.scale])),
  };
}

/**
 * Reads writeScalers' record for views of these widths: a FormatError (naming `where`) for a
 * missing or damaged field, a scale that is not positive, or a CRC-32 that does not match.
 */
export function readScalers(v: unknown, widths: readonly number[], where: string): ColumnScaler[] {
  const o = v as { mean?: unknown; scale?: unknown; crc32?: unknown } | null;
  const m = widths.length;
  if (!o || typeof o !== 'object' || !Array.isArray(o.mean) || !Array.isArray(o.scale) || o.mean.length !== m || o.scale.length !== m)
    throw new FormatError(`${where}: expected { mean, scale, crc32 } with ${m} views each (scale: true)`);
  const views = widths.map((w, k) => {
    const mean = decodeF64((o.mean as unknown[])[k], w, `${where}.mean[${k}]`) as Float64Array;
    const scale = decodeF64((o.scale as unknown[])[k], w, `${where}.scale[${k}]`) as Float64Array;
    for (let j = 0; j < w; j++) if (!(scale[j]! > 0)) throw new FormatError(`${where}.scale[${k}]: value ${j} is ${scale[j]}, expected a positive number`);
    return { mean, scale };
  });
  if (o.crc32 !== crc32F64(...views.flatMap((s) => [s.mean, s.scale])))
    throw new FormatError(`${where}: checksum mismatch (crc32 ${JSON.stringify(o.crc32)} does not match the scaler's values): the file is damaged`);
  return views;
}
