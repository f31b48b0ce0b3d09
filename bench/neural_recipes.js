// The neural recipes of issue 41's speed table (the demo's digits recipes and their Fashion-MNIST
// scalings), shared by bench/torch.bench.js and bench/step_profile.js: each recipe's model and
// options, its training data as Tensors, and fit with the model's argument shape. The PyTorch
// mirror of each (same names): scripts/reference/torch_speed.py.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
/** ConditionalGAN's recipe before issue 39 ('today' in bench/cgan_torch.js) */
const TODAY = { loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat', learningRate: 2e-4, discriminatorLearningRate: 2e-4 };

/** Each recipe: the model, its options (ours), the data; torch_speed.py has the same names. */
export const RECIPES = {
  'dcca-digits': { model: 'DeepCCA', data: 'digits', options: { components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500 } },
  'ae-digits': { model: 'MultimodalAutoencoder', data: 'digits', options: { hidden: [128], code: 32, batchSize: 100 } },
  'cgan-digits': { model: 'ConditionalGAN', data: 'digits', options: { ...TODAY, batchSize: 64 } },
  'dcca-fashion': { model: 'DeepCCA', data: 'fashion', options: { components: 10, hidden: [512, 512], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 800 } },
  'ae-fashion': { model: 'MultimodalAutoencoder', data: 'fashion', options: { hidden: [256], code: 64, batchSize: 128 } },
  'cgan-fashion': { model: 'ConditionalGAN', data: 'fashion', options: { ...TODAY, batchSize: 128 } },
};

export const median = (a) => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The recipe's training data as the model's fit takes it (Tensors in wasm memory): [X, Y] or [pixels, one-hot]. */
export async function recipeData(name) {
  const { Tensor, ConditionalGAN } = await import('../dist/index.js');
  const r = RECIPES[name];
  if (r.data === 'digits') {
    const { parseDigits } = await import('../dist/datasets.js');
    const d = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
    if (r.model === 'ConditionalGAN') return [Tensor.from(d.pixels.slice(0, 1500).map((row) => row.map((v) => v / 16))), Tensor.from(ConditionalGAN.oneHot(d.labels.slice(0, 1500), 10))];
    return [Tensor.from(d.left.slice(0, 1500)), Tensor.from(d.right.slice(0, 1500))];
  }
  const b = gunzipSync(readFileSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`));
  const n = b.readUInt32BE(4), h = b.readUInt32BE(8), w = b.readUInt32BE(12);
  if (r.model === 'ConditionalGAN') {
    const px = new Float32Array(n * h * w);
    for (let i = 0; i < px.length; i++) px[i] = b[16 + i] / 255;
    const lb = gunzipSync(readFileSync(`${FASHION_DIR}/train-labels-idx1-ubyte.gz`));
    return [Tensor.from({ data: px, rows: n, cols: h * w }), Tensor.from(ConditionalGAN.oneHot(Array.from(lb.subarray(8, 8 + n)), 10))];
  }
  const half = h * (w / 2), L = new Float32Array(n * half), R = new Float32Array(n * half);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = b[16 + i * h * w + y * w + x] / 255;
        if (x < w / 2) L[i * half + y * (w / 2) + x] = v;
        else R[i * half + y * (w / 2) + x - w / 2] = v;
      }
  return [Tensor.from({ data: L, rows: n, cols: half }), Tensor.from({ data: R, rows: n, cols: half })];
}

/** A new model of the recipe (seed 0) for `epochs` epochs. */
export async function recipeModel(name, epochs) {
  const M = await import('../dist/index.js');
  const r = RECIPES[name];
  return new M[r.model]({ ...r.options, epochs, seed: 0 });
}

/** fit on the recipe's data with the model's own argument shape. */
export function fitRecipe(model, name, data, options) {
  return RECIPES[name].model === 'MultimodalAutoencoder' ? model.fit(data, options) : model.fit(data[0], data[1], options);
}

