// The class-conditioned GAN on Fashion-MNIST (issue 39): "30 epochs, batch 128: conditional
// accuracy ≥ 0.85 by a classifier you train, and the Fréchet distance over the floor at least a
// quarter lower than today's recipe's (measured in the same run)". The demo's networks scaled to
// 784 pixels (noise 100, G 110 → 256 → 512 → 784 sigmoid, D [512, 256]), the 60,000 training
// images / 255 with their one-hot labels, batch 128, EPOCHS epochs (default 30), seed SEED
// (default 0); two recipes one after the other: "today" (the recipe before the stabilisers: bce,
// no ema, no spectral normalisation, D on [x | c̃], Adam 2e-4 β1 0.5) and "default" ({}, the
// library's defaults). The judge: a Classifier [784, 256, 10] (5 epochs, seed 0) trained on the
// 60,000 training images (its accuracy on the 10,000 test images is printed). For each recipe:
// conditional accuracy of 1000 samples (100 per class, generate seed 1), the Fréchet distance in
// the judge's features to the first 1000 test images over the real floor (the first 1000
// training images vs the same test images), precision/recall and density/coverage in the
// judge's features against the first 1000 training images, seconds per epoch; and a picture,
// bench/out/cgan-fashion-<recipe>.png (a row per class, T-shirt/top, trouser, pullover, dress,
// coat, sandal, shirt, sneaker, bag, ankle boot; 10 samples each). Needs Debian's
// dataset-fashion-mnist (idx files under /usr/share/datasets/fashion-mnist; never shipped, never
// in npm test): skipped with a notice when absent. Minutes, not seconds.
//   npm run build:ts && node bench/cgan_fashion.js
//   EPOCHS=2 ONLY=today node bench/cgan_fashion.js
//   RECIPES='[["today",{"loss":"bce","ema":false,"spectralNorm":false,"discriminator":"concat"}],["stabilised",{"discriminator":"projection","spectralNorm":true,"ema":0.99}]]' node bench/cgan_fashion.js
// (RECIPES replaces the list; the first recipe is the one the others are compared with.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { init, metrics, Classifier, ConditionalGAN } from '../dist/index.js';

const DIR = '/usr/share/datasets/fashion-mnist';
if (!existsSync(`${DIR}/train-images-idx3-ubyte.gz`)) {
  console.log(`## cGAN on Fashion-MNIST: skipped (${DIR} not found: apt-get install dataset-fashion-mnist)`);
  process.exit(0);
}
await init();

/** an idx3 image file as Float32 {data, rows, cols}, pixels / 255 */
const images = (file) => {
  const b = gunzipSync(readFileSync(`${DIR}/${file}`));
  const n = b.readUInt32BE(4), cols = b.readUInt32BE(8) * b.readUInt32BE(12);
  const data = new Float32Array(n * cols);
  for (let i = 0; i < n * cols; i++) data[i] = b[16 + i] / 255;
  return { data, rows: n, cols };
};
/** an idx1 label file as an Int32Array */
const labelsOf = (file) => {
  const b = gunzipSync(readFileSync(`${DIR}/${file}`));
  return Int32Array.from(b.subarray(8, 8 + b.readUInt32BE(4)));
};
/** the first n rows of a {data, rows, cols} */
const head = (m, n) => ({ data: m.data.slice(0, n * m.cols), rows: n, cols: m.cols });

const X = images('train-images-idx3-ubyte.gz'), y = labelsOf('train-labels-idx1-ubyte.gz');
const Xt = images('t10k-images-idx3-ubyte.gz'), yt = labelsOf('t10k-labels-idx1-ubyte.gz');
const epochs = Number(process.env.EPOCHS ?? 30), seed = Number(process.env.SEED ?? 0);

let t0 = performance.now();
const judge = new Classifier({ layers: [784, 256, 10], epochs: 5, seed: 0 });
await judge.fit(X, y);
console.log(`judge: Classifier [784, 256, 10], 5 epochs: ${judge.accuracy(Xt, yt).toFixed(3)} on the 10,000 test images (${((performance.now() - t0) / 1000).toFixed(1)} s); GAN: ${epochs} epochs, batch 128, seed ${seed}`);
const f = (x) => judge.features(x);
const realTrain = f(head(X, 1000)), realTest = f(head(Xt, 1000));
const fdReal = metrics.frechetDistance(realTrain, realTest);
const wanted = Array.from({ length: 1000 }, (_, i) => i % 10), cond = ConditionalGAN.oneHot(wanted, 10);
const c = ConditionalGAN.oneHot(y, 10);

