/**
 * The file format of the multi-view models ('crossmodal.MCCA', 'crossmodal.GCCA', version 1):
 * options, n, dims, means and the model's parts as base64 f64, with a CRC-32 of every number.
 */
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import type { MCCAOptions, ViewsFit } from './multiview.js';

export type Parts = Record<string, Float64Array | Float64Array[]>;

/** A multi-view model's file: options, n, dims, means and the parts, with a CRC-32 of every number. */
export function writeFile(format: string, model: { components: number; regularization: number | readonly number[] }, f: ViewsFit, parts: Parts): Record<string, unknown> {
  const out: Record<string, unknown> = { format, version: 1, components: model.components, regularization: model.regularization, n: f.n, dims: f.dims, means: f.means.map(encodeF64) };
  for (const [k, v] of Object.entries(parts)) out[k] = Array.isArray(v) ? v.map(encodeF64) : encodeF64(v);
  out.crc32 = fileChecksum(model.components, model.regularization, f, parts);
  return out;
}

/** Reads writeFile's output: every field checked (sizes from `sizes(dims, k)`: a number, or one per entry of a list). */
export function readFile<M extends { components: number; regularization: number | readonly number[] }>(
  json: unknown,
  format: string,
  make: (o: MCCAOptions) => M,
  sizes: (dims: number[], k: number) => Record<string, number | number[]>,
): { base: ViewsFit; parts: Parts; model: M } {
  const o = readEnvelope(json, format, 1);
  const components = readInt(o, 'components', 1), n = readInt(o, 'n', 2);
  const dims = o.dims;
  if (!Array.isArray(dims) || dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d >= 1)) throw new FormatError(`dims: expected two or more positive integers, found ${JSON.stringify(dims)}`);
  if (components > Math.min(...dims)) throw new FormatError(`components: ${components} exceeds the smallest view's ${Math.min(...dims)} columns`);
  let model: M;
  try {
    model = make({ components, regularization: o.regularization as number });
  } catch (e) {
    throw new FormatError(`${format}: ${(e as Error).message}`);
  }
  const list = (v: unknown, name: string, each: number[]) => {
    if (!Array.isArray(v) || v.length !== each.length) throw new FormatError(`${name}: expected ${each.length} entries, found ${Array.isArray(v) ? v.length : typeof v}`);
    return v.map((e, i) => decodeF64(e, each[i]!, `${name}[${i}]`));
  };
  const base: ViewsFit = { n, dims: dims as number[], means: list(o.means, 'means', dims as number[]) };
  const parts: Parts = {};
  for (const [key, size] of Object.entries(sizes(dims as number[], components))) parts[key] = Array.isArray(size) ? list(o[key], key, size) : decodeF64(o[key], size, key);
  const want = fileChecksum(components, model.regularization, base, parts);
  if (o.crc32 !== want) throw new FormatError(`${format}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  return { base, parts, model };
}

export function fileChecksum(components: number, reg: number | readonly number[], f: ViewsFit, parts: Parts): number {
  const nums: (ArrayLike<number> | number)[] = [components, typeof reg === 'number' ? [reg] : reg, f.n, f.dims, ...f.means];
  for (const v of Object.values(parts)) nums.push(...(Array.isArray(v) ? v : [v]));
  return crc32F64(...nums);
}
