/**
 * KernelCCA's file format ('crossmodal.KernelCCA'): the options, the basis rows (all training
 * rows for an exact fit, the landmarks for Nyström, as given), the dual coefficients and
 * offsets as base64 f64, with a CRC-32 of every number.
 *
 * Version 2 adds `scale` and, with it, each view's standardisation (meanX, sdX, meanY, sdY;
 * null without it), all under the checksum; `gamma` is a number, a pair, 'median' or (linear
 * kernel) null. Version 1 files (before the median heuristic and `scale`) still load: their
 * gamma 'scale' was the old default 1/(p·variance of the raw view's entries), whose value the
 * file keeps (fittedGamma), so the model transforms exactly as before and reports gamma
 * 'variance'; such a model is written back as version 1, unchanged.
 */
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import type { Kernel, KernelCCAOptions, KernelCCASettings } from './kcca_options.js';
import { missingRecord, readMissing } from '../../wasm/index.js';
import type { Fit } from './kcca_fit.js';
import type { Standardisation } from './kcca_scale.js';

const FORMAT = 'crossmodal.KernelCCA';

/** The options as a version-1 file stores them (and its checksum reads them), in a fixed order. */
function optionsRecordV1(m: KernelCCASettings, legacy = m.gamma === 'variance'): Record<string, unknown> {
  return {
    kernel: m.kernel,
    // version 1 wrote 'scale' for the old default and for the linear kernel
    gamma: legacy || m.gamma === null ? 'scale' : m.gamma,
    degree: m.degree,
    coef0: m.coef0,
    regularization: m.regularization,
    components: m.components,
    approximation: m.approximation,
  };
}

/** The options as a version-2 file stores them, in a fixed order. */
function optionsRecord(m: KernelCCASettings): Record<string, unknown> {
  return {
    kernel: m.kernel,
    gamma: m.gamma,
    scale: m.scale,
    degree: m.degree,
    coef0: m.coef0,
    regularization: m.regularization,
    components: m.components,
    approximation: m.approximation,
  };
}

/** The file of a fitted KernelCCA: its settings and the fit (version 1 for a model of the old default γ, read from one). */
export function writeKCCAFile(m: KernelCCASettings, f: Fit): Record<string, unknown> {
  const v1 = m.gamma === 'variance';
  const s = f.scaling;
  const out: Record<string, unknown> = {
    format: FORMAT,
    version: v1 ? 1 : 2,
    ...(v1 ? optionsRecordV1(m) : optionsRecord(m)),
    ...missingRecord(m.missing),
    n: f.n,
    p: f.dims[0],
    q: f.dims[1],
    nb: f.nb,
    fittedGamma: f.gamma,
    ranks: f.ranks,
    landmarks: f.landmarks ? encodeF64(f.landmarks) : null,
    correlations: encodeF64(f.all),
    basisX: encodeF64(f.basis[0]),
    basisY: encodeF64(f.basis[1]),
    coefX: encodeF64(f.coef[0]),
    coefY: encodeF64(f.coef[1]),
    offsetX: encodeF64(f.offset[0]),
    offsetY: encodeF64(f.offset[1]),
  };
  if (!v1) {
    out.meanX = s ? encodeF64(s[0].mean) : null;
    out.sdX = s ? encodeF64(s[0].sd) : null;
    out.meanY = s ? encodeF64(s[1].mean) : null;
    out.sdY = s ? encodeF64(s[1].sd) : null;
  }
  out.crc32 = v1 ? fileChecksumV1(out, f) : fileChecksum(out, f);
  return out;
}

/**
 * Reads toJSON() output (object or JSON string), validating every field; `make` builds the
 * model from the stored options (its errors become FormatErrors). `legacy`: a version-1 file
 * of the old default γ (the model must report gamma 'variance' and no scale).
 */
