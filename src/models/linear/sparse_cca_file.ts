/**
 * SparseCCA's options and file format ('crossmodal.SparseCCA', version 1): the options, every
 * array of the fit as base64 little-endian f64, optionally the sufficient statistics, and a
 * CRC-32 over every stored number.
 */
import type { CoMoments } from '../../linalg/comoments.js';
import { FormatError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { checkMissing, missingRecord, readMissing, type Missing } from '../../wasm/index.js';
import { readStatNumbers, statNumbers, statParts, statRecord, statsFrom, type StatNumbers } from './moments_file.js';
import { FIT_FIELDS, fieldLength, type SparseFit } from './sparse_cca_solve.js';

/** Options of SparseCCA. */
export interface SparseCCAOptions {
  /** number of sparse canonical pairs (default 1, as PMA's K; at most min(p, q)) */
  components?: number;
  /**
   * the L1 penalties [cx, cy] (one number: both), each in [1/√p, 1]: the weights' L1 norms are
   * at most cx·√p and cy·√q (Witten et al. 2009); 1 leaves a view unpenalised, 1/√p keeps one
   * weight. Default 0.3 each, raised to 1/√p for a view of fewer than 12 columns.
   */
  penalty?: number | readonly [number, number];
  /** standardise every column by its standard deviation (n − 1) before the fit, as PMA (default true; a constant column keeps 1) */
  scale?: boolean;
  /** rounds per component at most (default 1000; `converged` says which stopped there) */
  maxIterations?: number;
  /** a component has converged when no entry of v moves by tol or more in a round (default 1e-12) */
  tol?: number;
  /** a row with a NaN, null or undefined cell in X or Y: 'error' (the default) refuses it, 'drop' leaves it out (counted in `droppedRows`) */
  missing?: Missing;
}

/** Options of SparseCCA.toJSON. */
export interface SparseCCAToJSONOptions {
  /** also store the sufficient statistics, so the restored model can keep taking partialFit / merge (default false) */
  statistics?: boolean;
}

/** The options as validated (penalty null: the default). */
export interface SparseSettings {
  components: number;
  penalty: [number, number] | null;
  scale: boolean;
  maxIterations: number;
  tol: number;
  missing: Missing;
}

const isPenalty = (v: unknown): v is number => typeof v === 'number' && v > 0 && v <= 1;

/** A penalty option: one number or a pair, each in (0, 1] (the least, 1/√p, is checked at fit); null when undefined. */
export function checkPenalty(v: unknown, name = 'options.penalty'): [number, number] | null {
  if (v === undefined) return null;
  if (isPenalty(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && isPenalty(v[0]) && isPenalty(v[1])) return [v[0], v[1]];
  throw new ValueError(name, 'a penalty c in (0, 1] or a pair [cx, cy] (each at least 1/√ of its view\'s columns)', v);
}

export function checkSparseOptions(options: SparseCCAOptions | undefined): SparseSettings {
  const o = checkOptions(options ?? {}, ['components', 'penalty', 'scale', 'maxIterations', 'tol', 'missing']);
  const components = o.components ?? 1;
  if (typeof components !== 'number' || !Number.isInteger(components) || components < 1) throw new ValueError('options.components', 'an integer ≥ 1', components);
  const scale = o.scale ?? true;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  const maxIterations = o.maxIterations ?? 1000;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 1e7) throw new ValueError('options.maxIterations', 'an integer from 1 to 10⁷', maxIterations);
  const tol = o.tol ?? 1e-12;
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new ValueError('options.tol', 'a finite number > 0', tol);
  return { components, penalty: checkPenalty(o.penalty), scale, maxIterations, tol, missing: checkMissing(o.missing) };
}

const FORMAT = 'crossmodal.SparseCCA';

function checksum(m: SparseSettings, f: SparseFit, st: StatNumbers | null): number {
  const parts: (ArrayLike<number> | number)[] = [1, m.components, m.penalty ? 1 : 0, m.penalty ?? [], m.scale ? 1 : 0, m.maxIterations, m.tol, m.missing === 'drop' ? 1 : 0, f.n, f.p, f.q];
  for (const k of FIT_FIELDS) parts.push(f[k]);
  if (st) parts.push(...statParts(st));
  return crc32F64(...parts);
}

export function writeSparseFile(m: SparseSettings, f: SparseFit, stats: CoMoments | null): Record<string, unknown> {
  const out: Record<string, unknown> = { format: FORMAT, version: 1, components: m.components, penalty: m.penalty, scale: m.scale, maxIterations: m.maxIterations, tol: m.tol, ...missingRecord(m.missing), p: f.p, q: f.q, n: f.n };
  for (const k of FIT_FIELDS) out[k] = encodeF64(f[k]);
  const st = stats ? statNumbers(stats) : null;
  if (st) out.statistics = statRecord(st);
  out.crc32 = checksum(m, f, st);
  return out;
}

/** Reads toJSON() output, validating every field; `make` builds the model from the stored options. */
export function readSparseFile<M>(json: unknown, make: (o: SparseCCAOptions) => M): { model: M; fit: SparseFit; stats: CoMoments | null } {
  const o = readEnvelope(json, FORMAT, 1);
  const components = readInt(o, 'components', 1), p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), n = readInt(o, 'n', 2);
  if (components > Math.min(p, q)) throw new FormatError(`components: ${components} exceeds min(p, q) = ${Math.min(p, q)}`);
  if (typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
  let settings: SparseSettings;
  try {
    settings = checkSparseOptions({ components, penalty: o.penalty === null ? undefined : (o.penalty as [number, number]), scale: o.scale, maxIterations: o.maxIterations as number, tol: o.tol as number, missing: readMissing(o.missing) });
  } catch (e) {
    throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
  }
  if (o.penalty !== null && !Array.isArray(o.penalty)) throw new FormatError(`penalty: expected null or a pair [cx, cy], found ${JSON.stringify(o.penalty)}`);
  const fit = { n, p, q, k: components } as SparseFit;
  for (const f of FIT_FIELDS) fit[f] = decodeF64(o[f], fieldLength(f, p, q, components), f);
  const st = readStatNumbers(o.statistics, p, q);
  const want = checksum(settings, fit, st);
  if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  const { penalty, ...rest } = settings;
  return { model: make(penalty ? { ...rest, penalty } : rest), fit, stats: st ? statsFrom(st, p, q) : null };
}
