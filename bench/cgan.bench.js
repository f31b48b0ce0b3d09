// One training epoch of the conditional GAN's digits recipe before issue 39's stabilisers (noise 100, G 110→256→512→64
// sigmoid, D 74→512→256→1, LeakyReLU 0.01, Adam 2e-4 β1 0.5, batch 64, 1500 rows: 23 steps of
// a discriminator step on real and generated pairs and a non-saturating generator step)
// against the same networks and losses in TF.js (wasm backend, one thread, two tf.train.adam,
// gradients by autodiff, each step restricted to its network's variables) in the same run.
// Then the full recipe (400 epochs, the defaults) for seeds 0 and 1, and the cross-modal case (right half from the
// left half) against ridge regression, as the issue asks of `npm run bench`.
import { readFileSync } from 'node:fs';
import { Classifier, ConditionalGAN, Tensor, metrics, linalg } from '../dist/index.js';
import { parseDigits } from '../dist/datasets.js';
import { tf, tfDense } from './tfjs.js';
import { compareEpochs, rng, shuffledBatches } from './util.js';

const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
const px = digits.pixels.map((r) => r.map((v) => v / 16));
const train = px.slice(0, 1500), held = px.slice(1500), ytr = digits.labels.slice(0, 1500), yte = digits.labels.slice(1500);
const onehot = ConditionalGAN.oneHot(ytr, 10);
const batch = 64;

function tfGan(seed) {
  const r = rng(seed);
  const dense = (nin, nout) => tfDense(r, nin, nout);
  const G = [dense(110, 256), dense(256, 512), dense(512, 64)], D = [dense(74, 512), dense(512, 256), dense(256, 1)];
  const vars = (net) => net.flatMap((d) => [d.w, d.b]);
  const run = (net, h, last) => {
    net.forEach((d, l) => {
      h = tf.add(tf.matMul(h, d.w), d.b);
      h = l < net.length - 1 ? tf.leakyRelu(h, 0.01) : last(h);
    });
    return h;
  };
  const gen = (z, c) => run(G, tf.concat([z, c], 1), tf.sigmoid);
  const disc = (x, c) => run(D, tf.concat([x, c], 1), (h) => h);
  const X = tf.tensor2d(train), C = tf.tensor2d(Array.from({ length: 1500 }, (_, i) => Array.from(onehot.data.subarray(i * 10, i * 10 + 10))));
  const optG = tf.train.adam(2e-4, 0.5), optD = tf.train.adam(2e-4, 0.5);
  const ones = tf.ones([batch, 1]), zeros = tf.zeros([batch, 1]);
  const epoch = () => {
    for (const batchRows of shuffledBatches(1500, batch, r)) {
      const idx = tf.tensor1d(batchRows, 'int32');
      const xb = tf.gather(X, idx), cb = tf.gather(C, idx);
      // one z per batch for both steps, as crossmodal does (its G step reuses the D step's
      // samples; TF.js's tape-per-minimize recomputes G's forward)
      const z = tf.randomNormal([batch, 100]);
      const dl = optD.minimize(() => {
        const fake = gen(z, cb);
        return tf.add(tf.losses.sigmoidCrossEntropy(ones, disc(xb, cb)), tf.losses.sigmoidCrossEntropy(zeros, disc(fake, cb)));
      }, true, vars(D));
      const gl = optG.minimize(() => tf.losses.sigmoidCrossEntropy(ones, disc(gen(z, cb), cb)), true, vars(G));
      dl.dataSync();
      gl.dataSync();
      for (const t of [dl, gl, idx, xb, cb, z]) t.dispose();
    }
  };
  const dispose = () => {
    for (const v of [...vars(G), ...vars(D), X, C, ones, zeros]) v.dispose();
    optG.dispose();
    optD.dispose();
  };
  return { epoch, dispose };
}

