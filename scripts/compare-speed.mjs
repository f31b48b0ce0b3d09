// node scripts/compare-speed.mjs BEFORE [AFTER] [--rounds N]
// Interleaved same-process speed comparison of two builds of the package (each a folder with
// dist/ and build/, e.g. a copy of the tree before a refactor and the working tree): the MLP
// training step and epochs of the DeepCCA, autoencoder, cGAN and classifier digits recipes,
// timed A B A B … in one process (two wasm instances), one thread each. Prints the median
// time per unit of each side, their ratio (after / before) and the spread of the per-round
// ratios (run with --expose-gc to collect before every timed unit). Used for "no slower" checks of refactors (issue 30); not part of npm test.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? Number(args[ri + 1]) : 6;
const dirs = args.filter((a, i) => !a.startsWith('--') && (ri < 0 || i !== ri + 1));
if (dirs.length < 1) {
  console.error('usage: node scripts/compare-speed.mjs BEFORE [AFTER] [--rounds N]');
  process.exit(2);
}
const [before, after = '.'] = dirs.map((d) => resolve(d));
const load = async (dir) => {
  const cm = await import(pathToFileURL(resolve(dir, 'dist/index.js')).href);
  const ds = await import(pathToFileURL(resolve(dir, 'dist/datasets.js')).href);
  await cm.init();
  return { cm, digits: await ds.loadDigits() };
};
const A = await load(before), B = await load(after);

function mulberry(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Recipes: each returns a function that runs one timed unit on a side and the unit's name. */
const recipes = {
  'MLP step 32-256-256-10, batch 500 (×100)': async ({ cm }) => {
    const { MLP, Tensor, nn } = cm, r = mulberry(1);
    const net = new MLP({ layers: [32, 256, 256, 10], activation: 'leaky_relu', seed: 0 });
    const opt = new nn.Adam(net, { learningRate: 1e-3 });
    const X = Tensor.from({ data: Float32Array.from({ length: 500 * 32 }, r), rows: 500, cols: 32 });
    const Y = Tensor.from({ data: Float32Array.from({ length: 500 * 10 }, r), rows: 500, cols: 10 });
    const G = Tensor.zeros(500, 10);
    return () => {
      for (let i = 0; i < 100; i++) {
        opt.zeroGrad();
        nn.mse(net.forward(X), Y, { grad: G });
        net.backward(G, { inputGradient: false });
        opt.step();
      }
    };
  },
  'DeepCCA digits recipe (5 epochs)': async ({ cm, digits }) => async () => {
    const m = new cm.DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs: 5, seed: 0 });
    await m.fit(digits.left.slice(0, 1500), digits.right.slice(0, 1500));
    m.dispose();
  },
  'autoencoder digits recipe (5 epochs)': async ({ cm, digits }) => async () => {
    const m = new cm.MultimodalAutoencoder({ batchSize: 100, epochs: 5, seed: 0 });
    await m.fit([digits.left.slice(0, 1500), digits.right.slice(0, 1500)]);
    m.dispose();
  },
  'cGAN digits recipe (2 epochs)': async ({ cm, digits }) => {
    const px = digits.pixels.slice(0, 1500).map((r) => r.map((v) => v / 16));
    const c = cm.ConditionalGAN.oneHot(digits.labels.slice(0, 1500), 10);
    return async () => {
      const m = new cm.ConditionalGAN({ epochs: 2, seed: 0 });
      await m.fit(px, c);
      m.dispose();
    };
  },
  'Classifier [64, 128, 10] (20 epochs)': async ({ cm, digits }) => {
    const px = digits.pixels.slice(0, 1500).map((r) => r.map((v) => v / 16));
    return async () => {
      const m = new cm.Classifier({ layers: [64, 128, 10], epochs: 20, seed: 0 });
      await m.fit(px, digits.labels.slice(0, 1500));
      m.dispose();
    };
  },
};

const median = (v) => {
  const s = [...v].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
console.log(`before: ${before}\nafter:  ${after}\n${rounds} rounds, A B alternating (B A on odd rounds), one warm-up each\n`);
for (const [name, make] of Object.entries(recipes)) {
  const a = await make(A), b = await make(B);
  await a();
  await b();
  const ta = [], tb = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [[b, tb], [a, ta]] : [[a, ta], [b, tb]];
    for (const [f, t] of order) {
      globalThis.gc?.();
      const t0 = performance.now();
      await f();
      t.push(performance.now() - t0);
    }
  }
  const ratios = ta.map((x, i) => tb[i] / x).sort((x, y) => x - y);
  const q = (f) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))];
  console.log(`${name.padEnd(42)} before ${median(ta).toFixed(1).padStart(7)} ms  after ${median(tb).toFixed(1).padStart(7)} ms  after/before: medians ${(median(tb) / median(ta)).toFixed(3)}, per-round median ${median(ratios).toFixed(3)} (middle half ${q(0.25).toFixed(3)}–${q(0.75).toFixed(3)}, all ${ratios[0].toFixed(3)}–${ratios.at(-1).toFixed(3)})`);
}