export function readKCCAFile<M extends KernelCCASettings>(json: unknown, make: (options: KernelCCAOptions) => M): { model: M; fit: Fit; legacy: boolean } {
  const o = readEnvelope(json, FORMAT, 2);
  const v1 = o.version === 1;
  const nonLinear = o.kernel !== 'linear';
  if (!v1) {
    if (typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
    if (nonLinear ? o.gamma === null || (typeof o.gamma === 'string' && o.gamma !== 'median') : o.gamma !== null)
      throw new FormatError(`gamma: expected ${nonLinear ? "a number, a pair or 'median'" : 'null for the linear kernel'}, found ${JSON.stringify(o.gamma)}`);
  }
  const legacy = v1 && nonLinear && o.gamma === 'scale';
  let model: M;
  try {
    const opts: Record<string, unknown> = { kernel: o.kernel, regularization: o.regularization, components: o.components, approximation: o.approximation, missing: readMissing(o.missing) };
    if (o.kernel === 'polynomial') Object.assign(opts, { degree: o.degree, coef0: o.coef0 });
    if (v1) {
      if (nonLinear && o.gamma !== 'scale') opts.gamma = o.gamma;
      // a version-1 fit never standardised; the old default's model is built with the current
      // defaults (what a later fit() uses) and told it is legacy by the caller
      if (!legacy) opts.scale = false;
    } else {
      if (nonLinear && o.gamma !== 'median') opts.gamma = o.gamma;
      opts.scale = o.scale;
    }
    model = make(opts as KernelCCAOptions);
  } catch (e) {
    throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
  }
  const k = model.components;
  const n = readInt(o, 'n', 2), p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), nb = readInt(o, 'nb', 1);
  const exact = model.approximation === 'exact';
  if (exact ? nb !== n : nb !== (model.approximation as { nystrom: number }).nystrom || nb > n)
    throw new FormatError(`nb: ${nb} basis rows do not fit ${exact ? `an exact fit of ${n} rows` : `${(model.approximation as { nystrom: number }).nystrom} landmarks of ${n} rows`}`);
  const pair = (v: unknown, name: string, ok: (x: number) => boolean): [number, number] => {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && ok(x))) throw new FormatError(`${name}: expected a pair of numbers, found ${JSON.stringify(v)}`);
    return [v[0], v[1]];
  };
  const gamma = pair(o.fittedGamma, 'fittedGamma', (x) => Number.isFinite(x) && x >= 0);
  const ranks = pair(o.ranks, 'ranks', (x) => Number.isInteger(x) && x >= k && x <= nb);
  const all = decodeF64(o.correlations, Math.min(ranks[0], ranks[1]), 'correlations');
  let landmarks: Uint32Array | null = null;
  if (!exact) {
    const l = decodeF64(o.landmarks, nb, 'landmarks');
    if (!l.every((v, i) => Number.isInteger(v) && v >= 0 && v < n && (i === 0 || v > l[i - 1]!))) throw new FormatError(`landmarks: expected ${nb} ascending row indices below ${n}`);
    landmarks = Uint32Array.from(l);
  } else if (o.landmarks !== null) throw new FormatError(`landmarks: expected null for an exact fit, found ${typeof o.landmarks}`);
  const scaling: [Standardisation, Standardisation] | null = !v1 && model.scale ? [standardisationOf(o, 'X', p), standardisationOf(o, 'Y', q)] : null;
  if (!v1 && !scaling)
    for (const field of ['meanX', 'sdX', 'meanY', 'sdY']) if (o[field] !== null) throw new FormatError(`${field}: expected null without scale, found ${typeof o[field]}`);
  const f: Fit = {
    n,
    gamma,
    scaling,
    basis: [decodeF64(o.basisX, nb * p, 'basisX'), decodeF64(o.basisY, nb * q, 'basisY')],
    nb,
    dims: [p, q],
    coef: [decodeF64(o.coefX, nb * k, 'coefX'), decodeF64(o.coefY, nb * k, 'coefY')],
    offset: [decodeF64(o.offsetX, k, 'offsetX'), decodeF64(o.offsetY, k, 'offsetY')],
    all,
    ranks,
    landmarks,
  };
  const stored = { n, p, q, nb };
  const want = v1 ? fileChecksumV1({ ...optionsRecordV1(model, legacy), ...stored }, f) : fileChecksum({ ...optionsRecord(model), ...stored }, f);
  if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  return { model, fit: f, legacy };
}

/** One view's stored standardisation: `cols` means and positive standard deviations. */
function standardisationOf(o: Record<string, unknown>, view: 'X' | 'Y', cols: number): Standardisation {
  const mean = decodeF64(o[`mean${view}`], cols, `mean${view}`), sd = decodeF64(o[`sd${view}`], cols, `sd${view}`);
  const bad = sd.findIndex((v) => !(v > 0));
  if (bad >= 0) throw new FormatError(`sd${view}: value ${bad} is ${sd[bad]}, expected a positive standard deviation`);
  return { mean, sd };
}

/** γ's option as checksummed numbers: a value, a pair, or a code for a rule. */
function gammaNumbers(g: unknown): number[] {
  return g === 'scale' ? [-1] : g === 'median' ? [-2] : g === null ? [-3] : typeof g === 'number' ? [g] : (g as number[]);
}

/** CRC-32 over the options and every stored number, in a fixed order (version 2). */
function fileChecksum(o: Record<string, unknown>, f: Fit): number {
  const kernels: Kernel[] = ['rbf', 'polynomial', 'linear'];
  const r = typeof o.regularization === 'number' ? [o.regularization] : (o.regularization as number[]);
  const a = o.approximation === 'exact' ? [-1] : [(o.approximation as { nystrom: number }).nystrom, (o.approximation as { seed: number }).seed];
  const s = f.scaling;
  return crc32F64(
    kernels.indexOf(o.kernel as Kernel), gammaNumbers(o.gamma), o.scale ? 1 : 0, o.degree as number, o.coef0 as number, r, o.components as number, a,
    o.n as number, o.p as number, o.q as number, o.nb as number, f.gamma, f.ranks, f.landmarks ?? [], f.all,
    f.basis[0], f.basis[1], f.coef[0], f.coef[1], f.offset[0], f.offset[1],
    s ? s[0].mean : [], s ? s[0].sd : [], s ? s[1].mean : [], s ? s[1].sd : [],
  );
}

/** CRC-32 of a version-1 file (no scale, no standardisation), as version 1 computed it. */
function fileChecksumV1(o: Record<string, unknown>, f: Fit): number {
  const kernels: Kernel[] = ['rbf', 'polynomial', 'linear'];
  const g = o.gamma === 'scale' ? [-1] : typeof o.gamma === 'number' ? [o.gamma] : (o.gamma as number[]);
  const r = typeof o.regularization === 'number' ? [o.regularization] : (o.regularization as number[]);
  const a = o.approximation === 'exact' ? [-1] : [(o.approximation as { nystrom: number }).nystrom, (o.approximation as { seed: number }).seed];
  return crc32F64(
    kernels.indexOf(o.kernel as Kernel), g, o.degree as number, o.coef0 as number, r, o.components as number, a,
    o.n as number, o.p as number, o.q as number, o.nb as number, f.gamma, f.ranks, f.landmarks ?? [], f.all,
    f.basis[0], f.basis[1], f.coef[0], f.coef[1], f.offset[0], f.offset[1],
  );
}
