/**
 * MultimodalVAE from a PyTorch state dict: the names under the prefix checked, the widths
 * read from the tensors' shapes, the weights copied into networks built as fit builds them
 * (see MultimodalVAE.fromTorch for the names).
 */
import { MLP } from '../../nn/mlp.js';
import { checkTensors, type TorchTensors } from '../../nn/torch.js';
import { FormatError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { buildVae, disposeVae, type VaeNet } from './vae_nets.js';
import { VAE_OPTIONS, type MultimodalVAEFromTorchOptions, type MultimodalVAEOptions, type VAESettings } from './vae_options.js';

export function readTorchVAE<M extends VAESettings>(tensors: TorchTensors, options: MultimodalVAEFromTorchOptions, make: (o: MultimodalVAEOptions) => M): { model: M; net: VaeNet } {
  const where = 'MultimodalVAE.fromTorch: tensors';
  const shapes = ['hidden', 'latent'];
  if (options && typeof options === 'object')
    for (const k of shapes) if (k in options) throw new ValueError(`options.${k}`, 'no value: fromTorch reads the widths from the tensors', (options as Record<string, unknown>)[k]);
  if (options && typeof options === 'object' && 'scale' in options)
    throw new ValueError('options.scale', 'no value: fromTorch reads no column statistics (pass data in the units the PyTorch networks were trained on)', (options as { scale?: unknown }).scale);
  const { prefix = '', ...rest } = checkOptions(options, [...VAE_OPTIONS.filter((k) => !shapes.includes(k) && k !== 'scale'), 'prefix']);
  if (typeof prefix !== 'string') throw new ValueError('options.prefix', "a string such as 'vae.'", prefix);
  make(rest); // the options checked as the constructor checks them
  checkTensors(tensors);
  const found = { encoders: new Set<number>(), decoders: new Set<number>() };
  for (const name of Object.keys(tensors)) {
    if (!name.startsWith(prefix)) continue;
    const rel = name.slice(prefix.length);
    const net = /^(encoders|decoders)\.(0|[1-9]\d*)\./.exec(rel);
    if (net) found[net[1] as 'encoders' | 'decoders'].add(Number(net[2]));
    else if (rel !== 'log_scales') throw new FormatError(`${where}: ${JSON.stringify(name)} is not a tensor of the VAE (expected ${prefix}encoders.{v}.*, ${prefix}decoders.{v}.* or ${prefix}log_scales)`);
  }
  const m = found.encoders.size ? Math.max(...found.encoders) + 1 : 0;
  if (m < 2) throw new FormatError(`${where}: expected at least two encoders (${prefix}encoders.0.*, ${prefix}encoders.1.*), found ${found.encoders.size}`);
  if (m > 30) throw new FormatError(`${where}: at most 30 views, found encoders up to ${prefix}encoders.${m - 1}.*`);
  for (let v = 0; v < m; v++)
    for (const group of ['encoders', 'decoders'] as const) if (!found[group].has(v)) throw new FormatError(`${where}: ${prefix}${group}.${v}.* is missing (one encoder and one decoder per view, numbered 0..${m - 1})`);
  for (const v of found.decoders) if (v >= m) throw new FormatError(`${where}: view ${v} has no encoder (the highest is ${prefix}encoders.${m - 1}.*)`);
  const activation = rest.activation ?? 'leaky_relu';
  const read: MLP[] = [];
  const load = (name: string) => {
    let r: MLP;
    try {
      r = MLP.fromTorch(tensors, { prefix: `${prefix}${name}.`, activation });
    } catch (e) {
      throw new FormatError(`${where}: ${prefix}${name}: ${(e as Error).message}`);
    }
    read.push(r);
    return r;
  };
  let net: VaeNet | null = null;
  try {
    const enc = Array.from({ length: m }, (_, v) => load(`encoders.${v}`));
    const dec = Array.from({ length: m }, (_, v) => load(`decoders.${v}`));
    const widths = enc.map((e) => e.layers[0]!), hidden = enc[0]!.layers.slice(1, -1);
    const out = enc[0]!.layers[enc[0]!.layers.length - 1]!;
    if (out % 2) throw new FormatError(`${where}: ${prefix}encoders.0 has ${out} outputs: expected 2 × latent (means, then log-variances)`);
    const L = out / 2;
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((w, i) => w === b[i]);
    enc.forEach((e, v) => {
      if (!same(e.layers.slice(1), [...hidden, 2 * L])) throw new FormatError(`${where}: ${prefix}encoders.${v}: widths [${e.layers.join(', ')}], expected [${widths[v]}, ${[...hidden, 2 * L].join(', ')}] (as encoders.0)`);
    });
    dec.forEach((d, v) => {
      const want = [L, ...hidden.slice().reverse(), widths[v]!];
      if (!same(d.layers, want)) throw new FormatError(`${where}: ${prefix}decoders.${v}: widths [${d.layers.join(', ')}], expected [${want.join(', ')}] (latent, the encoders' hidden widths reversed, view ${v}'s width)`);
    });
    const model = make({ ...rest, hidden, latent: L });
    net = buildVae(model, widths);
    [...net.encoders, ...net.decoders].forEach((t, k) => t.parameters.set([...enc, ...dec][k]!.parameters));
    // log_scales: one value per view (those of views without a learned scale unused), only with a learned scale
    const name = `${prefix}log_scales`, t = tensors[name];
    if (!net.scales) {
      if (t) throw new FormatError(`${where}: ${name}: no view is a Gaussian of learned scale (likelihood ${JSON.stringify(rest.likelihood ?? 'bernoulli')})`);
    } else {
      if (!t) throw new FormatError(`${where}: ${name} is missing (a view is a Gaussian of learned scale)`);
      const shape = Array.isArray(t.shape) ? t.shape : [];
      if (shape.length !== 1 || shape[0] !== m || t.data?.length !== m) throw new FormatError(`${where}: ${name}: expected shape [${m}] (log s of each view), got [${shape.join(', ')}]`);
      for (let v = 0; v < m; v++) if (!Number.isFinite(t.data[v])) throw new FormatError(`${where}: ${name}[${v}] is ${t.data[v]}`);
      net.scales.parameters.set(Float32Array.from(t.data));
    }
    for (const t of [...net.encoders, ...net.decoders]) t.eval();
    const g = net;
    net = null;
    return { model, net: g };
  } finally {
    for (const r of read) r.dispose();
    if (net) disposeVae(net);
  }
}