// both sides get the data already in their own memory and build their networks inside the timing
const Xt = Tensor.from(train), Ct = Tensor.from(onehot);
await compareEpochs('cGAN', [1, 5], {
  ours: async (epochs) => {
    // the recipe TF.js runs: the concatenating D, BCE, one rate, no average (the defaults before issue 39)
    const gan = new ConditionalGAN({ loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat', epochs, seed: 0 });
    await gan.fit(Xt, Ct);
    gan.dispose();
  },
  peer: (epochs) => {
    const peer = tfGan(1);
    for (let e = 0; e < epochs; e++) peer.epoch();
    peer.dispose();
  },
});
Xt.dispose();
Ct.dispose();

// BENCH_QUICK=1 stops here (the recipe runs take a few minutes)
if (process.env.BENCH_QUICK) {
  console.log('(BENCH_QUICK: the 400-epoch runs are skipped)');
} else {
// the judge: the package's classifier on the real training rows, features = its hidden layer
const judge = new Classifier({ layers: [64, 128, 10], epochs: 60, seed: 0 });
await judge.fit(train, ytr);
console.log(`judge: held-out accuracy ${judge.accuracy(held, yte).toFixed(3)}`);
const f = (x) => judge.features(x);

// SEEDS=0,1 (default): the class-conditioned recipe's seeds; RECIPE='{"loss":"bce",…}' for other options than the defaults
const recipe = JSON.parse(process.env.RECIPE ?? '{}');
for (const seed of (process.env.SEEDS ?? '0,1').split(',').map(Number)) {
  const t0 = performance.now();
  const gan = new ConditionalGAN({ ...recipe, epochs: 400, seed });
  await gan.fit(train, onehot);
  const secs = (performance.now() - t0) / 1000;
  const labels = Array.from({ length: 1000 }, (_, i) => i % 10);
  const fake = gan.generate(ConditionalGAN.oneHot(labels, 10), { seed: 1 });
  const acc = metrics.conditionalAccuracy(judge, fake, labels);
  const fd = metrics.frechetDistance(f(fake), f(held)), fdReal = metrics.frechetDistance(f(train.slice(0, 1000)), f(held));
  const pr = metrics.precisionRecall(f(train), f(fake)), dc = metrics.densityCoverage(f(train), f(fake));
  console.log(`class-conditioned recipe, seed ${seed}: ${secs.toFixed(1)} s for 400 epochs; conditional accuracy ${acc.toFixed(3)} (≥ 0.95); FD ${(fd / fdReal).toFixed(2)}× the real-vs-real FD (≤ 2); precision ${pr.precision.toFixed(3)} (≥ 0.6), recall ${pr.recall.toFixed(3)} (≥ 0.45), density ${dc.density.toFixed(3)}, coverage ${dc.coverage.toFixed(3)}`);
  gan.dispose();
}

// cross-modal: the right half generated from the left half (32-dimensional condition)
{
  const left = digits.left, right = digits.right;
  const t0 = performance.now();
  const gan = new ConditionalGAN({ ...recipe, epochs: 400, seed: 0 });
  await gan.fit(right.slice(0, 1500), left.slice(0, 1500));
  const secs = (performance.now() - t0) / 1000;
  const genRight = gan.generate(left.slice(1500), { seed: 1 });
  // ridge regression with intercept, ridge 1e-2, by the normal equations through eigh
  const X = left.slice(0, 1500), Y = right.slice(0, 1500);
  const mean = (A) => A[0].map((_, j) => A.reduce((s, row) => s + row[j], 0) / A.length);
  const mx = mean(X), my = mean(Y);
  const G = linalg.matmul(X.map((r) => r.map((v, j) => v - mx[j])), X.map((r) => r.map((v, j) => v - mx[j])), { transposeA: true });
  const XtY = linalg.matmul(X.map((r) => r.map((v, j) => v - mx[j])), Y.map((r) => r.map((v, j) => v - my[j])), { transposeA: true });
  const { values, vectors } = linalg.eigh(G);
  const V = vectors.toArray();
  const inv = V.map((_, a) => V.map((_, b) => V[a].reduce((s, _, k) => s + (V[a][k] * V[b][k]) / (values[k] + 1e-2), 0)));
  const B = linalg.matmul(inv, XtY).toArray();
  const ridgeRight = left.slice(1500).map((r) => my.map((m, k) => m + r.reduce((s, v, j) => s + (v - mx[j]) * B[j][k], 0)));
  for (const m of [G, XtY, vectors]) m.dispose();
  // whole digits: the real left half with the generated / ridge right half, image row by row
  const join = (l, rr) => Array.from({ length: 8 }, (_, row) => [...l.slice(row * 4, row * 4 + 4), ...rr.slice(row * 4, row * 4 + 4)]).flat();
  const completed = (r) => left.slice(1500).map((l, i) => join(l, Array.from(r.data.subarray(i * 32, i * 32 + 32))));
  const withGan = completed(genRight);
  const withRidge = left.slice(1500).map((l, i) => join(l, ridgeRight[i]));
  const fdGan = metrics.frechetDistance(f(withGan), f(held)), fdRidge = metrics.frechetDistance(f(withRidge), f(held));
  const accGan = judge.accuracy(withGan, yte), accRidge = judge.accuracy(withRidge, yte);
  console.log(`cross-modal (right half from the left), seed 0: ${secs.toFixed(1)} s; FD to the real held-out digits ${fdGan.toFixed(3)} (ridge-completed ${fdRidge.toFixed(3)}, must be lower); judge accuracy ${accGan.toFixed(3)} (ridge-completed ${accRidge.toFixed(3)}, at least that − 0.02)`);
  // one generation seed is one draw of z per held-out row: the mean over ten says how much it matters
  let accSum = 0, fdSum = 0;
  for (let s = 1; s <= 10; s++) {
    const w = completed(gan.generate(left.slice(1500), { seed: s }));
    accSum += judge.accuracy(w, yte);
    fdSum += metrics.frechetDistance(f(w), f(held));
  }
  console.log(`  over generation seeds 1..10: mean judge accuracy ${(accSum / 10).toFixed(3)}, mean FD ${(fdSum / 10).toFixed(3)}`);
  gan.dispose();
}
judge.dispose();
}
