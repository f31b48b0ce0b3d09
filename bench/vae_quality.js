// MultimodalVAE (issue 38) on the digits halves, the defaults: fusion mopoe, latent 16,
// hidden [256, 256], β 0.25, Bernoulli views, Adam 1e-3, batch 100, 300 epochs on rows 0…1499,
// held out rows 1500…1796. Prints, on the held-out rows:
//   - MSE of the right half reconstructed from the left (target ≤ 0.0496);
//   - cross-coherence: right halves sampled given the left (one draw per row), the image
//     [left | sampled right] classified by the demo's judge (Classifier [64, 128, 10], 60
//     epochs, seed 0, on the training digits): share equal to the true label (target ≥ 0.78);
//   - joint coherence: 1000 prior draws, both halves classified by two half-judges
//     ([32, 128, 10] on the left / right training halves): share where they agree;
//   - importance-weighted log-likelihood of both views, K = 1000 (mean nats per row);
//   - seconds of the fit;
// and, for the recipe's settings, the PyTorch reference's numbers (test/fixtures/mvae-reference.json,
// from scripts/reference/mvae.py: the same spec, mean over seeds 0 and 1).
//   npm run build:ts && node bench/vae_quality.js            (the recipe)
//   FUSION=poe EPOCHS=100 SEED=1 node bench/vae_quality.js   (variants)
import { init, Classifier, MultimodalVAE } from '../dist/index.js';
import { parseDigits } from '../dist/datasets.js';
import { readFileSync } from 'node:fs';

await init();
const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
const tr = (v) => v.slice(0, 1500), te = (v) => v.slice(1500);
const [Ltr, Rtr, Lte, Rte] = [tr(digits.left), tr(digits.right), te(digits.left), te(digits.right)];
const [ytr, yte] = [tr(digits.labels), te(digits.labels)];
const env = (k, d) => process.env[k] ?? d;
const options = {
  fusion: env('FUSION', 'mopoe'),
  latent: Number(env('LATENT', 16)),
  hidden: JSON.parse(env('HIDDEN', '[256, 256]')),
  beta: Number(env('BETA', 0.25)),
  epochs: Number(env('EPOCHS', 300)),
  batchSize: Number(env('BATCH', 100)),
  learningRate: Number(env('LR', 1e-3)),
  seed: Number(env('SEED', 0)),
  ...(process.env.INIT ? { init: process.env.INIT } : {}),
};

/** The 8×8 image (64 values, row-major) of a left and a right half. */
const image = (l, r) => Array.from({ length: 64 }, (_, k) => ((k % 8) < 4 ? l[Math.floor(k / 8) * 4 + (k % 8)] : r[Math.floor(k / 8) * 4 + (k % 8) - 4]));
const rowsOf = (res) => Array.from({ length: res.rows }, (_, i) => res.data.subarray(i * res.cols, (i + 1) * res.cols));

const judge = new Classifier({ layers: [64, 128, 10], epochs: 60, seed: 0 });
await judge.fit(digits.pixels.slice(0, 1500).map((r) => r.map((v) => v / 16)), ytr);
const judgeL = new Classifier({ layers: [32, 128, 10], epochs: 60, seed: 0 });
await judgeL.fit(Ltr, ytr);
const judgeR = new Classifier({ layers: [32, 128, 10], epochs: 60, seed: 0 });
await judgeR.fit(Rtr, ytr);
console.log(`judges (held out): full ${judge.accuracy(te(digits.pixels).map((r) => r.map((v) => v / 16)), yte).toFixed(3)}, left ${judgeL.accuracy(Lte, yte).toFixed(3)}, right ${judgeR.accuracy(Rte, yte).toFixed(3)}`);

