/**
 * The file format of the multi-view models ('crossmodal.MCCA', 'crossmodal.GCCA', version 2):
 * options, n, dims, means and the model's parts as base64 f64, with a CRC-32 of every number.
 * `scale` (true or false) came later: a file without it is scale: false, and scale: true adds
 * a 1 after every other number of the checksum, so a file of scale false has the checksum it
 * had before the field existed (readers from before ignore the field) and the field cannot be
 * set, flipped or dropped unnoticed when true.
 *
 * Version 2 adds what predict, inverseTransform, explainedVariance and redundancy read of the
 * training statistics (mcca_interpret.ts): `covariances` (per view, pᵢ × m·k: its columns'
 * covariance with every view's variates) and `variances` (per view, its columns'), checksummed
 * after the parts. Version 1 files still load, without them (those calls then say so); a model
 * read from one is written back as version 1, unchanged.
 */
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import type { MCCAOptions, ViewsFit } from './multiview.js';
import type { ViewStats } from './mcca_interpret.js';
import { missingRecord, readMissing, type Missing } from '../../wasm/index.js';

export type Parts = Record<string, Float64Array | Float64Array[]>;

/** What a file stores of a multi-view model's options. */
interface Settings {
  components: number;
  regularization: number | readonly number[];
  scale: boolean;
  missing: Missing;
}

/** A multi-view model's file: options, n, dims, means, the parts and the statistics (version 2; none: version 1), with a CRC-32 of every number. */
export function writeFile(format: string, model: Settings, f: ViewsFit, parts: Parts, stats: ViewStats | null): Record<string, unknown> {
  const out: Record<string, unknown> = { format, version: stats ? 2 : 1, components: model.components, regularization: model.regularization, scale: model.scale, ...missingRecord(model.missing), n: f.n, dims: f.dims, means: f.means.map(encodeF64) };
  for (const [k, v] of Object.entries(parts)) out[k] = Array.isArray(v) ? v.map(encodeF64) : encodeF64(v);
  if (stats) {
    out.covariances = stats.cov.map(encodeF64);
    out.variances = stats.variances.map(encodeF64);
  }
  out.crc32 = fileChecksum(model, f, parts, stats);
  return out;
}

/** Reads writeFile's output: every field checked (sizes from `sizes(dims, k)`: a number, or one per entry of a list). */
export function readFile<M extends Settings>(
  json: unknown,
  format: string,
  make: (o: MCCAOptions) => M,
  sizes: (dims: number[], k: number) => Record<string, number | number[]>,
): { base: ViewsFit; parts: Parts; model: M; stats: ViewStats | null } {
  const o = readEnvelope(json, format, 2);
  const components = readInt(o, 'components', 1), n = readInt(o, 'n', 2);
  const dims = o.dims;
  if (!Array.isArray(dims) || dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d >= 1)) throw new FormatError(`dims: expected two or more positive integers, found ${JSON.stringify(dims)}`);
  if (components > Math.min(...dims)) throw new FormatError(`components: ${components} exceeds the smallest view's ${Math.min(...dims)} columns`);
  // files written before the option existed have no scale: they are scale false
  if (o.scale !== undefined && typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
  let model: M;
  try {
    model = make({ components, regularization: o.regularization as number, scale: (o.scale as boolean | undefined) ?? false, missing: readMissing(o.missing) });
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
  let stats: ViewStats | null = null;
  if (o.version === 2) {
    const d = dims as number[];
    stats = { cov: list(o.covariances, 'covariances', d.map((p) => p * d.length * components)), variances: list(o.variances, 'variances', d) };
    for (const [i, v] of stats.variances.entries()) if (v.some((x) => x < 0)) throw new FormatError(`variances[${i}]: a negative variance`);
  } else if (o.covariances !== undefined || o.variances !== undefined) throw new FormatError(`${format}: a version-1 file with covariances or variances (version 2 fields)`);
  const want = fileChecksum(model, base, parts, stats);
  if (o.crc32 !== want) throw new FormatError(`${format}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  return { base, parts, model, stats };
}

export function fileChecksum(model: Settings, f: ViewsFit, parts: Parts, stats: ViewStats | null): number {
  const reg = model.regularization;
  const nums: (ArrayLike<number> | number)[] = [model.components, typeof reg === 'number' ? [reg] : reg, f.n, f.dims, ...f.means];
  for (const v of Object.values(parts)) nums.push(...(Array.isArray(v) ? v : [v]));
  // version 2: the statistics after the parts (a version-1 file's checksum is what it was)
  if (stats) nums.push(...stats.cov, ...stats.variances);
  // scale true: a 1 after everything (the counts of all else follow from dims and components); false adds nothing
  if (model.scale) nums.push(1);
  return crc32F64(...nums);
}
