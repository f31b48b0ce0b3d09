// npm run demo: linear CCA, MCCA on the four quadrants and DeepCCA on the bundled digits halves (left 4 columns of each
// 8×8 image vs right 4 columns, pixels / 16; rows 0..1499 train, 1500..1796 held out).
// Then the multimodal autoencoder: each half reconstructed from the other, against ridge
// regression and the mean, and a picture of held-out digits (demo/out/autoencoder-digits.png).
// Then the conditional GAN: digits generated per class (100 epochs; --full runs the 400-epoch
// recipe), judged by a classifier trained on the real digits, and the right half generated
// from the left half (50 epochs, 400 with --full; demo/out/cgan-digits.png,
// demo/out/cgan-right-from-left.png). Then the multimodal VAE (its defaults): the right half
// sampled given the left, judged by the same classifier, and a picture of held-out digits
// completed by samples (demo/out/vae-digits.png). The default run stays under 90 s (about 65 s
// on two cores).
// Options: --quick trains DeepCCA for 20 epochs instead of 200, the autoencoder and the VAE for
// 30 instead of 300 and the GANs for 10; --threads N uses N threads (default: every core;
// the numbers are the same bits for every count).
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { init, linalg, metrics, CCA, Classifier, ConditionalGAN, DeepCCA, MCCA, MultimodalAutoencoder, MultimodalVAE, formatSignificance } from '../dist/index.js';
import { loadDigits } from '../dist/datasets.js';

const quick = process.argv.includes('--quick');
const ti = process.argv.indexOf('--threads');
const info = await init({ threads: ti > 0 ? Number(process.argv[ti + 1]) : 'auto' });
const digits = await loadDigits();
const [trainX, testX] = [digits.left.slice(0, 1500), digits.left.slice(1500)];
const [trainY, testY] = [digits.right.slice(0, 1500), digits.right.slice(1500)];
const sum = (a) => a.reduce((s, v) => s + v, 0);
console.log(`crossmodal demo — wasm build: ${info.build}, ${info.threads} thread${info.threads > 1 ? 's' : ''}${info.threadsFallback ? ` (${info.threadsFallback})` : ''}`);
console.log(`digits: ${trainX.length} training rows, ${testX.length} held-out rows, views of ${trainX[0].length} and ${trainY[0].length} pixels\n`);

// ---- linear CCA ----
let t0 = performance.now();
const cca = new CCA({ components: 10, regularization: 1e-4 }).fit(trainX, trainY);
const ccaMs = performance.now() - t0;
const ccaTrain = cca.correlations, ccaHeld = cca.score(testX, testY);
console.log(`Linear CCA (ridge 1e-4, 10 components), fitted in ${ccaMs.toFixed(1)} ms`);
t0 = performance.now();
const perm = cca.permutationTest(trainX, trainY, { permutations: 999, seed: 0 });
const permMs = performance.now() - t0;
console.log("Significance (H0: correlation k and all later ones are zero; Wilks' lambda, Bartlett chi², Rao F;");
console.log(`p(perm): Winkler et al.'s permutation test, 999 permutations, family-wise, ${(permMs / 1000).toFixed(1)} s)`);
console.log(formatSignificance(cca.significance().slice(0, 12), perm.pValues));
t0 = performance.now();
const cv = CCA.crossValidate(trainX, trainY, { regularization: [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], folds: 5, components: 10 });
const cvMs = performance.now() - t0;
console.log(`5-fold cross-validation of the ridge (${cvMs.toFixed(0)} ms), held-out sum of the 10 correlations: ` + cv.table.map((r) => `${r.regularization}: ${r.score.toFixed(2)}`).join(', '));
{
  const picked = new CCA({ components: 10, regularization: cv.best.regularization }).fit(trainX, trainY);
  console.log(`  picked ${cv.best.regularization}: held-out sum ${sum(picked.score(testX, testY)).toFixed(3)} (ridge 1e-4 above: ${sum(ccaHeld).toFixed(3)})`);
  picked.dispose();
}
console.log();

