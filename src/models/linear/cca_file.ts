/**
 * CCA's file format ('crossmodal.CCA', version 2; version 1 files of 0.1.0 still read): the
 * options, weights, means and correlations as base64 little-endian f64, optionally the
 * sufficient statistics, and a CRC-32 over every stored number in a fixed order.
 */
import { Matrix } from '../../wasm/index.js';
import { CoMoments, type ViewMoments } from '../../linalg/comoments.js';
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { isRidge, type CCACrossValidationSettings, type CCAOptions, type CCASettings, type Regularization } from './cca_options.js';
import type { CCAFit } from './cca_solve.js';

const FORMAT = 'crossmodal.CCA';

/**
 * The file of a fitted CCA: its settings, the fit, the ridge 'cv' chose (`selected`), and the
 * statistics when they are to be stored (null: weights and means only).
 */
export function writeCCAFile(m: CCASettings, f: CCAFit, selected: [number, number] | null, stats: CoMoments | null): Record<string, unknown> {
  const out: Record<string, unknown> = {
    format: FORMAT,
    version: 2,
    components: m.components,
    regularization: m.regularization,
    scale: m.scale,
    p: f.xWeights.rows,
    q: f.yWeights.rows,
    n: f.n,
    correlations: encodeF64(f.all),
    xMeans: encodeF64(f.xMeans),
    yMeans: encodeF64(f.yMeans),
    xWeights: encodeF64(f.xWeights.data),
    yWeights: encodeF64(f.yWeights.data),
    shrinkage: f.shrinkage,
  };
  if (m.crossValidation) {
    out.crossValidation = { ...m.crossValidation };
    out.selected = [...selected!];
  }
  if (stats) {
    const s = stats;
    // statistics from fromMoments have no fourth moments (NaN): stored as null
    const view = (v: ViewMoments) => ({ mean: encodeF64(v.mean), M: encodeF64(v.M.data), s4: Number.isNaN(v.s4) ? null : v.s4, t: Number.isNaN(v.s4) ? null : encodeF64(v.t) });
    out.statistics = { n: s.n, x: view(s.x), y: view(s.y), Mxy: encodeF64(s.Mxy.data) };
  }
  const st = stats;
  out.crc32 = checksum(
    { reg: regNumbers(m, selected), scale: m.scale, n: f.n, p: f.xWeights.rows, q: f.yWeights.rows, components: m.components, all: f.all, xMeans: f.xMeans, yMeans: f.yMeans, xw: f.xWeights.data, yw: f.yWeights.data, shrinkage: f.shrinkage },
    st ? { n: st.n, x: [st.x.mean, st.x.M.data, st.x.s4, st.x.t], y: [st.y.mean, st.y.M.data, st.y.s4, st.y.t], Mxy: st.Mxy.data } : null,
  );
  return out;
}

/** What a CCA file holds, read and checked: the model `make` built from its options, the fit, the 'cv' choice and the statistics (if stored). */
export interface CCAFile<M> {
  model: M;
  fit: CCAFit;
  selected: [number, number] | null;
  stats: CoMoments | null;
}

/**
 * Reads toJSON() output (object or JSON string), validating every field; `make` builds the
 * model from the stored options (its errors become FormatErrors).
 */
