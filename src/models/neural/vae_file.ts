/**
 * MultimodalVAE's file format ('crossmodal.MultimodalVAE', version 1): the options, the
 * views' widths, every encoder and decoder (each MLP's own file, with its CRC-32) and, with a
 * Gaussian view of learned scale, `logScale`: one log s per view (base64 f32 and a CRC-32);
 * with scale: true, `scaler`: each view's column means and scales (base64 f64, a CRC-32).
 */
import { MLP } from '../../nn/mlp.js';
import { FormatError } from '../../errors.js';
import { crc32, decodeF32, encodeF32, readEnvelope } from '../../serialize.js';
import { buildVae, disposeVae, type VaeNet } from './vae_nets.js';
import { readScalers, writeScalers, type ColumnScaler } from './scaler.js';
import { vaeOptionsOf, type MultimodalVAEOptions, type VAESettings } from './vae_options.js';

const FORMAT = 'crossmodal.MultimodalVAE';

/** The file of a fitted MultimodalVAE. */
export function writeVAEFile(s: VAESettings, g: VaeNet, scaler: readonly ColumnScaler[] | null = null): Record<string, unknown> {
  const file: Record<string, unknown> = {
    format: FORMAT,
    version: 1,
    options: vaeOptionsOf(s),
    widths: [...g.widths],
    encoders: g.encoders.map((e) => e.toJSON()),
    decoders: g.decoders.map((d) => d.toJSON()),
  };
  if (g.scales) {
    const p = g.scales.parameters.slice();
    file.logScale = { values: encodeF32(p), crc32: crc32(p) };
  }
  if (scaler) file.scaler = writeScalers(scaler);
  return file;
}

/**
 * Reads toJSON() output (object or JSON string), validating every field: `make` builds the
 * model from the stored options (its errors become FormatErrors); every network must have the
 * shape those options and the widths call for. Returns the model and its networks.
 */
export function readVAEFile<M extends VAESettings>(json: unknown, make: (o: MultimodalVAEOptions) => M): { model: M; net: VaeNet; scaler: ColumnScaler[] | null } {
  const o = readEnvelope(json, FORMAT, 1);
  let model: M;
  try {
    model = make(o.options as MultimodalVAEOptions);
  } catch (e) {
    throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
  }
  const widths = o.widths;
  if (!Array.isArray(widths) || widths.length < 2 || widths.length > 30 || !widths.every((w) => Number.isInteger(w) && w >= 1))
    throw new FormatError(`${FORMAT}: widths: expected 2 to 30 positive integer widths`);
  const m = widths.length;
  const list = (v: unknown, name: string) => {
    if (!Array.isArray(v) || v.length !== m) throw new FormatError(`${FORMAT}: ${name}: expected ${m} networks`);
    return v as unknown[];
  };
  const encJ = list(o.encoders, 'encoders'), decJ = list(o.decoders, 'decoders');
  let net: VaeNet;
  try {
    net = buildVae(model, widths as number[]);
  } catch (e) {
    throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
  }
  try {
    const load = (v: unknown, into: MLP, name: string) => {
      let r: MLP;
      try {
        r = MLP.fromJSON(v);
      } catch (e) {
        throw new FormatError(`${FORMAT}: ${name}: ${(e as Error).message}`);
      }
      try {
        const same = r.layers.length === into.layers.length && r.layers.every((w, i) => w === into.layers[i]) && r.activation === into.activation && r.outputActivation === into.outputActivation;
        if (!same) throw new FormatError(`${FORMAT}: ${name}: layers [${r.layers.join(', ')}] (${r.activation}/${r.outputActivation}) do not match the options (expected [${into.layers.join(', ')}], ${into.activation}/${into.outputActivation})`);
        into.parameters.set(r.parameters);
        into._setRngState(r._rngState());
      } finally {
        r.dispose();
      }
    };
    encJ.forEach((v, j) => load(v, net.encoders[j]!, `encoders[${j}]`));
    decJ.forEach((v, j) => load(v, net.decoders[j]!, `decoders[${j}]`));
    if (net.scales) {
      const ls = o.logScale as { values?: unknown; crc32?: unknown } | undefined;
      if (!ls || typeof ls !== 'object') throw new FormatError(`${FORMAT}: logScale: expected { values, crc32 } (a Gaussian view of learned scale)`);
      const p = decodeF32(ls.values, m, `${FORMAT}: logScale.values`);
      if (crc32(p) !== ls.crc32) throw new FormatError(`${FORMAT}: logScale: checksum mismatch (stored ${JSON.stringify(ls.crc32)}, computed ${crc32(p)}): the file was altered or truncated`);
      net.scales.parameters.set(p);
    } else if (o.logScale !== undefined) throw new FormatError(`${FORMAT}: logScale: present, but no view is a Gaussian of learned scale`);
    // scale: true: each view's standardisation (base64 f64 with a CRC-32)
    if (model.scale !== (o.scaler !== undefined)) throw new FormatError(`${FORMAT}: scaler: ${model.scale ? 'missing (options.scale is true)' : 'present, but options.scale is not true'}`);
    const scaler = model.scale ? readScalers(o.scaler, widths as number[], `${FORMAT}: scaler`) : null;
    for (const t of [...net.encoders, ...net.decoders]) t.eval();
    return { model, net, scaler };
  } catch (e) {
    disposeVae(net);
    throw e;
  }
}
