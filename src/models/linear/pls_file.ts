/**
 * The PLS models' options and file format ('crossmodal.PLSRegression', 'crossmodal.PLSCanonical',
 * 'crossmodal.PLSSVD', version 1): the options, every array of the fit as base64 little-endian
 * f64, optionally the sufficient statistics, and a CRC-32 over every stored number.
 */
import { CoMoments } from '../../linalg/comoments.js';
import { FormatError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { checkMissing, missingRecord, readMissing, type Missing } from '../../wasm/index.js';
import { FIT_FIELDS, componentLimit, fieldLength, type PLSFit, type PLSKind } from './pls_solve.js';

export interface PLSOptions {
  /** number of components (default 2; PLSRegression at most p, PLSCanonical min(n, p, q), PLSSVD min(p, q)) */
  components?: number;
  /** standardise every column by its standard deviation (n − 1) before the fit, as scikit-learn (default true; a constant column keeps 1); every result applies to raw data */
  scale?: boolean;
  /** a row with a NaN, null or undefined cell in X or Y: 'error' (the default) refuses it, 'drop' leaves it out (counted in `droppedRows`) */
  missing?: Missing;
}
export type PLSRegressionOptions = PLSOptions;
export type PLSCanonicalOptions = PLSOptions;
export type PLSSVDOptions = PLSOptions;

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

type StatNumbers = { n: number; external: boolean; xm: Float64Array; xM: Float64Array; ym: Float64Array; yM: Float64Array; Mxy: Float64Array };

function checksum(m: PLSSettings, f: PLSFit, kind: PLSKind, st: StatNumbers | null): number {
  const parts: (ArrayLike<number> | number)[] = [1, ['regression', 'canonical', 'svd'].indexOf(kind), m.components, m.scale ? 1 : 0, m.missing === 'drop' ? 1 : 0, f.n, f.p, f.q];
  for (const k of FIT_FIELDS) parts.push(f[k]);
  if (st) parts.push(st.n, st.external ? 1 : 0, st.xm, st.xM, st.ym, st.yM, st.Mxy);
  return crc32F64(...parts);
}

export function writePLSFile(kind: PLSKind, m: PLSSettings, f: PLSFit, stats: CoMoments | null): Record<string, unknown> {
  const out: Record<string, unknown> = { format: FORMATS[kind], version: 1, components: m.components, scale: m.scale, ...missingRecord(m.missing), p: f.p, q: f.q, n: f.n };
  for (const k of FIT_FIELDS) out[k] = encodeF64(f[k]);
  let st: StatNumbers | null = null;
  if (stats) {
    st = { n: stats.n, external: stats.external, xm: stats.x.mean, xM: stats.x.M.toFloat64Array(), ym: stats.y.mean, yM: stats.y.M.toFloat64Array(), Mxy: stats.Mxy.toFloat64Array() };
    out.statistics = { n: st.n, external: st.external, xMean: encodeF64(st.xm), xM: encodeF64(st.xM), yMean: encodeF64(st.ym), yM: encodeF64(st.yM), Mxy: encodeF64(st.Mxy) };
  }
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
  let st: StatNumbers | null = null;
  if (o.statistics !== undefined) {
    const s = o.statistics as Record<string, unknown>;
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new FormatError('statistics: expected an object');
    if (typeof s.external !== 'boolean') throw new FormatError(`statistics.external: expected true or false, found ${JSON.stringify(s.external)}`);
    st = { n: readInt(s, 'n', 1), external: s.external, xm: decodeF64(s.xMean, p, 'statistics.xMean'), xM: decodeF64(s.xM, p * p, 'statistics.xM'), ym: decodeF64(s.yMean, q, 'statistics.yMean'), yM: decodeF64(s.yM, q * q, 'statistics.yM'), Mxy: decodeF64(s.Mxy, p * q, 'statistics.Mxy') };
  }
  const want = checksum(settings, fit, kind, st);
  if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  if (kind === 'svd') {
    fit.xRotations = fit.xWeights;
    fit.yRotations = fit.yWeights;
  }
  const model = make(settings);
  let stats: CoMoments | null = null;
  if (st) {
    stats = new CoMoments(p, q);
    stats.n = st.n;
    stats.external = st.external;
    stats.without = 'moments';
    stats.x.mean.set(st.xm);
    stats.x.M.data.set(st.xM);
    stats.y.mean.set(st.ym);
    stats.y.M.data.set(st.yM);
    stats.Mxy.data.set(st.Mxy);
  }
  return { model, settings, fit, stats };
}