export function readCCAFile<M extends CCASettings>(json: unknown, make: (options: CCAOptions) => M): CCAFile<M> {
  // version 1 (0.1.0) files carry no checksum and no `scale`; version 2 files must carry both
  const o = readEnvelope(json, FORMAT, 2);
  const components = readInt(o, 'components', 1);
  const p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), n = readInt(o, 'n', 2);
  if (components > Math.min(p, q)) throw new FormatError(`components: ${components} exceeds min(p, q) = ${Math.min(p, q)}`);
  if (o.version === 2 && typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
  let model: M;
  try {
    const cv = o.regularization === 'cv' ? { crossValidation: o.crossValidation as CCACrossValidationSettings } : {};
    model = make({ components, regularization: o.regularization as Regularization, scale: o.version === 2 ? (o.scale as boolean) : false, ...cv });
  } catch (e) {
    throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
  }
  let selected: [number, number] | null = null;
  if (model.regularization === 'cv') {
    const v = o.selected;
    if (!Array.isArray(v) || v.length !== 2 || !v.every(isRidge)) throw new FormatError(`selected: expected the pair of ridges cross-validation chose, found ${JSON.stringify(v)}`);
    selected = [v[0] as number, v[1] as number];
  }
  const all = decodeF64(o.correlations, Math.min(p, q), 'correlations');
  const xMeans = decodeF64(o.xMeans, p, 'xMeans'), yMeans = decodeF64(o.yMeans, q, 'yMeans');
  const xw = decodeF64(o.xWeights, p * components, 'xWeights'), yw = decodeF64(o.yWeights, q * components, 'yWeights');
  let shrinkage: [number, number] | null = null;
  if (o.shrinkage !== null && o.shrinkage !== undefined) {
    const s = o.shrinkage as unknown[];
    if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => typeof v === 'number' && v >= 0 && v <= 1))
      throw new FormatError(`shrinkage: expected null or two numbers in [0, 1], found ${JSON.stringify(o.shrinkage)}`);
    shrinkage = [s[0] as number, s[1] as number];
  }
  let statsDecoded: null | { n: number; x: ViewNumbers; y: ViewNumbers; Mxy: Float64Array } = null;
  if (o.statistics !== undefined) {
    const s = o.statistics as Record<string, unknown>;
    if (!s || typeof s !== 'object') throw new FormatError('statistics: expected an object');
    const sn = readInt(s, 'n', 1);
    const rv = (v: unknown, d: number, name: string): [Float64Array, Float64Array, number, Float64Array] => {
      const r = v as Record<string, unknown>;
      if (!r || typeof r !== 'object') throw new FormatError(`${name}: expected an object`);
      if (r.s4 === null && r.t === null) return [decodeF64(r.mean, d, `${name}.mean`), decodeF64(r.M, d * d, `${name}.M`), NaN, new Float64Array(d).fill(NaN)];
      if (typeof r.s4 !== 'number' || !Number.isFinite(r.s4)) throw new FormatError(`${name}.s4: expected a finite number (or null with t null: no fourth moments)`);
      return [decodeF64(r.mean, d, `${name}.mean`), decodeF64(r.M, d * d, `${name}.M`), r.s4, decodeF64(r.t, d, `${name}.t`)];
    };
    statsDecoded = { n: sn, x: rv(s.x, p, 'statistics.x'), y: rv(s.y, q, 'statistics.y'), Mxy: decodeF64(s.Mxy, p * q, 'statistics.Mxy') };
  }
  if (o.version === 2) {
    const want = checksum({ reg: regNumbers(model, selected), scale: model.scale, n, p, q, components, all, xMeans, yMeans, xw, yw, shrinkage }, statsDecoded);
    if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  }
  const xWeights = Matrix.from({ data: xw, rows: p, cols: components }, 'xWeights');
  const yWeights = Matrix.from({ data: yw, rows: q, cols: components }, 'yWeights');
  const fit: CCAFit = { n, xWeights, yWeights, xMeans, yMeans, all, shrinkage };
  let stats: CoMoments | null = null;
  if (statsDecoded) {
    const st = new CoMoments(p, q);
    st.n = statsDecoded.n;
    for (const [v, d] of [[st.x, statsDecoded.x], [st.y, statsDecoded.y]] as const) {
      v.mean.set(d[0]);
      v.M.data.set(d[1]);
      v.s4 = d[2];
      v.t.set(d[3]);
    }
    st.Mxy.data.set(statsDecoded.Mxy);
    stats = st;
  }
  return { model, fit, selected, stats };
}

type ViewNumbers = [ArrayLike<number>, ArrayLike<number>, number, ArrayLike<number>];

/** The regularization's numbers for the checksum: 'auto' −1; 'cv' −2, the chosen pair, folds, seed and the grid (−1 for 'auto', −3 before a pair). */
function regNumbers(m: CCASettings, selected: [number, number] | null): number[] {
  const r = m.regularization, cv = m.crossValidation;
  if (r === 'auto') return [-1];
  if (r !== 'cv') return Array.isArray(r) ? [...r] : [r];
  const grid = cv!.regularization === 'auto' ? [-1] : cv!.regularization.flatMap((g) => (Array.isArray(g) ? [-3, g[0], g[1]] : [g]));
  return [-2, ...selected!, cv!.folds, cv!.seed, ...grid];
}

/** CRC-32 over every number a CCA file stores, in a fixed order. */
function checksum(
  f: { reg: number[]; scale: boolean; n: number; p: number; q: number; components: number; all: ArrayLike<number>; xMeans: ArrayLike<number>; yMeans: ArrayLike<number>; xw: ArrayLike<number>; yw: ArrayLike<number>; shrinkage: [number, number] | null },
  st: { n: number; x: ViewNumbers; y: ViewNumbers; Mxy: ArrayLike<number> } | null,
): number {
  const parts: (ArrayLike<number> | number)[] = [f.reg, f.scale ? 1 : 0, f.n, f.p, f.q, f.components, f.all, f.xMeans, f.yMeans, f.xw, f.yw, f.shrinkage ?? []];
  // unknown fourth moments (NaN, from fromMoments) hash as the marker −1 (s4 ≥ 0 otherwise), whatever the NaN's bits
  const view = ([mean, M, s4, t]: ViewNumbers): (ArrayLike<number> | number)[] => (Number.isNaN(s4) ? [mean, M, -1] : [mean, M, s4, t]);
  if (st) parts.push(st.n, ...view(st.x), ...view(st.y), st.Mxy);
  return crc32F64(...parts);
}
