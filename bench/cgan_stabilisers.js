// ConditionalGAN's stabilisers (issue 39), each alone on today's recipe (Adam 2e-4 β1 0.5, D on
// [x | c]), and the default (the stabilised recipe) with each of its parts taken out, on the
// digits' class-conditioned recipe of the demo (noise 100, G 256-512, D 512-256, batch 64,
// rows 0…1499, one-hot labels), EPOCHS epochs (default 100), seed 0. Judged as the
// demo judges it (Classifier [64, 128, 10], 60 epochs, seed 0, on the training digits):
// conditional accuracy of 1000 samples (100 per class, generate seed 1), Fréchet distance to
// the held-out digits in the judge's features over the real floor (1000 training digits vs the
// held-out), precision and recall (and density and coverage where metrics has them) against
// the training digits, seconds per epoch.
//   npm run build:ts && node bench/cgan_stabilisers.js
//   EPOCHS=400 ONLY='today,ema*,hinge' node bench/cgan_stabilisers.js   (names, or prefixes with *)
//   ONLY=today,default SEED=1 node bench/cgan_stabilisers.js
//   VALIDATE=1 RECIPES='[["P", {"ema": 0.995}]]' node bench/cgan_stabilisers.js   (choosing: judged on rows 1200…1499)
import { init, metrics, Classifier, ConditionalGAN } from '../dist/index.js';
import { parseDigits } from '../dist/datasets.js';
import { readFileSync } from 'node:fs';

await init();
const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
const px = digits.pixels.map((r) => r.map((v) => v / 16)), labels = digits.labels;
// VALIDATE=1: choose recipes without the held-out digits: train on rows 0…1199, judge FD against rows 1200…1499
const cut = process.env.VALIDATE ? [1200, 1500] : [1500, px.length];
const train = px.slice(0, cut[0]), held = px.slice(cut[0], cut[1]), ytr = labels.slice(0, cut[0]);
const epochs = Number(process.env.EPOCHS ?? 100), seed = Number(process.env.SEED ?? 0), decay = Number(process.env.EMA ?? 0.999);
const judge = new Classifier({ layers: [64, 128, 10], epochs: 60, seed: 0 });
await judge.fit(train, ytr);
console.log(`judge: ${judge.accuracy(held, labels.slice(cut[0], cut[1])).toFixed(3)} on ${process.env.VALIDATE ? 'the validation rows' : 'held-out'}; ${epochs} epochs, seed ${seed}`);
const f = (x) => judge.features(x);
const fdReal = metrics.frechetDistance(f(train.slice(0, 1000)), f(held));
const wanted = Array.from({ length: 1000 }, (_, i) => i % 10), cond = ConditionalGAN.oneHot(wanted, 10);

// RECIPES='[["name", {options}], …]': these instead of the list below
// today: the recipe from before the stabilisers (its four options pin it, whatever the defaults);
// each stabiliser alone on it; the default (the stabilised recipe) and the default less each part
const today = { loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat' };
const recipes = process.env.RECIPES ? JSON.parse(process.env.RECIPES) : [
  ['today', today],
  [`ema ${decay}`, { ...today, ema: decay }],
  ['hinge', { ...today, loss: 'hinge' }],
  ['TTUR G 2e-4 / D 8e-4', { ...today, discriminatorLearningRate: 8e-4 }],
  ['spectralNorm (G 2e-4 / D 2e-4)', { ...today, spectralNorm: true, learningRate: 2e-4, discriminatorLearningRate: 2e-4 }],
  ['spectralNorm (its rates: G 4e-4 / D 1.6e-3)', { ...today, spectralNorm: true }],
  ['projection', { ...today, discriminator: 'projection' }],
  ['default', {}],
  ['default, ema false', { ema: false }],
  ['default, spectralNorm false (G 2e-4 / D 2e-4)', { spectralNorm: false }],
  ["default, discriminator 'concat'", { discriminator: 'concat' }],
  ["default, loss 'hinge'", { loss: 'hinge' }],
  ['default, ema 0.999', { ema: 0.999 }],
];
const only = process.env.ONLY?.split(',');
const rows = [];
for (const [name, o] of recipes) {
  if (only && !only.some((k) => name === k || (k.endsWith('*') && name.startsWith(k.slice(0, -1))))) continue; // a name, or a prefix*
  const gan = new ConditionalGAN({ epochs, seed, ...o });
  const t0 = performance.now();
  await gan.fit(train, ConditionalGAN.oneHot(ytr, 10));
  const secs = (performance.now() - t0) / 1000;
  const fake = gan.generate(cond, { seed: 1 });
  const acc = metrics.conditionalAccuracy(judge, fake, wanted);
  const fd = metrics.frechetDistance(f(fake), f(held));
  const pr = metrics.precisionRecall(f(train), f(fake));
  const dc = metrics.densityCoverage ? metrics.densityCoverage(f(train), f(fake)) : null;
  rows.push({ name, acc, fdRatio: fd / fdReal, precision: pr.precision, recall: pr.recall, density: dc?.density ?? NaN, coverage: dc?.coverage ?? NaN, perEpoch: secs / epochs });
  console.log(`${name}: done in ${secs.toFixed(1)} s`);
  gan.dispose();
}
const head = ['recipe', 'cond. acc.', 'FD / floor', 'precision', 'recall', 'density', 'coverage', 's / epoch'];
console.log(`\n| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.name} | ${r.acc.toFixed(3)} | ${r.fdRatio.toFixed(2)} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.density.toFixed(3)} | ${r.coverage.toFixed(3)} | ${r.perEpoch.toFixed(3)} |`);
console.log(`(FD floor: ${fdReal.toFixed(3)}, 1000 real training digits against the held-out)`);
judge.dispose();
