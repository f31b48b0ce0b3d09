/**
 * ConditionalGAN's file format ('crossmodal.ConditionalGAN', version 1: options, widths, the
 * condition's standardisation and both networks, each with its CRC-32) and its import from
 * PyTorch (python/crossmodal_torch.py's ConditionalGAN). Both take a `make` callback that
 * builds the model from options, so neither imports the class.
 */
import { MLP, type Activation } from '../../nn/mlp.js';
import { FormatError, ValueError, describe } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { readEnvelope } from '../../serialize.js';
import { checkTensors, type TorchTensors } from '../../nn/torch.js';
import { OPTIONS, RECIPE_BEFORE_STABILISERS, checkGANOptions, ganRecord, type ConditionalGANFromTorchOptions, type ConditionalGANOptions, type GANSettings } from './cgan_options.js';
import { buildNets, disposeNets, type Nets } from './cgan_nets.js';
import { SpectralNorm } from './cgan_spectral.js';
import { Projection } from './cgan_projection.js';
import { crc32, decodeF32, encodeF32 } from '../../serialize.js';
import { readScalers, writeScalers, type ColumnScaler } from './scaler.js';

const FORMAT = 'crossmodal.ConditionalGAN';

/** A versioned plain object: options and both networks (each with its CRC-32). */
export function writeGANFile(s: GANSettings, { G, D, Gema, sn, proj, snHead, x, c, mean, scale }: Nets, scaler: ColumnScaler | null = null): Record<string, unknown> {
  const condition = { mean: Array.from(mean), scale: Array.from(scale) };
  const file: Record<string, unknown> = { format: FORMAT, version: 1, options: ganRecord(s), widths: { x, c }, condition, generator: G.toJSON(), discriminator: D.toJSON() };
  // ema: the generator's moving average (what generate uses), with its CRC-32; absent without ema
  if (Gema) file.averageGenerator = Gema.toJSON();
  // spectralNorm: the power iteration's vectors u (every D layer's, in order; D holds the raw W), so that a warm start goes on exactly
  if (sn) file.spectralNorm = { u: encodeF32(sn.u.data), crc32: crc32(sn.u.data) };
  // discriminator 'projection': ψ and V (each an MLP with its CRC-32; D is the body φ), and with spectralNorm ψ's u
  if (proj) file.projection = { head: proj.head.toJSON(), embedding: proj.embedding.toJSON(), ...(snHead && { u: encodeF32(snHead.u.data), crc32: crc32(snHead.u.data) }) };
  // scale: true: x's column standardisation (base64 float64 with a CRC-32); absent in older files (scale false)
  if (s.scale && scaler) file.scaler = writeScalers([scaler]);
  return file;
}

