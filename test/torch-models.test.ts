// MultimodalAutoencoder.fromTorch and ConditionalGAN.fromTorch against PyTorch itself: the
// fixtures (test/fixtures/torch/autoencoder.*, cgan.*) hold small networks trained with
// python/crossmodal_torch.py's modules and the outputs PyTorch computes on fixed inputs
// (scripts/reference/torch_models.py, versions inside). crossmodal loads the weights and must
// compute the same to 1e-5 relative; bad tensors and options are named errors that leak
// nothing; the loaded models round-trip through JSON.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, nn, ConditionalGAN, MultimodalAutoencoder, FormatError, ValueError, type TorchTensors } from '../src/index.js';
import { Rng, Tensor, randomNormal } from '../src/wasm/index.js';

interface Block {
  rows: number;
  cols: number;
  data: number[];
}
interface FloatBlock {
  rows: number;
  cols: number;
  data: Float32Array;
}

const dir = new URL('./fixtures/torch/', import.meta.url);
const json = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
const read = (name: string) => nn.readSafetensors(readFileSync(new URL(`${name}.safetensors`, dir)));
const TOL = 1e-5;

/** The largest relative difference |a − b| / |b|, element by element (Infinity where b is 0 and a is not). */
function relErr(a: FloatBlock, b: Block): number {
  expect([a.rows, a.cols]).toEqual([b.rows, b.cols]);
  let err = 0;
  for (let i = 0; i < b.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    if (d > 0) err = Math.max(err, d / Math.abs(b.data[i]!));
  }
  return err;
}

/** Rows of a block, with `null` for the rows whose mask column is 0. */
const rowsOf = (b: Block, keep?: (i: number) => boolean) =>
  Array.from({ length: b.rows }, (_, i) => (keep && !keep(i) ? null : b.data.slice(i * b.cols, (i + 1) * b.cols)));

/** [a | b] row by row, as f32. */
function concat(a: Block | FloatBlock, b: Block | FloatBlock): FloatBlock {
  const cols = a.cols + b.cols, data = new Float32Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) data[i * cols + j] = a.data[i * a.cols + j]!;
    for (let j = 0; j < b.cols; j++) data[i * cols + a.cols + j] = b.data[i * b.cols + j]!;
  }
  return { rows: a.rows, cols, data };
}

/** The standard normal noise generate(c, { seed }) draws (the in-wasm PRNG). */
function noiseOf(seed: number, rows: number, cols: number): FloatBlock {
  const rng = Rng.create(seed), z = Tensor.empty(rows, cols);
  try {
    randomNormal(z, 0, 1, rng);
    return { rows, cols, data: z.toFloat32Array() };
  } finally {
    rng.dispose();
    z.dispose();
  }
}

/** A shallow copy of the tensors with some renamed, replaced or removed (value undefined). */
function edit(t: TorchTensors, changes: Record<string, { shape: number[]; data: ArrayLike<number> } | undefined>): TorchTensors {
  const out: Record<string, { shape: readonly number[]; data: ArrayLike<number> }> = { ...t };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** `fn` throws `type` with a message matching `message`, and leaves no wasm memory behind. */
function refuses(fn: () => unknown, type: typeof FormatError | typeof ValueError, message: RegExp) {
  const before = memoryStats().liveBytes;
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, String(message)).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
  expect(memoryStats().liveBytes).toBe(before);
}

beforeAll(async () => {
  await init();
});