const vae = new MultimodalVAE(options);
const t0 = performance.now();
const history = await vae.fit([Ltr, Rtr], {
  onEpoch: ({ epoch, epochs, losses }) => {
    if (epoch % 50 === 0 || epoch === epochs) console.log(`  epoch ${epoch}/${epochs}  loss ${losses.loss.toFixed(3)}  kl ${losses.kl.toFixed(3)}  nll ${losses.nll0.toFixed(3)} / ${losses.nll1.toFixed(3)}`);
  },
});
const seconds = (performance.now() - t0) / 1000;

const right = vae.reconstruct([Lte, null])[1];
let sse = 0;
for (let i = 0; i < Rte.length; i++) for (let k = 0; k < 32; k++) sse += (right.data[i * 32 + k] - Rte[i][k]) ** 2;
const mse = sse / (Rte.length * 32);

const drawn = rowsOf(vae.sample([Lte, null], { seed: 1 })[1]);
const cross = judge.accuracy(Lte.map((l, i) => image(l, drawn[i])), yte);

const crossSeeds = [1, 2, 3, 4, 5].map((seed) => {
  const r = rowsOf(vae.sample([Lte, null], { seed })[1]);
  return judge.accuracy(Lte.map((l, i) => image(l, r[i])), yte);
});
const cm = crossSeeds.reduce((a, b) => a + b, 0) / 5, csd = Math.sqrt(crossSeeds.reduce((a, b) => a + (b - cm) ** 2, 0) / 4);
const meanCross = judge.accuracy(Lte.map((l, i) => image(l, right.data.subarray(i * 32, i * 32 + 32))), yte);
const [pl, pr] = vae.sample(1000, { seed: 2 });
const a = judgeL.predict(pl), b = judgeR.predict(pr);
let agree = 0;
for (let i = 0; i < 1000; i++) agree += a[i] === b[i] ? 1 : 0;

const t1 = performance.now();
const ll = vae.logLikelihood([Lte, Rte], { samples: 1000, seed: 3 });
const llSeconds = (performance.now() - t1) / 1000;

console.log(`MultimodalVAE ${JSON.stringify(options)}`);
console.log(`  final training loss ${history.at(-1).loss.toFixed(3)} nats/row`);
console.log(`  held-out MSE right from left   ${mse.toFixed(4)}   (target ≤ 0.0496)`);
console.log(`  cross-coherence (left → right) ${cross.toFixed(3)}    (target ≥ 0.78)`);
console.log(`  (cross-coherence over draw seeds 1…5: ${cm.toFixed(3)} ± ${csd.toFixed(3)})`);
console.log(`  (the same judge on [left | posterior-mean right] ${meanCross.toFixed(3)})`);
console.log(`  joint coherence (1000 prior)   ${(agree / 1000).toFixed(3)}`);
console.log(`  IW log-likelihood K=1000       ${ll.mean.toFixed(3)} nats/row (${llSeconds.toFixed(1)} s)`);
console.log(`  fit ${seconds.toFixed(1)} s`);
const ref = JSON.parse(readFileSync(new URL('../test/fixtures/mvae-reference.json', import.meta.url), 'utf8'));
const same = ['latent', 'batchSize', 'learningRate', 'beta'].every((k) => options[k] === ref.recipe[k]) && options.epochs === ref.recipe.epochs && JSON.stringify(options.hidden) === JSON.stringify(ref.recipe.hidden) && !process.env.INIT;
const r = ref.meanOverSeeds?.[options.fusion];
if (same && r)
  console.log(`  PyTorch reference (scripts/reference/mvae.py, mean over seeds 0, 1): loss ${r.finalLoss.toFixed(3)}, MSE ${r.mseRightFromLeft.toFixed(4)}, cross-coherence ${r.crossCoherence.toFixed(3)}, joint ${r.jointCoherence.toFixed(3)}, IW log-likelihood ${r.logLikelihood.toFixed(3)}, ${(r.secondsPerEpoch * options.epochs).toFixed(1)} s`);
for (const m of [vae, judge, judgeL, judgeR]) m.dispose();