/** Reads writeGANFile's output (object or JSON string), validating every field. */
export function readGANFile<M extends GANSettings>(json: unknown, make: (o: ConditionalGANOptions) => M): { model: M; nets: Nets; scaler: ColumnScaler | null } {
  const o = readEnvelope(json, FORMAT, 1);
  let model: M;
  try {
    // a file from before the stabilisers (issue 39) has none of their options: it trained with the recipe of then
    const stored = o.options as Record<string, unknown> | null;
    // written always (null is not how a file says "the default": the defaults may change)
    for (const k of ['loss', 'ema', 'discriminatorLearningRate', 'spectralNorm', 'discriminator'])
      if (stored && typeof stored === 'object' && stored[k] === null) throw new ValueError(`options.${k}`, 'a value (files write it)', null);
    // and D's learning rate, when absent, was the file's learningRate (an undefined value, in an object handed over, is absent as in JSON)
    const given = stored && typeof stored === 'object' && !Array.isArray(stored) ? Object.fromEntries(Object.entries(stored).filter(([, v]) => v !== undefined)) : null;
    const options = given ? { ...RECIPE_BEFORE_STABILISERS, discriminatorLearningRate: given.learningRate, ...given } : stored;
    model = make(options as ConditionalGANOptions);
  } catch (e) {
    throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
  }
  const w = o.widths as { x?: unknown; c?: unknown } | null;
  if (!w || typeof w !== 'object' || !Number.isInteger(w.x) || !Number.isInteger(w.c) || (w.x as number) < 1 || (w.c as number) < 1)
    throw new FormatError(`${FORMAT}: widths: expected { x, c } positive integers`);
  const xw = w.x as number, cw = w.c as number;
  const cond = o.condition as { mean?: unknown; scale?: unknown } | null;
  const stat = (v: unknown, positive: boolean) => Array.isArray(v) && v.length === cw && v.every((e) => typeof e === 'number' && Number.isFinite(e) && (!positive || e > 0));
  if (!cond || typeof cond !== 'object' || !stat(cond.mean, false) || !stat(cond.scale, true))
    throw new FormatError(`${FORMAT}: condition: expected { mean, scale }, ${cw} finite numbers each (scale positive)`);
  const mean = Float64Array.from(cond.mean as number[]), scale = Float64Array.from(cond.scale as number[]);
  if (!model.scale && o.scaler !== undefined) throw new FormatError(`${FORMAT}: scaler: present, but options.scale is not true`);
  const scaler = model.scale ? readScalers(o.scaler, [xw], `${FORMAT}: scaler`)[0]! : null;
  if (model.ema === false && o.averageGenerator !== undefined) throw new FormatError(`${FORMAT}: averageGenerator: present, but options.ema is false`);
  if (model.ema !== false && o.averageGenerator === undefined) throw new FormatError(`${FORMAT}: averageGenerator: missing (options.ema is ${model.ema}: generate samples from the moving average)`);
  if (!model.spectralNorm && o.spectralNorm !== undefined) throw new FormatError(`${FORMAT}: spectralNorm: present, but options.spectralNorm is not true`);
  const sv = o.spectralNorm as { u?: unknown; crc32?: unknown } | undefined;
  if (model.spectralNorm && (!sv || typeof sv !== 'object' || Array.isArray(sv))) throw new FormatError(`${FORMAT}: spectralNorm: expected { u, crc32 } (options.spectralNorm is true: the power iteration's vectors)`);
  const projection = model.discriminatorKind === 'projection';
  if (!projection && o.projection !== undefined) throw new FormatError(`${FORMAT}: projection: present, but options.discriminator is not 'projection'`);
  const pv = o.projection as { head?: unknown; embedding?: unknown; u?: unknown; crc32?: unknown } | undefined;
  if (projection && (!pv || typeof pv !== 'object' || Array.isArray(pv))) throw new FormatError(`${FORMAT}: projection: expected { head, embedding${model.spectralNorm ? ', u, crc32' : ''} } (options.discriminator is 'projection')`);
  if (projection && !model.spectralNorm && (pv!.u !== undefined || pv!.crc32 !== undefined)) throw new FormatError(`${FORMAT}: projection.u: present, but options.spectralNorm is not true`);
  const G = MLP.fromJSON(o.generator);
  let D: MLP | null = null, A: MLP | null = null, sn: SpectralNorm | null = null, H: MLP | null = null, V: MLP | null = null, proj: Projection | null = null, snHead: SpectralNorm | null = null;
  try {
    D = MLP.fromJSON(o.discriminator);
    if (model.ema !== false) A = MLP.fromJSON(o.averageGenerator);
    const same = (net: MLP, layers: number[], out: Activation) => net.layers.length === layers.length && net.layers.every((v, i) => v === layers[i]) && net.activation === model.activation && net.outputActivation === out;
    if (!same(G, [model.noise + cw, ...model.hidden, xw], model.outputActivation)) throw new FormatError(`${FORMAT}: generator: layers [${G.layers.join(', ')}] do not match the options and widths`);
    if (projection ? !same(D, [xw, ...model.discriminatorHidden], model.activation) : !same(D, [xw + cw, ...model.discriminatorHidden, 1], 'identity')) throw new FormatError(`${FORMAT}: discriminator: layers [${D.layers.join(', ')}] do not match the options and widths`);
    if (A && !(same(A, [...G.layers], model.outputActivation) && A.leakySlope === G.leakySlope && A.dropout === G.dropout)) throw new FormatError(`${FORMAT}: averageGenerator: layers [${A.layers.join(', ')}] do not match the generator's`);
    if (projection) {
      const h = model.discriminatorHidden[model.discriminatorHidden.length - 1]!;
      H = MLP.fromJSON(pv!.head);
      if (!same(H, [h, 1], 'identity')) throw new FormatError(`${FORMAT}: projection.head: layers [${H.layers.join(', ')}] do not match the options ([${h}, 1])`);
      V = MLP.fromJSON(pv!.embedding);
      if (!same(V, [cw, h], 'identity')) throw new FormatError(`${FORMAT}: projection.embedding: layers [${V.layers.join(', ')}] do not match the options and widths ([${cw}, ${h}])`);
      const b = V.layout[0]!.bias;
      if (!V.parameters.subarray(b).every((v) => v === 0)) throw new FormatError(`${FORMAT}: projection.embedding: its bias is not 0 (V is a linear map)`);
      proj = new Projection(D, cw, { head: H, embedding: V });
      H = V = null;
    }
    if (model.spectralNorm) {
      sn = readU(new SpectralNorm(D, 0), D, sv!, 'spectralNorm');
      if (proj) snHead = readU(new SpectralNorm(proj.head, 0), proj.head, pv!, 'projection');
    }
    G.eval();
    D.eval();
    A?.eval();
    proj?.head.eval();
    proj?.embedding.eval();
    return { model, nets: { G, D, Gema: A, sn, proj, snHead, x: xw, c: cw, mean, scale }, scaler };
  } catch (e) {
    G.dispose();
    D?.dispose();
    A?.dispose();
    sn?.dispose();
    H?.dispose();
    V?.dispose();
    proj?.dispose();
    snHead?.dispose();
    throw e;
  }
}

