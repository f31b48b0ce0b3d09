/**
 * MultimodalAutoencoder's file format ('crossmodal.MultimodalAutoencoder', version 1): the
 * options, the modalities' widths and every network (each MLP's own file, with its CRC-32);
 * with `scale: true` also `scaler`, each modality's column means and scales (base64 float64,
 * one CRC-32). A file without `options.scale` (every file before it) is a scale: false model.
 */
import { MLP } from '../../nn/mlp.js';
import { FormatError } from '../../errors.js';
import { readEnvelope } from '../../serialize.js';
import { readScalers, writeScalers, type ColumnScaler } from './scaler.js';
import { allNets, buildNet, type Net } from './autoencoder_graph.js';
import { isWidths, optionsOf, type AutoencoderSettings, type MultimodalAutoencoderOptions } from './autoencoder_options.js';

const FORMAT = 'crossmodal.MultimodalAutoencoder';

/** The file of a fitted autoencoder: its settings and every network of its graph. */
export function writeAutoencoderFile(a: AutoencoderSettings, g: Net, scaler: readonly ColumnScaler[] | null = null): Record<string, unknown> {
  const file: Record<string, unknown> = {
    format: FORMAT,
    version: 1,
    options: optionsOf(a),
    widths: [...g.widths],
    encoders: g.encoders.map((e) => e.toJSON()),
    fusion: g.fusion.toJSON(),
    trunk: g.trunk.toJSON(),
    heads: g.heads.map((h) => h.toJSON()),
  };
  if (a.scale && scaler) file.scaler = writeScalers(scaler);
  return file;
}

/**
 * Reads toJSON() output (object or JSON string), validating every field: `make` builds the
 * model from the stored options (its errors become FormatErrors), and every network must have
 * the shape those options and the stored widths call for. Returns the model and its graph.
 */
export function readAutoencoderFile<M extends AutoencoderSettings>(json: unknown, make: (options: MultimodalAutoencoderOptions) => M): { model: M; net: Net; scaler: ColumnScaler[] | null } {
  const o = readEnvelope(json, FORMAT, 1);
  let model: M;
  try {
    model = make(o.options as MultimodalAutoencoderOptions);
  } catch (e) {
    throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
  }
  const widths = o.widths;
  if (!isWidths(widths) || widths.length < 2) throw new FormatError(`${FORMAT}: widths: expected at least two positive integer widths`);
  const m = widths.length;
  const list = (v: unknown, name: string) => {
    if (!Array.isArray(v) || v.length !== m) throw new FormatError(`${FORMAT}: ${name}: expected ${m} networks`);
    return v as unknown[];
  };
  const encJ = list(o.encoders, 'encoders'), headJ = list(o.heads, 'heads');
  if (!model.scale && o.scaler !== undefined) throw new FormatError(`${FORMAT}: scaler: present, but options.scale is not true`);
  const scaler = model.scale ? readScalers(o.scaler, widths, `${FORMAT}: scaler`) : null;
  // the networks the options and widths call for: every loaded one must have their shape
  let want: Net;
  try {
    want = buildNet(model, widths);
  } catch (e) {
    throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
  }
  const loaded: MLP[] = [];
  try {
    const load = (v: unknown, like: MLP, name: string) => {
      const net = MLP.fromJSON(v);
      loaded.push(net);
      const same = net.layers.length === like.layers.length && net.layers.every((w, i) => w === like.layers[i]) && net.activation === like.activation && net.outputActivation === like.outputActivation;
      if (!same) throw new FormatError(`${FORMAT}: ${name}: layers [${net.layers.join(', ')}] (${net.activation}/${net.outputActivation}) do not match the options (expected [${like.layers.join(', ')}], ${like.activation}/${like.outputActivation})`);
      net.eval();
      return net;
    };
    const encoders = encJ.map((v, j) => load(v, want.encoders[j]!, `encoders[${j}]`));
    const fusion = load(o.fusion, want.fusion, 'fusion');
    const trunk = load(o.trunk, want.trunk, 'trunk');
    const heads = headJ.map((v, j) => load(v, want.heads[j]!, `heads[${j}]`));
    const net: Net = { widths: [...widths], encoders, fusion, trunk, heads, cat: want.cat, fork: want.fork };
    for (const t of allNets(want)) t.dispose();
    return { model, net, scaler };
  } catch (e) {
    for (const t of loaded) t.dispose();
    for (const t of [...allNets(want), want.cat, want.fork]) t.dispose();
    throw e;
  }
}