describe('MultimodalAutoencoder.fromTorch', () => {
  const ref = json('autoencoder'), tensors = read('autoencoder');
  const options = { outputActivation: ref.model.outputActivation as ['sigmoid', 'identity', 'tanh'] };
  const views = ref.views as Block[];
  type Case = { given: boolean[]; present: Block | null; reconstruct: Block[]; encode: Block };

  it('reconstructs and encodes as PyTorch does, for every subset given and a per-row mask', () => {
    const before = memoryStats().liveBytes;
    const ae = MultimodalAutoencoder.fromTorch(tensors, options);
    expect(ae.widths).toEqual(ref.model.widths);
    expect(ae.hidden).toEqual(ref.model.hidden);
    expect([ae.code, ae.decoderHidden, ae.activation, ae.outputActivation]).toEqual([ref.model.code, ref.model.decoderHidden, 'leaky_relu', ref.model.outputActivation]);
    let worst = 0;
    for (const [name, c] of Object.entries(ref.cases as Record<string, Case>)) {
      const given = views.map((v, j) => (c.given[j] ? v : null));
      const opts = c.present ? { present: c.present } : {};
      const rec = ae.reconstruct(given, opts), code = ae.encode(given, opts);
      for (const [j, r] of rec.entries()) worst = Math.max(worst, relErr(r, c.reconstruct[j]!));
      worst = Math.max(worst, relErr(code, c.encode));
      for (const [j, r] of rec.entries()) expect(relErr(r, c.reconstruct[j]!), `${name} reconstruct ${j}`).toBeLessThan(TOL);
      expect(relErr(code, c.encode), `${name} encode`).toBeLessThan(TOL);
      if (c.present) {
        // the same mask given as null rows: the same numbers, bit for bit
        const p = c.present;
        const nulls = views.map((v, j) => rowsOf(v, (i) => p.data[i * p.cols + j] === 1));
        expect(ae.reconstruct(nulls).map((r) => Array.from(r.data))).toEqual(rec.map((r) => Array.from(r.data)));
      }
    }
    console.log(`autoencoder: largest relative difference from PyTorch ${worst.toExponential(2)}`);
    ae.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('evaluate gives the MSE by subset that PyTorch gives', () => {
    const ae = MultimodalAutoencoder.fromTorch(tensors, options);
    const cases: [string, object][] = [['all', {}], ['mixed', { present: ref.cases.mixed.present }]];
    let worst = 0;
    for (const [name, opts] of cases) {
      const got = ae.evaluate(views, opts), want = ref.evaluate[name] as { given: number[]; mse: number[] }[];
      expect(got.map((g) => g.given)).toEqual(want.map((w) => w.given));
      got.forEach((g, k) => g.mse.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[k]!.mse[j]!) / want[k]!.mse[j]!))));
    }
    console.log(`autoencoder: evaluate's MSE, largest relative difference from PyTorch ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(TOL);
    ae.dispose();
  });

  it('round-trips through JSON; a prefix selects the autoencoder in a larger file', () => {
    const ae = MultimodalAutoencoder.fromTorch(tensors, options);
    const again = MultimodalAutoencoder.fromJSON(JSON.stringify(ae));
    const a = ae.reconstruct([views[0]!, null, views[2]!]), b = again.reconstruct([views[0]!, null, views[2]!]);
    expect(b.map((r) => Array.from(r.data))).toEqual(a.map((r) => Array.from(r.data)));
    const nested: Record<string, { shape: readonly number[]; data: ArrayLike<number> }> = { 'classifier.0.weight': { shape: [1, 1], data: [1] } };
    for (const [k, v] of Object.entries(tensors)) nested[`ae.${k}`] = v;
    const inner = MultimodalAutoencoder.fromTorch(nested, { ...options, prefix: 'ae.', epochs: 7 });
    expect(inner.epochs).toBe(7);
    expect(inner.reconstruct([views[0]!, null, views[2]!]).map((r) => Array.from(r.data))).toEqual(a.map((r) => Array.from(r.data)));
    for (const m of [ae, again, inner]) m.dispose();
  });

  it('names what is wrong with the tensors or the options, and leaks nothing', () => {
    const load = (t: TorchTensors, o: object = options) => () => MultimodalAutoencoder.fromTorch(t, o);
    const w = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    refuses(load(edit(tensors, { 'fusion.0.bias': undefined })), FormatError, /fusion\.0\.weight has no fusion\.0\.bias/);
    refuses(load(edit(tensors, { 'heads.1.0.weight': undefined, 'heads.1.0.bias': undefined })), FormatError, /heads\.1\.\* is missing/);
    refuses(load(edit(tensors, { 'decoder.0.weight': w([2, 2]) })), FormatError, /"decoder\.0\.weight" is not a tensor of the autoencoder/);
    refuses(load(edit(tensors, { 'encoders.0.1.running_mean': w([6]) })), FormatError, /encoders\.0\.1\.running_mean/);
    refuses(load(edit(tensors, { 'encoders.4.0.weight': w([2, 2]), 'encoders.4.0.bias': w([2]) })), FormatError, /encoders\.3\.\* is missing \(one encoder and one head per modality, numbered 0\.\.4\)/);
    refuses(load(edit(tensors, { 'heads.3.0.weight': w([5, 6]), 'heads.3.0.bias': w([5]) })), FormatError, /heads\.3\.\* has no encoder \(the highest is encoders\.2\.\*\)/);
    refuses(load(edit(tensors, { 'encoders.1.0.weight': undefined, 'encoders.1.0.bias': undefined, 'encoders.1.2.weight': undefined, 'encoders.1.2.bias': undefined })), FormatError, /encoders\.1\.\* is missing/);
    refuses(load(edit(tensors, { 'fusion.0.weight': w([4, 15]) })), FormatError, /fusion\.0\.weight takes 15 inputs, expected 16: the encoders' last widths \(6 \+ 4 \+ 3\) and the 3 columns of the presence mask/);
    refuses(load(edit(tensors, { 'fusion.2.weight': w([4, 4]), 'fusion.2.bias': w([4]) })), FormatError, /fusion: expected one Linear layer \(to the code\), got 2/);
    refuses(load(edit(tensors, { 'trunk.0.weight': w([7, 5]) })), FormatError, /trunk takes 5 inputs, expected 4 \(the code/);
    refuses(load(edit(tensors, { 'heads.1.0.weight': w([5, 6]), 'heads.1.0.bias': w([5]) })), FormatError, /heads\.1\.0\.weight: expected shape \[4, 6\]/);
    const nan = Float32Array.from(tensors['trunk.0.bias']!.data, (v, i) => (i === 2 ? NaN : v));
    refuses(load(edit(tensors, { 'trunk.0.bias': { shape: [7], data: nan } })), FormatError, /trunk\.0\.bias\[2\] is NaN/);
    refuses(load({ 'fusion.0.weight': w([2, 2]), 'fusion.0.bias': w([2]) }), FormatError, /at least two encoders/);
    refuses(load(tensors, { outputActivation: ['sigmoid', 'identity'] }), ValueError, /^options\.outputActivation: expected one value or one per modality \(3\)/);
    refuses(load(tensors, { ...options, activation: 'gelu' }), ValueError, /^options\.activation:/);
    refuses(load(tensors, { ...options, hidden: [8] }), ValueError, /^options\.hidden: expected no value: fromTorch reads the widths from the tensors/);
    refuses(load(tensors, { ...options, epoch: 3 }), ValueError, /^options\.epoch: expected a known option \(did you mean "epochs"/);
    refuses(load(tensors, { ...options, prefix: 1 }), ValueError, /^options\.prefix:/);
    refuses(load(tensors, { ...options, lossWeights: [1, 1] }), ValueError, /^options\.lossWeights: expected one weight per modality \(3\)/);
    refuses(() => MultimodalAutoencoder.fromTorch(new Uint8Array(8) as unknown as TorchTensors), ValueError, /^tensors: expected named tensors/);
  });
});

describe('ConditionalGAN.fromTorch', () => {
  const ref = json('cgan'), tensors = read('cgan');
  const c = ref.c as Block, z = ref.z as Block, x = ref.x as Block;

  it('G(z, c) and D(x, c) as PyTorch computes them; generate is G on its noise and the standardised condition', () => {
    const before = memoryStats().liveBytes;
    const gan = ConditionalGAN.fromTorch(tensors);
    expect([gan.noise, gan.hidden, gan.discriminatorHidden, gan.standardizeCondition]).toEqual([ref.model.noise, ref.model.hidden, ref.model.discriminatorHidden, true]);
    // the default stabilisers with PyTorch's concatenating D; the moving average starts at the generator read
    expect([gan.discriminatorKind, gan.spectralNorm, gan.ema]).toEqual(['concat', true, 0.99]);
    expect(Array.from(gan.averageGenerator!.parameters)).toEqual(Array.from(gan.generator.parameters));
    const { mean, scale } = (gan.toJSON() as { condition: { mean: number[]; scale: number[] } }).condition;
    expect({ mean, scale }).toEqual(ref.condition);
    // c̃ = (c − mean) / scale per column, as generate computes it (f64, then rounded to f32)
    const cs = { rows: c.rows, cols: c.cols, data: Float32Array.from(c.data, (v, i) => (v - mean[i % c.cols]!) / scale[i % c.cols]!) };
    expect(relErr(cs, ref.standardized)).toBeLessThan(1e-6);
    const errors = {
      generate: relErr(gan.generator.predict(concat(z, cs)), ref.generate),
      discriminate: relErr(gan.discriminator.predict(concat(x, cs)), ref.discriminate),
      discriminateGenerated: relErr(gan.discriminator.predict(concat(gan.generator.predict(concat(z, cs)), cs)), ref.discriminateGenerated),
    };
    console.log(`cgan: largest relative differences from PyTorch ${JSON.stringify(errors, (_, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v))}`);
    for (const [k, v] of Object.entries(errors)) expect(v, k).toBeLessThan(TOL);
    // generate(c, { seed }) = G([z | c̃]) with z the seed's N(0, 1) draw: bit for bit
    const sample = gan.generate(c, { seed: 5 });
    expect(Array.from(sample.data)).toEqual(Array.from(gan.generator.predict(concat(noiseOf(5, c.rows, gan.noise), cs)).data));
    gan.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a warm start goes on from the weights read, with the moving average and spectral normalisation (and without them)', async () => {
    const before = memoryStats().liveBytes;
    const xs = { ...x, data: Float32Array.from(x.data, (v) => 1 / (1 + Math.exp(-v))) }; // the sigmoid head's range
    for (const o of [{}, { ema: false as const, spectralNorm: false }]) {
      const gan = ConditionalGAN.fromTorch(tensors, { epochs: 2, batchSize: 4, seed: 1, ...o });
      const g0 = Float32Array.from(gan.generator.parameters);
      await gan.fit(xs, c, { warmStart: true });
      expect(gan.history).toHaveLength(2);
      expect(Array.from(gan.generator.parameters)).not.toEqual(Array.from(g0));
      if (gan.ema) {
        // θ_ema moved from the read weights towards G's, by (1 − 0.99) per step: closer to the read ones than G is
        const dist = (a: Float32Array) => Math.hypot(...Array.from(a, (v, i) => v - g0[i]!));
        expect(dist(gan.averageGenerator!.parameters)).toBeGreaterThan(0);
        expect(dist(gan.averageGenerator!.parameters)).toBeLessThan(dist(gan.generator.parameters));
      } else expect(gan.averageGenerator).toBeNull();
      const again = ConditionalGAN.fromJSON(JSON.stringify(gan));
      expect(Array.from(again.generate(c, { seed: 3 }).data)).toEqual(Array.from(gan.generate(c, { seed: 3 }).data));
      for (const m of [gan, again]) m.dispose();
    }
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('without condition statistics the condition enters as it is', () => {
    const raw = ConditionalGAN.fromTorch(edit(tensors, { condition_mean: undefined, condition_scale: undefined }));
    expect(raw.standardizeCondition).toBe(false);
    expect(relErr(raw.generator.predict(concat(z, c)), ref.generateRaw)).toBeLessThan(TOL);
    expect(Array.from(raw.generate(c, { seed: 2 }).data)).toEqual(Array.from(raw.generator.predict(concat(noiseOf(2, c.rows, raw.noise), c)).data));
    raw.dispose();
  });

  it('round-trips through JSON; options other than the shapes are kept', () => {
    const gan = ConditionalGAN.fromTorch(tensors, { activation: 'leaky_relu', outputActivation: 'sigmoid', learningRate: 1e-3, seed: 4 });
    expect([gan.learningRate, gan.seed]).toEqual([1e-3, 4]);
    const again = ConditionalGAN.fromJSON(JSON.stringify(gan));
    expect(Array.from(again.generate(c, { seed: 1 }).data)).toEqual(Array.from(gan.generate(c, { seed: 1 }).data));
    expect(Array.from(again.discriminator.predict(concat(x, c)).data)).toEqual(Array.from(gan.discriminator.predict(concat(x, c)).data));
    gan.dispose();
    again.dispose();
  });

  it('names what is wrong with the tensors or the options, and leaks nothing', () => {
    const load = (t: TorchTensors, o: object = {}) => () => ConditionalGAN.fromTorch(t, o);
    const w = (shape: number[], fill = 0) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });
    refuses(load(edit(tensors, { condition_scale: undefined })), FormatError, /condition_scale is missing \(the condition statistics come as a pair/);
    refuses(load(edit(tensors, { condition_mean: w([2]) })), FormatError, /condition_mean: expected shape \[3\] \(the condition's width\), got \[2\]/);
    refuses(load(edit(tensors, { condition_scale: { shape: [3], data: [1, 0, 1] } })), FormatError, /condition_scale\[1\] is 0: expected a finite positive number/);
    refuses(load(edit(tensors, { condition_mean: { shape: [3], data: [0, Infinity, 0] } })), FormatError, /condition_mean\[1\] is Infinity/);
    refuses(load(edit(tensors, { 'generator_ema.0.weight': w([2, 2]) })), FormatError, /"generator_ema\.0\.weight" is not a tensor of the GAN/);
    refuses(load(edit(tensors, { 'discriminator.2.weight': undefined })), FormatError, /discriminator\.2\.bias has no discriminator\.2\.weight/);
    refuses(load(edit(tensors, { 'discriminator.2.weight': w([2, 7]), 'discriminator.2.bias': w([2]) })), FormatError, /discriminator: expected 1 output \(a logit\), got 2/);
    refuses(load(edit(tensors, { 'discriminator.0.weight': w([7, 4]) })), FormatError, /discriminator\.0\.weight takes 4 inputs, expected more than 4/);
    refuses(load(edit(tensors, { 'generator.0.weight': w([8, 3]) })), FormatError, /generator\.0\.weight takes 3 inputs, expected more than 3/);
    const onlyG = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith('discriminator.')));
    refuses(load(onlyG), FormatError, /no tensors under the prefix "discriminator\."/);
    refuses(load(tensors, { noise: 3 }), ValueError, /^options\.noise: expected no value: fromTorch reads the widths from the tensors/);
    refuses(load(tensors, { standardizeCondition: false }), ValueError, /^options\.standardizeCondition: expected no value: fromTorch reads the condition statistics/);
    refuses(load(tensors, { outputActivation: 'softmax' }), ValueError, /^options\.outputActivation:/);
    refuses(load(tensors, { beta1: 1 }), ValueError, /^options\.beta1: expected a number in \[0, 1\)/);
    refuses(load(tensors, { lr: 1e-3 }), ValueError, /^options\.lr: expected a known option \(did you mean "learningRate"/);
    refuses(load(null as unknown as TorchTensors), ValueError, /^tensors:/);
  });
});

describe('every model loader names its tensors argument when it refuses', () => {
  // the API fuzz found a bit-flipped Sequential ("0&weight", "0,bias") refused without the word
  it("MultimodalAutoencoder, ConditionalGAN and DeepCCA refuse a bare (damaged) Sequential's state saying tensors", async () => {
    const { DeepCCA } = await import('../src/index.js');
    const w = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1) });
    for (const names of [['0.weight', '0.bias'], ['0&weight', '0,bias']]) {
      const sequential: TorchTensors = { [names[0]!]: w([3, 2]), [names[1]!]: w([3]) };
      refuses(() => MultimodalAutoencoder.fromTorch(sequential), FormatError, /fromTorch: tensors/);
      refuses(() => ConditionalGAN.fromTorch(sequential), FormatError, /fromTorch: tensors/);
      refuses(() => DeepCCA.fromTorch(sequential, { data: [[[1, 2]], [[1, 2]]] }), FormatError, /tensors/);
    }
  });
});