/** 10 rows (one per class) of 10 samples, 28×28 grey (white clothes on black), each pixel 2×2 */
const picture = (fake, file) => {
  const size = 28, cell = 2, pad = 4, side = size * cell;
  const png = new PNG({ width: 10 * (side + pad) + pad, height: 10 * (side + pad) + pad });
  for (let o = 0; o < png.data.length; o += 4) png.data.fill(96, o, o + 3), (png.data[o + 3] = 255);
  for (let k = 0; k < 10; k++)
    for (let j = 0; j < 10; j++) {
      const s = k + 10 * j; // sample s has the condition s % 10 = k
      for (let p = 0; p < size * size; p++) {
        const g = Math.round(255 * Math.min(1, Math.max(0, fake.data[s * fake.cols + p])));
        const x0 = pad + j * (side + pad) + (p % size) * cell, y0 = pad + k * (side + pad) + Math.floor(p / size) * cell;
        for (let dy = 0; dy < cell; dy++)
          for (let dx = 0; dx < cell; dx++) {
            const o = ((y0 + dy) * png.width + x0 + dx) * 4;
            png.data[o] = png.data[o + 1] = png.data[o + 2] = g;
          }
      }
    }
  writeFileSync(file, PNG.sync.write(png));
};

// RECIPES='[["name", {options}], …]': these instead of the list below
const recipes = process.env.RECIPES ? JSON.parse(process.env.RECIPES) : [
  ['today', { loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat' }],
  ['default', {}],
];
const only = process.env.ONLY?.split(',');
const outDir = new URL('./out/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const rows = [];
for (const [name, o] of recipes) {
  if (only && !only.includes(name)) continue;
  const gan = new ConditionalGAN({ noise: 100, hidden: [256, 512], discriminatorHidden: [512, 256], batchSize: 128, epochs, seed, ...o });
  console.log(`${name}: ${JSON.stringify(o)} → loss ${gan.loss}, ema ${gan.ema}, spectralNorm ${gan.spectralNorm}, discriminator ${gan.discriminatorKind}, lr G ${gan.learningRate} / D ${gan.discriminatorLearningRate}, β1 ${gan.beta1}`);
  t0 = performance.now();
  let seconds = NaN;
  await gan.fit(X, c, {
    onEpoch: (e) => {
      seconds = e.seconds;
      if (e.epoch % 5 === 0 || e.epoch === e.epochs || e.epoch === 1) {
        const l = e.losses;
        console.log(`  epoch ${e.epoch}/${e.epochs}: D ${l.discriminator.toFixed(3)}, G ${l.generator.toFixed(3)}, D right on real ${l.realAccuracy.toFixed(2)} / fake ${l.fakeAccuracy.toFixed(2)} (${e.seconds.toFixed(0)} s)`);
      }
    },
  });
  if (!Number.isFinite(seconds)) seconds = (performance.now() - t0) / 1000;
  const fake = gan.generate(cond, { seed: 1 });
  const ff = f(fake);
  const acc = metrics.conditionalAccuracy(judge, fake, wanted);
  const fd = metrics.frechetDistance(ff, realTest);
  const pr = metrics.precisionRecall(realTrain, ff);
  const dc = metrics.densityCoverage(realTrain, ff);
  const file = new URL(`cgan-fashion-${name.replace(/[^\w.-]+/g, '_')}.png`, outDir);
  picture(fake, file);
  rows.push({ name, acc, fd, fdRatio: fd / fdReal, precision: pr.precision, recall: pr.recall, density: dc.density, coverage: dc.coverage, perEpoch: seconds / epochs });
  console.log(`${name}: done in ${seconds.toFixed(1)} s; ${file.pathname}`);
  gan.dispose();
}
const cols = ['recipe', 'cond. acc.', 'FD / floor', 'precision', 'recall', 'density', 'coverage', 's / epoch'];
console.log(`\n| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.name} | ${r.acc.toFixed(3)} | ${r.fdRatio.toFixed(2)} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.density.toFixed(3)} | ${r.coverage.toFixed(3)} | ${r.perEpoch.toFixed(2)} |`);
console.log(`(FD floor: ${fdReal.toFixed(3)}, the first 1000 training images against the first 1000 test images, in the judge's features)`);
const pct = (v) => `${(100 * v).toFixed(1)} %`;
const [base, ...others] = rows;
for (const r of others) {
  const ratio = r.fdRatio / base.fdRatio, excess = (r.fd - fdReal) / (base.fd - fdReal);
  console.log(
    `${r.name} vs ${base.name}: FD / floor ${r.fdRatio.toFixed(2)} vs ${base.fdRatio.toFixed(2)}, ${pct(1 - ratio)} lower (ratio ${ratio.toFixed(3)}; ` +
      `a quarter lower: ${ratio <= 0.75 ? 'yes' : 'no'}); FD − floor ${(r.fd - fdReal).toFixed(3)} vs ${(base.fd - fdReal).toFixed(3)}, ${pct(1 - excess)} lower (ratio ${excess.toFixed(3)})`,
  );
}
for (const r of rows) console.log(`${r.name}: conditional accuracy ${r.acc.toFixed(3)} ${r.acc >= 0.85 ? '≥' : '<'} 0.85`);
judge.dispose();
