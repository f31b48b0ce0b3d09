/**
 * The file format of the multi-view models ('crossmodal.MCCA', 'crossmodal.GCCA', version 2):
 * options, n, dims, means and the model's parts as base64 f64, with a CRC-32 of every number.
 * `scale` (true or false) came later: a file without it is scale: false, and scale: true adds
 * a 1 after every other number of the checksum, so a file of scale false has the checksum it
 * had before the field existed (readers from before ignore the field) and the field cannot be
 * set, flipped or dropped unnoticed when true.
 *
 * Version 3 adds what predict, inverseTransform, explainedVariance and redundancy read of the
 * training statistics (mcca_interpret.ts): `structure` (per view, pᵢ × m·k: its columns'
 * correlations with every view's variates) and `scales` (per view, its columns' standard
 * deviations), checksummed after the parts, then a 3. Version 2 kept them in the columns'
 * units, `covariances` (Cov(Xᵢ, Uⱼ)) and `variances`, which under- or overflow when a view's
 * variates are tiny or huge (a view near 1e-150 under a ridge sized for another); its files
 * still load (the covariances divided by the columns' and the variates' standard deviations)
 * and are written back as version 3. Version 1 files still load, without statistics (those
 * calls then say so); a model read from one is written back as version 1, unchanged.
 */
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import type { MCCAOptions, ViewsFit } from './multiview.js';
import { statsFromCovariances, type ViewStats } from './mcca_interpret.js';
import { missingRecord, readMissing, type Missing } from '../../wasm/index.js';

export type Parts = Record<string, Float64Array | Float64Array[]>;

/** What a file stores of a multi-view model's options. */
interface Settings {
  components: number;
  regularization: number | readonly number[];
  scale: boolean;
  missing: Missing;
}

/** A multi-view model's file: options, n, dims, means, the parts and the statistics (version 3; none: version 1), with a CRC-32 of every number. */
export function writeFile(format: string, model: Settings, f: ViewsFit, parts: Parts, stats: ViewStats | null): Record<string, unknown> {
  const out: Record<string, unknown> = { format, version: stats ? 3 : 1, components: model.components, regularization: model.regularization, scale: model.scale, ...missingRecord(model.missing), n: f.n, dims: f.dims, means: f.means.map(encodeF64) };
  for (const [k, v] of Object.entries(parts)) out[k] = Array.isArray(v) ? v.map(encodeF64) : encodeF64(v);
  if (stats) {
    out.structure = stats.structure.map(encodeF64);
    out.scales = stats.scales.map(encodeF64);
  }
  out.crc32 = fileChecksum(model, f, parts, stats ? { stats, version: 3 } : null);
  return out;
}

/** Reads writeFile's output: every field checked (sizes from `sizes(dims, k)`: a number, or one per entry of a list). */
export function readFile<M extends Settings>(
  json: unknown,
  format: string,
  make: (o: MCCAOptions) => M,
  sizes: (dims: number[], k: number) => Record<string, number | number[]>,
): { base: ViewsFit; parts: Parts; model: M; stats: ViewStats | null } {
  const o = readEnvelope(json, format, 3);
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
  const d = dims as number[], sizes3 = d.map((p) => p * d.length * components);
  const fields: Record<number, [string, string]> = { 2: ['covariances', 'variances'], 3: ['structure', 'scales'] };
  for (const [v, names] of Object.entries(fields))
    if (Number(v) !== o.version && names.some((name) => o[name] !== undefined)) throw new FormatError(`${format}: a version-${o.version} file with ${names.join(' or ')} (version ${v} fields)`);
  let stored: StoredStats | null = null;
  if (o.version === 2 || o.version === 3) {
    const [a, b] = fields[o.version]!, first = list(o[a], a, sizes3), second = list(o[b], b, d);
    for (const [i, v] of second.entries()) if (v.some((x) => x < 0)) throw new FormatError(`${b}[${i}]: a negative ${o.version === 2 ? 'variance' : 'standard deviation'}`);
    stored = o.version === 3 ? { stats: { structure: first, scales: second }, version: 3 } : { cov: first, variances: second, version: 2 };
  }
  const want = fileChecksum(model, base, parts, stored);
  if (o.crc32 !== want) throw new FormatError(`${format}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  const stats = !stored ? null : 'stats' in stored ? stored.stats : statsFromCovariances(stored.cov, stored.variances, parts.weights as Float64Array[], d, components);
  return { base, parts, model, stats };
}

/** The statistics as a file stores them: today's (version 3), or version 2's covariances and variances in the columns' units. */
type StoredStats = { stats: ViewStats; version: 3 } | { cov: Float64Array[]; variances: Float64Array[]; version: 2 };

export function fileChecksum(model: Settings, f: ViewsFit, parts: Parts, stats: StoredStats | null): number {
  const reg = model.regularization;
  const nums: (ArrayLike<number> | number)[] = [model.components, typeof reg === 'number' ? [reg] : reg, f.n, f.dims, ...f.means];
  for (const v of Object.values(parts)) nums.push(...(Array.isArray(v) ? v : [v]));
  // the statistics after the parts (a version-1 file's checksum is what it was); version 3's then a 3
  if (stats?.version === 2) nums.push(...stats.cov, ...stats.variances);
  if (stats?.version === 3) nums.push(...stats.stats.structure, ...stats.stats.scales, 3);
  // scale true: a 1 after everything (the counts of all else follow from dims and components); false adds nothing
  if (model.scale) nums.push(1);
  return crc32F64(...nums);
}