// ---- MCCA on four views: the 4×4 quadrants of each digit ----
{
  const quad = (half, side) => digits[side].map((r) => r.slice(half * 16, half * 16 + 16));
  const views = [quad(0, 'left'), quad(0, 'right'), quad(1, 'left'), quad(1, 'right')];
  const t = performance.now();
  const mcca = new MCCA({ components: 5, regularization: 1e-3 }).fit(views.map((v) => v.slice(0, 1500)));
  const held = mcca.score(views.map((v) => v.slice(1500)));
  console.log(`MCCA on the four 4×4 quadrants (ridge 1e-3, 5 components), fitted in ${(performance.now() - t).toFixed(1)} ms`);
  console.log('  mean pairwise correlation, train / held-out:');
  console.log('  ' + Array.from(mcca.correlations, (c, k) => `${c.toFixed(3)} / ${held[k].toFixed(3)}`).join('   '));
  console.log('  (scipy.linalg.eigh(C, D) on the same split: 0.635 / 0.669 for the first component)\n');
  mcca.dispose();
}

// ---- DeepCCA ----
const epochs = quick ? 20 : 200;
console.log(`DeepCCA (towers 256-256 LeakyReLU, Adam 1e-3, batch 500, ${epochs} epochs, seed 0)`);
const dcca = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs, seed: 0 });
t0 = performance.now();
const tty = process.stdout.isTTY;
await dcca.fit(trainX, trainY, {
  onEpoch: ({ epoch, epochs, losses, seconds }) => {
    const line = `  epoch ${String(epoch).padStart(3)}/${epochs}  batch correlation ${losses.correlation.toFixed(3)}  ${seconds.toFixed(1)} s`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (epoch % 20 === 0 || epoch === epochs) console.log(line);
  },
});
if (tty) process.stdout.write('\n');
const dccaSecs = (performance.now() - t0) / 1000;
const dTrain = dcca.correlations, dHeld = dcca.score(testX, testY);
console.log(`  trained in ${dccaSecs.toFixed(1)} s\n`);

console.log('Canonical correlations per component (train / held-out)');
console.log(' k   linear CCA        DeepCCA');
for (let k = 0; k < 10; k++)
  console.log(`${String(k).padStart(2)}   ${ccaTrain[k].toFixed(3)} / ${ccaHeld[k].toFixed(3)}   ${dTrain[k].toFixed(3)} / ${dHeld[k].toFixed(3)}`);
console.log(`sum  ${sum(ccaTrain).toFixed(3)} / ${sum(ccaHeld).toFixed(3)}   ${sum(dTrain).toFixed(3)} / ${sum(dHeld).toFixed(3)}`);
console.log('\n(reference on this split: linear CCA held-out 5.53; a PyTorch DeepCCA with this recipe 7.99)');
cca.dispose();
dcca.dispose();

/** A white PNG of rows × cols 8×8 digits (each pixel a 6×6 square); draw(row, col, left, right) takes the two halves as k → value. */
function picture(cols, rows, cell = 6, pad = 6) {
  const size = 8 * cell;
  const png = new PNG({ width: cols * (size + pad) + pad, height: rows * (size + pad) + pad });
  png.data.fill(255);
  const draw = (row, col, left, right) => {
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const v = x < 4 ? left(y * 4 + x) : right(y * 4 + x - 4);
        const g = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
        for (let dy = 0; dy < cell; dy++)
          for (let dx = 0; dx < cell; dx++) {
            const o = ((pad + row * (size + pad) + y * cell + dy) * png.width + pad + col * (size + pad) + x * cell + dx) * 4;
            png.data[o] = png.data[o + 1] = png.data[o + 2] = g;
          }
      }
  };
  return { png, draw };
}
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });

