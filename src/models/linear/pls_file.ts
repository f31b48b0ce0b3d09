/**
 * The PLS models' options and file format ('crossmodal.PLSRegression', 'crossmodal.PLSCanonical',
 * 'crossmodal.PLSSVD', version 1): the options, every array of the fit as base64 little-endian
 * f64, optionally the sufficient statistics, and a CRC-32 over every stored number.
 */
import type { CoMoments } from '../../linalg/comoments.js';
import { FormatError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { checkMissing, missingRecord, readMissing, type Missing } from '../../wasm/index.js';
import { FIT_FIELDS, componentLimit, fieldLength, type PLSFit, type PLSKind } from './pls_solve.js';
import { readStatNumbers, statNumbers, statParts, statRecord, statsFrom, type StatNumbers } from './moments_file.js';

/** Options of PLSRegression, PLSCanonical and PLSSVD. */
export interface PLSOptions {
  /** number of components (default 2; PLSRegression at most p, PLSCanonical min(n, p, q), PLSSVD min(p, q)) */
  components?: number;
  /** standardise every column by its standard deviation (n − 1) before the fit, as scikit-learn (default true; a constant column keeps 1); every result applies to raw data */
  scale?: boolean;
  /** a row with a NaN, null or undefined cell in X or Y: 'error' (the default) refuses it, 'drop' leaves it out (counted in `droppedRows`) */
  missing?: Missing;
}
/** Options of PLSRegression (those of PLSOptions). */
export type PLSRegressionOptions = PLSOptions;
/** Options of PLSCanonical (those of PLSOptions). */
export type PLSCanonicalOptions = PLSOptions;
/** Options of PLSSVD (those of PLSOptions). */
export type PLSSVDOptions = PLSOptions;

/** Options of a PLS model's toJSON. */
export interface PLSToJSONOptions {
  /** also store the sufficient statistics, so the restored model can keep taking partialFit / merge (default false) */
  statistics?: boolean;
}

export interface PLSSettings {
  components: number;
  scale: boolean;
  missing: Missing;
}

export function checkPLSOptions(options: PLSOptions | undefined): PLSSettings {
  const o = checkOptions(options ?? {}, ['components', 'scale', 'missing']);
  const components = o.components ?? 2;
  if (typeof components !== 'number' || !Number.isInteger(components) || components < 1) throw new ValueError('options.components', 'an integer ≥ 1', components);
  const scale = o.scale ?? true;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  return { components, scale, missing: checkMissing(o.missing) };
}

const FORMATS: Record<PLSKind, string> = { regression: 'crossmodal.PLSRegression', canonical: 'crossmodal.PLSCanonical', svd: 'crossmodal.PLSSVD' };

function checksum(m: PLSSettings, f: PLSFit, kind: PLSKind, st: StatNumbers | null): number {
  const parts: (ArrayLike<number> | number)[] = [1, ['regression', 'canonical', 'svd'].indexOf(kind), m.components, m.scale ? 1 : 0, m.missing === 'drop' ? 1 : 0, f.n, f.p, f.q];
  for (const k of FIT_FIELDS) parts.push(f[k]);
  if (st) parts.push(...statParts(st));
  return crc32F64(...parts);
}

export function writePLSFile(kind: PLSKind, m: PLSSettings, f: PLSFit, stats: CoMoments | null): Record<string, unknown> {
  const out: Record<string, unknown> = { format: FORMATS[kind], version: 1, components: m.components, scale: m.scale, ...missingRecord(m.missing), p: f.p, q: f.q, n: f.n };
  for (const k of FIT_FIELDS) out[k] = encodeF64(f[k]);
  const st = stats ? statNumbers(stats) : null;
  if (st) out.statistics = statRecord(st);
  out.crc32 = checksum(m, f, kind, st);
  return out;
}

/** Reads toJSON() output of the given kind, validating every field; `make` builds the model from the stored options. */
export function readPLSFile<M>(json: unknown, kind: PLSKind, make: (o: PLSOptions) => M): { model: M; settings: PLSSettings; fit: PLSFit; stats: CoMoments | null } {
  const FORMAT = FORMATS[kind];
  const o = readEnvelope(json, FORMAT, 1);
  const components = readInt(o, 'components', 1), p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), n = readInt(o, 'n', 2);
  const limit = componentLimit(kind, p, q, n);
  if (components > limit) throw new FormatError(`components: ${components} exceeds ${limit}, the most PLS ${kind} allows here`);
  if (typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
  let settings: PLSSettings;
  let missing: Missing;
  try {
    missing = readMissing(o.missing);
    settings = checkPLSOptions({ components, scale: o.scale, missing });
  } catch (e) {
    throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
  }
  const fit = { n, p, q, k: components } as PLSFit;
  for (const f of FIT_FIELDS) fit[f] = decodeF64(o[f], fieldLength(f, kind, p, q, components), f);
  const st = readStatNumbers(o.statistics, p, q);
  const want = checksum(settings, fit, kind, st);
  if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  if (kind === 'svd') {
    fit.xRotations = fit.xWeights;
    fit.yRotations = fit.yWeights;
  }
  const model = make(settings);
  return { model, settings, fit, stats: st ? statsFrom(st, p, q) : null };
}
