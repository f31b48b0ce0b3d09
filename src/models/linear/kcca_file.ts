/**
 * KernelCCA's file format ('crossmodal.KernelCCA', version 1): the options, the basis rows (all
 * training rows for an exact fit, the landmarks for Nyström), the dual coefficients and offsets
 * as base64 f64, with a CRC-32 of every number.
 */
import { FormatError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import type { Kernel, KernelCCAOptions, KernelCCASettings } from './kcca_options.js';
import type { Fit } from './kcca_fit.js';

const FORMAT = 'crossmodal.KernelCCA';

/** The options as a file stores them (and its checksum reads them), in a fixed order. */
function optionsRecord(m: KernelCCASettings): Record<string, unknown> {
  return {
    kernel: m.kernel,
    gamma: m.gamma,
    degree: m.degree,
    coef0: m.coef0,
    regularization: m.regularization,
    components: m.components,
    approximation: m.approximation,
  };
}

/** The file of a fitted KernelCCA: its settings and the fit. */
export function writeKCCAFile(m: KernelCCASettings, f: Fit): Record<string, unknown> {
  const out: Record<string, unknown> = {
    format: FORMAT,
    version: 1,
    ...optionsRecord(m),
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
  out.crc32 = fileChecksum(out, f);
  return out;
}

/**
 * Reads toJSON() output (object or JSON string), validating every field; `make` builds the
 * model from the stored options (its errors become FormatErrors).
 */
export function readKCCAFile<M extends KernelCCASettings>(json: unknown, make: (options: KernelCCAOptions) => M): { model: M; fit: Fit } {
  const o = readEnvelope(json, FORMAT, 1);
  let model: M;
  try {
    const opts: Record<string, unknown> = { kernel: o.kernel, regularization: o.regularization, components: o.components, approximation: o.approximation };
    if (o.kernel === 'polynomial') Object.assign(opts, { degree: o.degree, coef0: o.coef0 });
    if (o.kernel !== 'linear' && o.gamma !== 'scale') opts.gamma = o.gamma;
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
  const f: Fit = {
    n,
    gamma,
    basis: [decodeF64(o.basisX, nb * p, 'basisX'), decodeF64(o.basisY, nb * q, 'basisY')],
    nb,
    dims: [p, q],
    coef: [decodeF64(o.coefX, nb * k, 'coefX'), decodeF64(o.coefY, nb * k, 'coefY')],
    offset: [decodeF64(o.offsetX, k, 'offsetX'), decodeF64(o.offsetY, k, 'offsetY')],
    all,
    ranks,
    landmarks,
  };
  const want = fileChecksum({ ...optionsRecord(model), n, p, q, nb }, f);
  if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  return { model, fit: f };
}

/** CRC-32 over the options and every stored number, in a fixed order. */
function fileChecksum(o: Record<string, unknown>, f: Fit): number {
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