// ---- multimodal autoencoder ----
const aeEpochs = quick ? 30 : 300;
console.log(`\nMultimodal autoencoder (encoders 128, code 32, trunk 256, sigmoid heads, modality dropout 2/3, batch 100, ${aeEpochs} epochs, seed 0)`);
const ae = new MultimodalAutoencoder({ batchSize: 100, epochs: aeEpochs, seed: 0 });
t0 = performance.now();
await ae.fit([trainX, trainY], {
  onEpoch: ({ epoch, epochs, losses, seconds }) => {
    const line = `  epoch ${String(epoch).padStart(3)}/${epochs}  loss ${losses.loss.toFixed(4)}  ${seconds.toFixed(1)} s`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (epoch % 50 === 0 || epoch === epochs) console.log(line);
  },
});
if (tty) process.stdout.write('\n');
console.log(`  trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const table = ae.evaluate([testX, testY]);
const given = (g) => table.find((t) => t.given.join() === g).mse;

/** Held-out MSE of ridge regression with intercept (B = (XcᵀXc + αI)⁻¹ XcᵀYc, by eigh) and of the training mean. */
function baselines(X, Y, Xt, Yt, alpha) {
  const means = (A) => A[0].map((_, j) => A.reduce((s, r) => s + r[j], 0) / A.length);
  const mx = means(X), my = means(Y);
  const Xc = X.map((r) => r.map((v, j) => v - mx[j])), Yc = Y.map((r) => r.map((v, j) => v - my[j]));
  const G = linalg.matmul(Xc, Xc, { transposeA: true }), XtY = linalg.matmul(Xc, Yc, { transposeA: true });
  const { values, vectors } = linalg.eigh(G);
  const V = vectors.toArray(), p = V.length;
  const inv = V.map((_, a) => V.map((_, b) => V[a].reduce((s, _, k) => s + (V[a][k] * V[b][k]) / (values[k] + alpha), 0)));
  const B = linalg.matmul(inv, XtY).toArray();
  let ridge = 0, mean = 0;
  Xt.forEach((r, i) => Yt[i].forEach((y, k) => {
    const pred = my[k] + r.reduce((s, v, j) => s + (v - mx[j]) * B[j][k], 0);
    ridge += (pred - y) ** 2;
    mean += (my[k] - y) ** 2;
  }));
  for (const m of [G, XtY, vectors]) m.dispose();
  const c = Yt.length * Yt[0].length;
  return { ridge: ridge / c, mean: mean / c, p };
}
const toRight = baselines(trainX, trainY, testX, testY, 1e-2), toLeft = baselines(trainY, trainX, testY, testX, 1e-2);
console.log('Held-out MSE per pixel (pixels / 16)   autoencoder   ridge 1e-2   mean');
console.log(`  right half from the left half        ${given('0')[1].toFixed(4)}        ${toRight.ridge.toFixed(4)}       ${toRight.mean.toFixed(4)}`);
console.log(`  left half from the right half        ${given('1')[0].toFixed(4)}        ${toLeft.ridge.toFixed(4)}       ${toLeft.mean.toFixed(4)}`);
console.log(`  both halves given (left / right)     ${given('0,1')[0].toFixed(4)} / ${given('0,1')[1].toFixed(4)}`);
console.log('(reference on this split: a PyTorch variant of this recipe, right from left 0.0454, both given 0.0081)');

// the picture: per held-out digit, the real image; the right half filled in from the left;
// the left half filled in from the right (8×8 pixels, each drawn as a 6×6 square)
const [, rightFromLeft] = ae.reconstruct([testX, null]);
const [leftFromRight] = ae.reconstruct([null, testY]);
const shown = 16;
const grid = picture(shown, 3);
const half = (rows, i) => (k) => rows[i][k];
const fromResult = (r, i) => (k) => r.data[i * r.cols + k];
for (let i = 0; i < shown; i++) {
  grid.draw(0, i, half(testX, i), half(testY, i));
  grid.draw(1, i, half(testX, i), fromResult(rightFromLeft, i));
  grid.draw(2, i, fromResult(leftFromRight, i), half(testY, i));
}
const file = new URL('./out/autoencoder-digits.png', import.meta.url);
writeFileSync(file, PNG.sync.write(grid.png));
console.log(`  wrote ${file.pathname}: held-out digits, real (top), right half from the left (middle), left half from the right (bottom)`);
ae.dispose();

// ---- conditional GAN ----
const full = process.argv.includes('--full');
const ganEpochs = full ? 400 : quick ? 10 : 100;
const labels = digits.labels, px = digits.pixels.map((r) => r.map((v) => v / 16));
const judge = new Classifier({ layers: [64, 128, 10], epochs: 60, seed: 0 });
await judge.fit(px.slice(0, 1500), labels.slice(0, 1500));
console.log(`\nConditional GAN (noise 100, G 256-512, a projection D 512-256 with spectral normalisation, Adam 4e-4 for G and 1.6e-3 for D, β1 0.5, samples from G's moving average (decay 0.99), batch 64, ${ganEpochs} epochs${full ? '' : '; --full runs 400'}, seed 0)`);
console.log(`  judge: classifier [64, 128, 10] on the real training digits, ${judge.accuracy(px.slice(1500), labels.slice(1500)).toFixed(3)} held out`);
const progress = (what) => ({ epoch, epochs, losses, seconds }) => {
  const line = `  ${what} epoch ${String(epoch).padStart(3)}/${epochs}  D ${losses.discriminator.toFixed(3)}  G ${losses.generator.toFixed(3)}  D right on real ${losses.realAccuracy.toFixed(2)} / fake ${losses.fakeAccuracy.toFixed(2)}  ${seconds.toFixed(1)} s`;
  if (tty) process.stdout.write(`\r${line}`);
  else if (epoch % 25 === 0 || epoch === epochs) console.log(line);
};
const gan = new ConditionalGAN({ epochs: ganEpochs, seed: 0 });
await gan.fit(px.slice(0, 1500), ConditionalGAN.oneHot(labels.slice(0, 1500), 10), { onEpoch: progress('class-conditioned') });
if (tty) process.stdout.write('\n');
const wanted = Array.from({ length: 1000 }, (_, i) => i % 10);
const fake = gan.generate(ConditionalGAN.oneHot(wanted, 10), { seed: 1 });
const feat = (x) => judge.features(x);
const fd = metrics.frechetDistance(feat(fake), feat(px.slice(1500))), fdReal = metrics.frechetDistance(feat(px.slice(0, 1000)), feat(px.slice(1500)));
const kid = metrics.kernelDistance(feat(fake), feat(px.slice(0, 1500)), { subsets: 20, subsetSize: 500 });
const pr = metrics.precisionRecall(feat(px.slice(0, 1500)), feat(fake)), dc = metrics.densityCoverage(feat(px.slice(0, 1500)), feat(fake));
console.log(`  1000 generated digits (100 per class): ${(100 * metrics.conditionalAccuracy(judge, fake, wanted)).toFixed(1)} % classified as their condition`);
console.log(`  Fréchet distance to the held-out digits (judge's features) ${fd.toFixed(3)}, ${(fd / fdReal).toFixed(2)}× that of 1000 real training digits`);
console.log(`  KID ${kid.mean.toFixed(4)} ± ${kid.std.toFixed(4)}; precision ${pr.precision.toFixed(3)}, recall ${pr.recall.toFixed(3)}, density ${dc.density.toFixed(3)}, coverage ${dc.coverage.toFixed(3)} against the training digits`);
if (!full) console.log('  (400 epochs, --full, reach 99 % classified as their condition, 1.1× the real-vs-real Fréchet distance and recall 0.75–0.79 for seeds 0 and 1)');
const classes = picture(10, 10);
const digitOf = (r, i) => [(k) => r.data[i * 64 + Math.floor(k / 4) * 8 + (k % 4)], (k) => r.data[i * 64 + Math.floor(k / 4) * 8 + 4 + (k % 4)]];
for (let i = 0; i < 100; i++) classes.draw(i % 10, Math.floor(i / 10), ...digitOf(fake, i));
const ganFile = new URL('./out/cgan-digits.png', import.meta.url);
writeFileSync(ganFile, PNG.sync.write(classes.png));
console.log(`  wrote ${ganFile.pathname}: one row per class, ten samples each`);
gan.dispose();

// cross-modal: the right half generated from the real left half
const cross = new ConditionalGAN({ epochs: full ? 400 : quick ? 10 : 50, seed: 0 });
await cross.fit(trainY, trainX, { onEpoch: progress('right from left') });
if (tty) process.stdout.write('\n');
const genRight = cross.generate(testX, { seed: 1 });
const pairs = picture(shown, 2);
for (let i = 0; i < shown; i++) {
  pairs.draw(0, i, half(testX, i), half(testY, i));
  pairs.draw(1, i, half(testX, i), fromResult(genRight, i));
}
const crossFile = new URL('./out/cgan-right-from-left.png', import.meta.url);
writeFileSync(crossFile, PNG.sync.write(pairs.png));
console.log(`  wrote ${crossFile.pathname}: held-out digits, real (top), the real left half with a generated right half (bottom)`);

// ---- multimodal VAE: the missing half sampled, not guessed once ----
{
  const vae = new MultimodalVAE({ seed: 0, ...(quick ? { epochs: 30 } : {}) });
  console.log(`\nMultimodal VAE (fusion '${vae.fusion}', latent ${vae.latent}, hidden [${vae.hidden}], β ${vae.beta}, Bernoulli pixels, batch ${vae.batchSize}, ${vae.epochs} epochs, seed 0)`);
  const t = performance.now();
  await vae.fit([trainX, trainY], {
    onEpoch: ({ epoch, epochs, losses, seconds }) => {
      const line = `  epoch ${String(epoch).padStart(3)}/${epochs}  loss ${losses.loss.toFixed(3)} nats/row  KL ${losses.kl.toFixed(3)}  ${seconds.toFixed(1)} s`;
      if (tty) process.stdout.write(`\r${line}`);
      else if (epoch % 100 === 0 || epoch === epochs) console.log(line);
    },
  });
  if (tty) process.stdout.write('\n');
  console.log(`  trained in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const [, meanRight] = vae.reconstruct([testX, null]);
  let se = 0;
  testY.forEach((r, i) => r.forEach((v, k) => (se += (meanRight.data[i * 32 + k] - v) ** 2)));
  // the judge sees whole digits: the real left half joined to a sampled right half
  const joined = (left, right) => left.map((r, i) => Array.from({ length: 64 }, (_, k) => ((k % 8) < 4 ? r[Math.floor(k / 8) * 4 + (k % 8)] : right.data[i * 32 + Math.floor(k / 8) * 4 + (k % 8) - 4])));
  const draws = [1, 2, 3].map((seed) => vae.sample([testX, null], { seed })[1]);
  const heldLabels = labels.slice(1500);
  const coherence = draws.map((r) => metrics.crossCoherence(judge, joined(testX, r), heldLabels));
  const cganCoherence = metrics.crossCoherence(judge, joined(testX, genRight), heldLabels);
  const ll = vae.logLikelihood([testX, testY], { samples: 100, seed: 0 });
  console.log(`  held-out MSE of the right half from the left (posterior mean) ${(se / (testY.length * 32)).toFixed(4)} (autoencoder above: ${given('0')[1].toFixed(4)})`);
  console.log(`  cross-coherence (right halves sampled given the left, the joined digit judged as the true one) ${coherence.map((c) => c.toFixed(3)).join(' / ')} for draws 1 / 2 / 3 (the cGAN above: ${cganCoherence.toFixed(3)})`);
  console.log(`  held-out log-likelihood of both halves (importance-weighted, K = 100; K = 1000 in bench/vae_quality.js) ${ll.mean.toFixed(2)} nats per digit`);
  const rows = picture(shown, 5);
  for (let i = 0; i < shown; i++) {
    rows.draw(0, i, half(testX, i), half(testY, i));
    draws.forEach((r, d) => rows.draw(1 + d, i, half(testX, i), fromResult(r, i)));
    rows.draw(4, i, fromResult(vae.sample([null, testY.slice(i, i + 1)], { seed: 1 })[0], 0), half(testY, i));
  }
  const vaeFile = new URL('./out/vae-digits.png', import.meta.url);
  writeFileSync(vaeFile, PNG.sync.write(rows.png));
  console.log(`  wrote ${vaeFile.pathname}: held-out digits, real (top), the real left half with three sampled right halves, the real right half with a sampled left half (bottom)`);
  vae.dispose();
}
cross.dispose();
judge.dispose();
