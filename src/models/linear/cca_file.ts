/**
 * CCA's file format ('crossmodal.CCA', version 4; versions 1 (0.1.0) to 3 still read): the
 * options, weights, means and correlations as base64 little-endian f64, optionally the
 * sufficient statistics, and a CRC-32 over every stored number in a fixed order.
 *
 * Version 3 came with the unit-free 'auto' (Schäfer–Strimmer shrinkage toward the diagonal,
 * whose statistics keep the fourth-order sums Q and T). An 'auto' file of version 1 or 2 was
 * fitted with Ledoit–Wolf's shrinkage toward μI: it loads as it was (its fit says target
 * 'identity'), and its statistics, which kept other fourth-moment terms, cannot continue an
 * 'auto' fit.
 *
 * Version 4 adds the structure loadings (D⁻¹·Σ·W and the columns' standard deviations D, for predict,
 * inverseTransform and the explained variance) and, for a partial CCA, the covariates' means
 * and coefficients (its statistics are then those of [X, Y] against Z). A file before version 4
 * gets its loadings from its statistics when it stored them, and has none otherwise.
 */
import { Matrix } from '../../wasm/index.js';
import { CoMoments, powerOfTwo, type ViewMoments, type WithoutFourth } from '../../linalg/comoments.js';
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { missingRecord, readMissing } from '../../wasm/index.js';
import { isRidge, type CCACrossValidationSettings, type CCAOptions, type CCASettings, type Regularization } from './cca_options.js';
import { loadingsOf, type CCAFit, type Loadings } from './cca_solve.js';
import type { Covariates } from './cca_partial.js';

const FORMAT = 'crossmodal.CCA';

/**
 * The file of a fitted CCA: its settings, the fit, the ridge 'cv' chose (`selected`), and the
 * statistics when they are to be stored (null: weights and means only).
 */
export function writeCCAFile(m: CCASettings, f: CCAFit, selected: [number, number] | null, stats: CoMoments | null, split: [number, number] | null): Record<string, unknown> {
  const L = f.loadings, c = f.covariates;
  if (!c !== !split) throw new FormatError(`${FORMAT}: the statistics and the fit disagree about covariates`);
  const out: Record<string, unknown> = {
    format: FORMAT,
    version: 4,
    components: m.components,
    regularization: m.regularization,
    scale: m.scale,
    ...missingRecord(m.missing),
    p: f.xWeights.rows,
    q: f.yWeights.rows,
    n: f.n,
    correlations: encodeF64(f.all),
    xMeans: encodeF64(f.xMeans),
    yMeans: encodeF64(f.yMeans),
    xWeights: encodeF64(f.xWeights.data),
    yWeights: encodeF64(f.yWeights.data),
    shrinkage: f.shrinkage,
    shrinkageTarget: f.target,
    // null: a fit read from a file before version 4 without statistics (it has none to store)
    loadings: L ? { x: encodeF64(L.x), y: encodeF64(L.y), xScales: encodeF64(L.xScales), yScales: encodeF64(L.yScales) } : null,
    covariates: c ? { r: c.means.length, means: encodeF64(c.means), coefficients: encodeF64(c.coefficients) } : null,
  };
  if (m.crossValidation) {
    out.crossValidation = { ...m.crossValidation };
    out.selected = [...selected!];
  }
  if (stats) {
    const s = stats;
    // Q and T (of the joined views) are null when not kept; `without` says why (and `external` marks statistics from fromMoments)
    const view = (v: ViewMoments) => ({ mean: encodeF64(v.mean), M: encodeF64(v.M.data) });
    out.statistics = { n: s.n, external: s.external, without: s.without, x: view(s.x), y: view(s.y), Mxy: encodeF64(s.Mxy.data), Q: s.Q ? encodeF64(s.Q.data) : null, T: s.T ? encodeF64(s.T.data) : null, F: s.F ? encodeF64(s.F) : null };
  }
  const st = stats;
  out.crc32 = checksum(
    { version: 4, target: f.target, reg: regNumbers(m, selected), scale: m.scale, n: f.n, p: f.xWeights.rows, q: f.yWeights.rows, components: m.components, all: f.all, xMeans: f.xMeans, yMeans: f.yMeans, xw: f.xWeights.data, yw: f.yWeights.data, shrinkage: f.shrinkage, loadings: L, covariates: c },
    st ? { n: st.n, external: st.external, without: st.without, x: [st.x.mean, st.x.M.data], y: [st.y.mean, st.y.M.data], Mxy: st.Mxy.data, Q: st.Q?.data ?? null, T: st.T?.data ?? null, F: st.F } : null,
  );
  return out;
}