/** The power iteration's vectors of `net` from { u, crc32 } at `where` into sn (disposed on a refusal): CRC-checked, each layer's a unit vector. */
function readU(sn: SpectralNorm, net: MLP, sv: { u?: unknown; crc32?: unknown }, where: string): SpectralNorm {
  try {
    const u = decodeF32(sv.u, sn.u.cols, `${FORMAT}: ${where}.u`);
    if (crc32(u) !== sv.crc32) throw new FormatError(`${FORMAT}: ${where}.u: checksum mismatch (stored ${JSON.stringify(sv.crc32)}, computed ${crc32(u)}): the file was altered or truncated`);
    // each layer's u a unit vector
    let off = 0;
    for (const [l, L] of net.layout.entries()) {
      let ss = 0;
      for (let k = off; k < off + L.inputs; k++) ss += u[k]! * u[k]!;
      if (!(Math.abs(Math.sqrt(ss) - 1) < 1e-3)) throw new FormatError(`${FORMAT}: ${where}.u: layer ${l}'s vector has norm ${Math.sqrt(ss)}, expected 1`);
      off += L.inputs;
    }
    sn.u.data.set(u);
    return sn;
  } catch (e) {
    sn.dispose();
    throw e;
  }
}

/** The GAN of a PyTorch state dict (see ConditionalGAN.fromTorch). */
export function readTorchGAN<M extends GANSettings>(tensors: TorchTensors, options: ConditionalGANFromTorchOptions, make: (o: ConditionalGANOptions) => M): { model: M; nets: Nets } {
  const where = 'ConditionalGAN.fromTorch: tensors'; // every refusal names the argument
  const shapes = ['noise', 'hidden', 'discriminatorHidden', 'standardizeCondition'];
  if (options && typeof options === 'object')
    for (const k of shapes)
      if (k in options) throw new ValueError(`options.${k}`, `no value: fromTorch reads ${k === 'standardizeCondition' ? 'the condition statistics' : 'the widths'} from the tensors`, (options as Record<string, unknown>)[k]);
  const { prefix = '', ...rest } = checkOptions(options, [...OPTIONS.filter((k) => !shapes.includes(k)), 'prefix']);
  if (typeof prefix !== 'string') throw new ValueError('options.prefix', "a string such as 'gan.'", prefix);
  checkGANOptions(rest); // the options checked as the constructor checks them
  if (rest.discriminator === 'projection') throw new ValueError('options.discriminator', "'concat' (python/crossmodal_torch.py's discriminator is the concatenating one)", rest.discriminator);
  checkTensors(tensors);
  const stats = [`${prefix}condition_mean`, `${prefix}condition_scale`];
  for (const name of Object.keys(tensors))
    if (name.startsWith(prefix) && !stats.includes(name) && !name.startsWith(`${prefix}generator.`) && !name.startsWith(`${prefix}discriminator.`))
      throw new FormatError(`${where}: ${JSON.stringify(name)} is not a tensor of the GAN (expected ${prefix}generator.*, ${prefix}discriminator.*, ${prefix}condition_mean and ${prefix}condition_scale)`);
  const has = stats.map((n) => Object.prototype.hasOwnProperty.call(tensors, n));
  if (has[0] !== has[1]) throw new FormatError(`${where}: ${stats[has[0] ? 1 : 0]} is missing (the condition statistics come as a pair, or not at all)`);
  const activation = rest.activation ?? 'leaky_relu';
  const read: MLP[] = [];
  let nets: Nets | null = null;
  try {
    const g = MLP.fromTorch(tensors, { prefix: `${prefix}generator.`, activation });
    read.push(g);
    const d = MLP.fromTorch(tensors, { prefix: `${prefix}discriminator.`, activation });
    read.push(d);
    for (const [net, name] of [[g, 'generator'], [d, 'discriminator']] as const)
      if (net.layers.length < 3) throw new FormatError(`${where}: ${prefix}${name}: expected at least two Linear layers (a hidden layer), got ${net.layers.length - 1}`);
    const p = g.layers[g.layers.length - 1]!, din = d.layers[0]!, gin = g.layers[0]!, q = din - p;
    if (d.layers[d.layers.length - 1] !== 1) throw new FormatError(`${where}: ${prefix}discriminator: expected 1 output (a logit), got ${d.layers[d.layers.length - 1]}`);
    if (q < 1) throw new FormatError(`${where}: ${prefix}discriminator.0.weight takes ${din} inputs, expected more than ${p} ([x | c] with x ${p} wide, the generator's output)`);
    if (gin - q < 1) throw new FormatError(`${where}: ${prefix}generator.0.weight takes ${gin} inputs, expected more than ${q} ([z | c] with c ${q} wide, the discriminator's inputs less x)`);
    const mean = new Float64Array(q), scale = new Float64Array(q).fill(1);
    if (has[0])
      for (const [name, into, positive] of [[stats[0]!, mean, false], [stats[1]!, scale, true]] as const) {
        const t = tensors[name]!;
        const shape = t && typeof t === 'object' && Array.isArray(t.shape) ? t.shape : null;
        if (!shape || shape.length !== 1 || shape[0] !== q) throw new FormatError(`${where}: ${name}: expected shape [${q}] (the condition's width), got ${shape ? `[${shape.join(', ')}]` : describe(t)}`);
        const data = t.data;
        if (!data || typeof data.length !== 'number' || data.length !== q) throw new FormatError(`${where}: ${name}: shape [${q}] needs ${q} values, data holds ${data && typeof data.length === 'number' ? data.length : 'none'}`);
        for (let j = 0; j < q; j++) {
          const v = Number(data[j]);
          if (!Number.isFinite(v) || (positive && !(v > 0))) throw new FormatError(`${where}: ${name}[${j}] is ${v}: expected a finite${positive ? ' positive' : ''} number`);
          into[j] = v;
        }
      }
    // D is python/crossmodal_torch.py's, the concatenating one, whatever the default
    const model = make({ discriminator: 'concat', ...rest, noise: gin - q, hidden: g.layers.slice(1, -1), discriminatorHidden: d.layers.slice(1, -1), standardizeCondition: has[0] });
    nets = buildNets(model, p, q, { mean, scale });
    nets.G.parameters.set(g.parameters);
    nets.D.parameters.set(d.parameters);
    nets.Gema?.parameters.set(g.parameters); // ema: the average starts at the generator read
    nets.G.eval();
    nets.Gema?.eval();
    nets.D.eval();
    const out = { model, nets };
    nets = null;
    return out;
  } finally {
    for (const r of read) r.dispose();
    if (nets) disposeNets(nets);
  }
}
