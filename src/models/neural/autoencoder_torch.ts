/**
 * MultimodalAutoencoder from a PyTorch state dict (python/crossmodal_torch.py's
 * MultimodalAutoencoder): the names under the prefix checked, the widths read from the
 * tensors' shapes, and the weights copied into a graph built as fit builds it.
 */
import { MLP } from '../../nn/mlp.js';
import { checkTensors, type TorchTensors } from '../../nn/torch.js';
import { FormatError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { allNets, buildNet, type Net } from './autoencoder_graph.js';
import { OPTIONS, type AutoencoderSettings, type MultimodalAutoencoderFromTorchOptions, type MultimodalAutoencoderOptions } from './autoencoder_options.js';

/**
 * The model `make` builds from the options and the widths the tensors' shapes give, and its
 * graph holding the tensors' weights (see MultimodalAutoencoder.fromTorch for the names).
 * `make` is also called once on the options alone, to check them as the constructor does.
 */
export function readTorchAutoencoder<M extends AutoencoderSettings>(
  tensors: TorchTensors,
  options: MultimodalAutoencoderFromTorchOptions,
  make: (options: MultimodalAutoencoderOptions) => M,
): { model: M; net: Net } {
  const where = 'MultimodalAutoencoder.fromTorch: tensors'; // every refusal names the argument
  const shapes = ['hidden', 'code', 'decoderHidden'];
  if (options && typeof options === 'object')
    for (const k of shapes) if (k in options) throw new ValueError(`options.${k}`, 'no value: fromTorch reads the widths from the tensors', (options as Record<string, unknown>)[k]);
  const { prefix = '', ...rest } = checkOptions(options, [...OPTIONS.filter((k) => !shapes.includes(k)), 'prefix']);
  if (typeof prefix !== 'string') throw new ValueError('options.prefix', "a string such as 'autoencoder.'", prefix);
  make(rest); // the options checked as the constructor checks them (allocates nothing)
  checkTensors(tensors);
  // every name under the prefix: encoders.{j}.*, heads.{j}.*, fusion.* or trunk.*
  const found = { encoders: new Set<number>(), heads: new Set<number>() };
  for (const name of Object.keys(tensors)) {
    if (!name.startsWith(prefix)) continue;
    const rel = name.slice(prefix.length), m = /^(encoders|heads)\.(0|[1-9]\d*)\./.exec(rel);
    if (m) found[m[1] as 'encoders' | 'heads'].add(Number(m[2]));
    else if (!rel.startsWith('fusion.') && !rel.startsWith('trunk.'))
      throw new FormatError(`${where}: ${JSON.stringify(name)} is not a tensor of the autoencoder (expected ${prefix}encoders.{j}.*, ${prefix}fusion.*, ${prefix}trunk.* or ${prefix}heads.{j}.*)`);
  }
  // m modalities: encoders and heads numbered 0..m − 1, m the highest encoder's number + 1
  const m = found.encoders.size ? Math.max(...found.encoders) + 1 : 0;
  if (m < 2) throw new FormatError(`${where}: expected at least two encoders (${prefix}encoders.0.*, ${prefix}encoders.1.*), found ${found.encoders.size}`);
  for (const j of [...found.heads].sort((a, b) => a - b)) if (j >= m) throw new FormatError(`${where}: ${prefix}heads.${j}.* has no encoder (the highest is ${prefix}encoders.${m - 1}.*)`);
  for (let j = 0; j < m; j++)
    for (const group of ['encoders', 'heads'] as const) if (!found[group].has(j)) throw new FormatError(`${where}: ${prefix}${group}.${j}.* is missing (one encoder and one head per modality, numbered 0..${m - 1})`);
  const activation = rest.activation ?? 'leaky_relu';
  const read: MLP[] = [];
  const load = (name: string) => {
    const net = MLP.fromTorch(tensors, { prefix: `${prefix}${name}.`, activation });
    read.push(net);
    return net;
  };
  let net: Net | null = null;
  try {
    const encoders = Array.from({ length: m }, (_, j) => load(`encoders.${j}`));
    const fusion = load('fusion'), trunk = load('trunk');
    const heads = Array.from({ length: m }, (_, j) => load(`heads.${j}`));
    const widths = encoders.map((e) => e.layers[0]!), hidden = encoders.map((e) => e.layers.slice(1));
    const lasts = hidden.reduce((s, h) => s + h[h.length - 1]!, 0);
    const [fin, code] = fusion.layers as [number, number];
    if (fusion.layers.length !== 2) throw new FormatError(`${where}: ${prefix}fusion: expected one Linear layer (to the code), got ${fusion.layers.length - 1}`);
    if (fin !== lasts + m)
      throw new FormatError(`${where}: ${prefix}fusion.0.weight takes ${fin} inputs, expected ${lasts + m}: the encoders' last widths (${hidden.map((h) => h[h.length - 1]).join(' + ')}) and the ${m} columns of the presence mask`);
    if (trunk.layers[0] !== code) throw new FormatError(`${where}: ${prefix}trunk takes ${trunk.layers[0]} inputs, expected ${code} (the code, fusion's output)`);
    const t = trunk.layers[trunk.layers.length - 1]!;
    heads.forEach((h, j) => {
      if (h.layers.length !== 2) throw new FormatError(`${where}: ${prefix}heads.${j}: expected one Linear layer, got ${h.layers.length - 1}`);
      if (h.layers[0] !== t || h.layers[1] !== widths[j])
        throw new FormatError(`${where}: ${prefix}heads.${j}.0.weight: expected shape [${widths[j]}, ${t}] (modality ${j}'s width, from the trunk's ${t} outputs), got [${h.layers[1]}, ${h.layers[0]}]`);
    });
    const same = hidden.every((h) => h.length === hidden[0]!.length && h.every((w, i) => w === hidden[0]![i]));
    const model = make({ ...rest, hidden: same ? hidden[0]! : hidden, code, decoderHidden: trunk.layers.slice(1) });
    net = buildNet(model, widths);
    const built = allNets(net);
    [...encoders, fusion, trunk, ...heads].forEach((r, k) => built[k]!.parameters.set(r.parameters));
    for (const b of built) b.eval();
    const g = net;
    net = null;
    return { model, net: g };
  } finally {
    for (const r of read) r.dispose();
    if (net) for (const p of [...allNets(net), net.cat, net.fork]) p.dispose();
  }
}
