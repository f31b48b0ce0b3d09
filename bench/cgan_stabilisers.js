// ConditionalGAN's stabilisers (issue 39), each alone against today's recipe, on the digits'
// class-conditioned recipe of the demo (noise 100, G 256-512, D 512-256, Adam 2e-4 β1 0.5,
// batch 64, rows 0…1499, one-hot labels), EPOCHS epochs (default 100), seed 0. Judged as the
// demo judges it (Classifier [64, 128, 10], 60 epochs, seed 0, on the training digits):
// conditional accuracy of 1000 samples (100 per class, generate seed 1), Fréchet distance to
// the held-out digits in the judge's features over the real floor (1000 training digits vs the
// held-out), precision and recall (and density and coverage where metrics has them) against
// the training digits, seconds per epoch.
//   npm run build:ts && node bench/cgan_stabilisers.js
//   EPOCHS=400 ONLY=ema,hinge node bench/cgan_stabilisers.js
//   COMBOS=1 ONLY=ema EMA=0.99 node bench/cgan_stabilisers.js     (the stabilisers together; another decay)
//   ONLY='spectralNorm,ema 0.999 +' node bench/cgan_stabilisers.js  (spectral normalisation of D, alone and with ema, hinge)
//   ONLY=today,projection node bench/cgan_stabilisers.js   (the projection discriminator, alone and with ema + spectralNorm)
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
const recipes = process.env.RECIPES ? JSON.parse(process.env.RECIPES) : [
  ['today', {}],
  [`ema ${decay}`, { ema: decay }],
  ['hinge', { loss: 'hinge' }],
  ['TTUR G 1e-4 / D 4e-4', { learningRate: 1e-4, discriminatorLearningRate: 4e-4 }],
  ['spectralNorm', { spectralNorm: true }],
  [`ema ${decay} + spectralNorm`, { ema: decay, spectralNorm: true }],
  [`ema ${decay} + hinge + spectralNorm`, { ema: decay, loss: 'hinge', spectralNorm: true }],
  // the projection discriminator (Miyato & Koyama 2018): ψ(φ(x)) + ⟨V c̃, φ(x)⟩ instead of D on [x | c̃]
  ['projection', { discriminator: 'projection' }],
  [`projection + ema ${decay} + spectralNorm`, { discriminator: 'projection', ema: decay, spectralNorm: true }],
  // COMBOS=1: the pairs and the three together
  ...(process.env.COMBOS
    ? [
        ['ema + hinge', { ema: decay, loss: 'hinge' }],
        ['ema + TTUR', { ema: decay, learningRate: 1e-4, discriminatorLearningRate: 4e-4 }],
        ['hinge + TTUR', { loss: 'hinge', learningRate: 1e-4, discriminatorLearningRate: 4e-4 }],
        ['ema + hinge + TTUR', { ema: decay, loss: 'hinge', learningRate: 1e-4, discriminatorLearningRate: 4e-4 }],
      ]
    : []),
];
const only = process.env.ONLY?.split(',');
const rows = [];
for (const [name, o] of recipes) {
  if (only && !only.some((k) => name.startsWith(k))) continue;
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