/** What a CCA file holds, read and checked: the model `make` built from its options, the fit, the 'cv' choice and the statistics (if stored). */
export interface CCAFile<M> {
  model: M;
  fit: CCAFit;
  selected: [number, number] | null;
  stats: CoMoments | null;
  /** with covariates: [p, q] (the statistics are of [X, Y] against Z) */
  split: [number, number] | null;
}

/**
 * Reads toJSON() output (object or JSON string), validating every field; `make` builds the
 * model from the stored options (its errors become FormatErrors).
 */
export function readCCAFile<M extends CCASettings>(json: unknown, make: (options: CCAOptions) => M): CCAFile<M> {
  // version 1 (0.1.0) files carry no checksum and no `scale`; versions 2 and 3 must carry both
  const o = readEnvelope(json, FORMAT, 4);
  const version = o.version as number;
  const components = readInt(o, 'components', 1);
  const p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), n = readInt(o, 'n', 2);
  if (components > Math.min(p, q)) throw new FormatError(`components: ${components} exceeds min(p, q) = ${Math.min(p, q)}`);
  if (version >= 2 && typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
  let model: M;
  try {
    const cv = o.regularization === 'cv' ? { crossValidation: o.crossValidation as CCACrossValidationSettings } : {};
    model = make({ components, regularization: o.regularization as Regularization, scale: version >= 2 ? (o.scale as boolean) : false, missing: readMissing(o.missing), ...cv });
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
  const k = components;
  let loadings: Loadings | null = null, covariates: Covariates | null = null;
  if (version >= 4) {
    const l = o.loadings as Record<string, unknown> | null;
    if (l !== null) {
      if (!l || typeof l !== 'object') throw new FormatError(`loadings: expected null or an object { x, y, xScales, yScales }, found ${JSON.stringify(o.loadings)?.slice(0, 40)}`);
      loadings = { x: decodeF64(l.x, p * k, 'loadings.x'), y: decodeF64(l.y, q * k, 'loadings.y'), xScales: decodeF64(l.xScales, p, 'loadings.xScales'), yScales: decodeF64(l.yScales, q, 'loadings.yScales') };
      for (const v of [loadings.xScales, loadings.yScales]) if (!v.every((x) => x >= 0)) throw new FormatError('loadings: a negative standard deviation');
    }
    if (o.covariates !== null) {
      const c = o.covariates as Record<string, unknown>;
      if (!c || typeof c !== 'object') throw new FormatError(`covariates: expected null or an object { r, means, coefficients }, found ${JSON.stringify(o.covariates)?.slice(0, 40)}`);
      const r = readInt(c, 'r', 1);
      covariates = { means: decodeF64(c.means, r, 'covariates.means'), coefficients: decodeF64(c.coefficients, r * (p + q), 'covariates.coefficients') };
    }
  }
  const r = covariates ? covariates.means.length : 0;
  let statsDecoded: StatsNumbers | null = null;
  if (o.statistics !== undefined) {
    const s = o.statistics as Record<string, unknown>;
    if (!s || typeof s !== 'object') throw new FormatError('statistics: expected an object');
    // with covariates the statistics are of [X, Y] (p + q columns) against Z (r)
    statsDecoded = version >= 3 ? (r ? readStats(s, p + q, r) : readStats(s, p, q)) : readOldStats(s, p, q);
  }
  // an 'auto' file before version 3 was fitted with Ledoit–Wolf's target μI; from 3 on the file says
  let target: CCAFit['target'] = model.regularization === 'auto' ? 'identity' : null;
  if (version >= 3) {
    const t = o.shrinkageTarget;
    const want = model.regularization === 'auto' ? "'diagonal' or 'identity' (regularization 'auto')" : `null (regularization ${JSON.stringify(model.regularization)})`;
    if (model.regularization === 'auto' ? t !== 'diagonal' && t !== 'identity' : t !== null) throw new FormatError(`shrinkageTarget: expected ${want}, found ${JSON.stringify(t)}`);
    target = t as CCAFit['target'];
  }
  if (version >= 2) {
    const want = checksum({ version, target, reg: regNumbers(model, selected), scale: model.scale, n, p, q, components, all, xMeans, yMeans, xw, yw, shrinkage, loadings, covariates }, statsDecoded);
    if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  }
  const xWeights = Matrix.from({ data: xw, rows: p, cols: components }, 'xWeights');
  const yWeights = Matrix.from({ data: yw, rows: q, cols: components }, 'yWeights');
  const fit: CCAFit = { n, xWeights, yWeights, xMeans, yMeans, all, shrinkage, target, loadings, covariates };
  let stats: CoMoments | null = null;
  if (statsDecoded) {
    const d = statsDecoded;
    const st = r ? new CoMoments(p + q, r) : new CoMoments(p, q, d.without === null);
    st.n = d.n;
    st.external = d.external;
    if (d.without !== null) st.without = d.without;
    for (const [v, [mean, M]] of [[st.x, d.x], [st.y, d.y]] as const) {
      v.mean.set(mean);
      v.M.data.set(M);
    }
    st.Mxy.data.set(d.Mxy);
    if (st.Q && d.Q) st.Q.data.set(d.Q);
    if (st.T && d.T) st.T.data.set(d.T);
    if (st.F && d.F) st.F.set(d.F);
    stats = st;
    // before version 4: the loadings from the statistics (this fit solved them)
    if (!fit.loadings) fit.loadings = loadingsOf(st, xWeights, yWeights);
  }
  return { model, fit, selected, stats, split: r ? [p, q] : null };
}

/** A view's stored statistics: mean and M. */
type ViewNumbers = [ArrayLike<number>, ArrayLike<number>];
type StatsNumbers = { n: number; external: boolean; without: WithoutFourth; x: ViewNumbers; y: ViewNumbers; Mxy: ArrayLike<number>; Q: ArrayLike<number> | null; T: ArrayLike<number> | null; F: ArrayLike<number> | null };
const WITHOUT = ['not asked', 'moments', 'old file'] as const;

/** Version 3 statistics: n, external, without, per view mean and M, Mxy, and the joined views' Q and T (null exactly when `without` says why). */
function readStats(s: Record<string, unknown>, p: number, q: number): StatsNumbers {
  const n = readInt(s, 'n', 1);
  if (typeof s.external !== 'boolean') throw new FormatError(`statistics.external: expected true or false, found ${JSON.stringify(s.external)}`);
  const without = s.without;
  if (without !== null && !WITHOUT.includes(without as (typeof WITHOUT)[number]))
    throw new FormatError(`statistics.without: expected null or one of ${WITHOUT.map((w) => `'${w}'`).join(', ')}, found ${JSON.stringify(without)}`);
  const view = (v: unknown, d: number, name: string): ViewNumbers => {
    const r = v as Record<string, unknown>;
    if (!r || typeof r !== 'object') throw new FormatError(`${name}: expected an object`);
    return [decodeF64(r.mean, d, `${name}.mean`), decodeF64(r.M, d * d, `${name}.M`)];
  };
  const kept = without === null, P = p + q;
  for (const k of ['Q', 'T', 'F'] as const)
    if ((s[k] === null) === kept) throw new FormatError(`statistics.${k}: expected ${kept ? `the ${P}×${P} sums (statistics.without is null)` : `null (statistics.without is '${without}')`}, found ${JSON.stringify(s[k])?.slice(0, 40)}`);
  const Q = kept ? decodeF64(s.Q, P * P, 'statistics.Q') : null, T = kept ? decodeF64(s.T, P * P, 'statistics.T') : null;
  const F = kept ? decodeF64(s.F, P, 'statistics.F') : null;
  if (F && !F.every((v) => v > 0 && Number.isFinite(v) && powerOfTwo(v) === v))
    throw new FormatError(`statistics.F: expected positive powers of two (the units of Q and T), found ${JSON.stringify(Array.from(F).slice(0, 8))}`);
  return { n, external: s.external, without: without as WithoutFourth, x: view(s.x, p, 'statistics.x'), y: view(s.y, q, 'statistics.y'), Mxy: decodeF64(s.Mxy, p * q, 'statistics.Mxy'), Q, T, F };
}

/**
 * Version 1 and 2 statistics: per view mean, M and Ledoit–Wolf's terms s4 and t (both null:
 * statistics from fromMoments). The terms are checked and dropped: the 'auto' of today needs
 * other sums. Returned with the old terms for the checksum.
 */
function readOldStats(s: Record<string, unknown>, p: number, q: number): StatsNumbers & { old: [number, ArrayLike<number> | null][] } {
  const n = readInt(s, 'n', 1);
  const old: [number, ArrayLike<number> | null][] = [];
  let external = false;
  const view = (v: unknown, d: number, name: string): ViewNumbers => {
    const r = v as Record<string, unknown>;
    if (!r || typeof r !== 'object') throw new FormatError(`${name}: expected an object`);
    if (r.s4 === null && r.t === null) {
      external = true;
      old.push([NaN, null]);
    } else {
      if (typeof r.s4 !== 'number' || !Number.isFinite(r.s4)) throw new FormatError(`${name}.s4: expected a finite number (or null with t null: no fourth moments)`);
      old.push([r.s4, decodeF64(r.t, d, `${name}.t`)]);
    }
    return [decodeF64(r.mean, d, `${name}.mean`), decodeF64(r.M, d * d, `${name}.M`)];
  };
  const x = view(s.x, p, 'statistics.x'), y = view(s.y, q, 'statistics.y');
  return { n, external, without: external ? 'moments' : 'old file', x, y, Mxy: decodeF64(s.Mxy, p * q, 'statistics.Mxy'), Q: null, T: null, F: null, old };
}

/** The regularization's numbers for the checksum: 'auto' −1; 'cv' −2, the chosen pair, folds, seed and the grid (−1 for 'auto', −3 before a pair). */
function regNumbers(m: CCASettings, selected: [number, number] | null): number[] {
  const r = m.regularization, cv = m.crossValidation;
  if (r === 'auto') return [-1];
  if (r !== 'cv') return Array.isArray(r) ? [...r] : [r];
  const grid = cv!.regularization === 'auto' ? [-1] : cv!.regularization.flatMap((g) => (Array.isArray(g) ? [-3, g[0], g[1]] : [g]));
  return [-2, ...selected!, cv!.folds, cv!.seed, ...grid];
}

/** CRC-32 over every number a CCA file stores, in a fixed order (version 3 adds its number, and its statistics differ). */
function checksum(
  f: { version: number; target: CCAFit['target']; reg: number[]; scale: boolean; n: number; p: number; q: number; components: number; all: ArrayLike<number>; xMeans: ArrayLike<number>; yMeans: ArrayLike<number>; xw: ArrayLike<number>; yw: ArrayLike<number>; shrinkage: [number, number] | null; loadings?: Loadings | null; covariates?: Covariates | null },
  st: (StatsNumbers & { old?: [number, ArrayLike<number> | null][] }) | null,
): number {
  const parts: (ArrayLike<number> | number)[] = [f.reg, f.scale ? 1 : 0, f.n, f.p, f.q, f.components, f.all, f.xMeans, f.yMeans, f.xw, f.yw, f.shrinkage ?? []];
  if (f.version >= 3) parts.push(f.version, f.target === null ? -1 : f.target === 'diagonal' ? 0 : 1);
  if (f.version >= 4) {
    const L = f.loadings, c = f.covariates;
    parts.push(...(L ? [L.x, L.y, L.xScales, L.yScales] : [-1]), ...(c ? [c.means.length, c.means, c.coefficients] : [-1]));
  }
  if (st && st.old) {
    // version 2: unknown fourth moments hash as the marker −1 (s4 ≥ 0 otherwise)
    const view = ([mean, M]: ViewNumbers, [s4, t]: [number, ArrayLike<number> | null]): (ArrayLike<number> | number)[] => (t === null ? [mean, M, -1] : [mean, M, s4, t]);
    parts.push(st.n, ...view(st.x, st.old[0]!), ...view(st.y, st.old[1]!), st.Mxy);
  } else if (st) {
    parts.push(st.n, st.external ? 1 : 0, st.without === null ? -1 : WITHOUT.indexOf(st.without), ...st.x, ...st.y, st.Mxy, ...(st.Q && st.T && st.F ? [st.Q, st.T, st.F] : []));
  }
  return crc32F64(...parts);
}
