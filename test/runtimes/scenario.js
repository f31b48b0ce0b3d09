// The cross-runtime smoke scenario. Plain JavaScript with no file or network access, so the
// very same code runs in Node, a worker thread, Deno, Bun, workerd and a browser page.
// `cm` is the imported crossmodal package; the result carries a SHA-256 of the raw bytes
// of every numeric output, which must be identical in every runtime with the baseline build.

// Linnerud data (data/linnerud_*.csv; scikit-learn's copy, BSD-3): exercise vs physiological.
const EXERCISE = [
  [5, 162, 60], [2, 110, 60], [12, 101, 101], [12, 105, 37], [13, 155, 58], [4, 101, 42], [8, 101, 38],
  [6, 125, 40], [15, 200, 40], [17, 251, 250], [17, 120, 38], [13, 210, 115], [14, 215, 105], [1, 50, 50],
  [6, 70, 31], [12, 210, 120], [4, 60, 25], [11, 230, 80], [15, 225, 73], [2, 110, 43],
];
const PHYSIOLOGICAL = [
  [191, 36, 50], [189, 37, 52], [193, 38, 58], [162, 35, 62], [189, 35, 46], [182, 36, 56], [211, 38, 56],
  [167, 34, 60], [176, 31, 74], [154, 33, 56], [169, 34, 50], [166, 33, 52], [154, 34, 64], [247, 46, 50],
  [193, 36, 46], [202, 37, 62], [176, 37, 54], [157, 32, 52], [156, 33, 54], [138, 33, 68],
];
// Independent LAPACK reference (test/fixtures/cca-reference.json, "linnerud").
const REFERENCE = [0.79560815442, 0.200556041107, 0.07257028621];

async function sha256(chunks) {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), o);
    o += c.byteLength;
  }
  const digest = await crypto.subtle.digest('SHA-256', all);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs every step and returns { build, ok, failures, hash, parts } where parts maps each step
 * to its own hash (to see which step diverged).
 */
export async function runScenario(cm, initOptions = {}) {
  const info = await cm.init(initOptions);
  const failures = [];
  const parts = {};
  const outputs = [];

  // 1. linear CCA on Linnerud, checked against the LAPACK reference
  const cca = new cm.CCA({ components: 3 }).fit(EXERCISE, PHYSIOLOGICAL);
  const rho = cca.correlations;
  REFERENCE.forEach((r, i) => {
    if (!(Math.abs(rho[i] - r) < 1e-8)) failures.push(`cca correlation ${i}: ${rho[i]} vs ${r}`);
  });
  const [u, v] = cca.transform(EXERCISE, PHYSIOLOGICAL);
  const ccaBytes = [rho, cca.xWeights.data, cca.yWeights.data, u.data, v.data];
  cca.dispose();
  parts.cca = await sha256(ccaBytes);
  outputs.push(...ccaBytes);

  // 1b. unit-free regularization 'auto' (Schäfer–Strimmer λ of the joined views from their
  //     fourth-order sums): one fit, chunks merged with a shard through a file of statistics,
  //     the same rows in other units (×10^k per column, the powers as literals), and a bootstrap
  {
    const auto = new cm.CCA({ components: 2, regularization: 'auto' }).fit(EXERCISE, PHYSIOLOGICAL);
    const a = new cm.CCA({ components: 2, regularization: 'auto', scale: true }).partialFit(EXERCISE.slice(0, 7), PHYSIOLOGICAL.slice(0, 7));
    a.partialFit(EXERCISE.slice(7, 12), PHYSIOLOGICAL.slice(7, 12));
    const b = new cm.CCA({ components: 2, regularization: 'auto', scale: true }).partialFit(EXERCISE.slice(12), PHYSIOLOGICAL.slice(12));
    const merged = cm.CCA.fromJSON(JSON.stringify(a.toJSON({ statistics: true }))).merge(b);
    const fx = [1e-3, 10, 1e4], fy = [100, 1e-2, 1];
    const other = new cm.CCA({ components: 2, regularization: 'auto' }).fit(EXERCISE.map((r) => r.map((v, j) => v * fx[j])), PHYSIOLOGICAL.map((r) => r.map((v, j) => v * fy[j])));
    const off = (x, y) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    if (!(off(merged.allCorrelations, auto.allCorrelations) < 1e-10 && off(merged.shrinkage, auto.shrinkage) < 1e-10)) failures.push("cca auto: chunks, a file and a shard differ from one fit");
    if (!(off(other.allCorrelations, auto.allCorrelations) < 1e-8)) failures.push("cca auto: the correlations depend on the columns' units");
    const boot = new cm.CCA({ components: 1, regularization: 'auto' }).bootstrap(EXERCISE, PHYSIOLOGICAL, { resamples: 19, seed: 2 });
    const aBytes = [auto.allCorrelations, auto.xWeights.data, auto.yWeights.data, Float64Array.from(auto.shrinkage), merged.allCorrelations, other.xWeights.data, boot.correlations.lower, boot.correlations.upper];
    if (!aBytes.every((x) => x.every(Number.isFinite))) failures.push("cca auto: non-finite results");
    parts.ccaAuto = await sha256(aBytes);
    outputs.push(...aBytes);
    for (const m of [auto, a, b, merged, other]) m.dispose();
  }

  // 1c. PLS (issue 34): regression, canonical and SVD on Linnerud, exact from the co-moments
  //     (a singular pair per component); chunks through a file of statistics merged with a shard
  if (cm.PLSRegression) {
    const reg = new cm.PLSRegression({ components: 2 }).fit(EXERCISE, PHYSIOLOGICAL);
    const a = new cm.PLSRegression({ components: 2 }).partialFit(EXERCISE.slice(0, 9), PHYSIOLOGICAL.slice(0, 9));
    const shard = new cm.PLSRegression({ components: 2 }).fit(EXERCISE.slice(9), PHYSIOLOGICAL.slice(9));
    const merged = cm.PLSRegression.fromJSON(JSON.stringify(a.toJSON({ statistics: true }))).merge(shard);
    const off = (x, y) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    if (!(off(merged.coefficients.data, reg.coefficients.data) < 1e-10 * Math.max(...reg.coefficients.data.map(Math.abs)))) failures.push('pls: chunks, a file and a shard differ from one fit');
    const can = new cm.PLSCanonical({ components: 2 }).fit(EXERCISE, PHYSIOLOGICAL), svd = new cm.PLSSVD({ components: 2 }).fit(EXERCISE, PHYSIOLOGICAL);
    const [cu, cv] = can.transform(EXERCISE, PHYSIOLOGICAL);
    const plsBytes = [reg.coefficients.data, reg.intercept, reg.predict(EXERCISE).data, reg.xRotations.data, can.xWeights.data, cu.data, cv.data, svd.yWeights.data];
    if (!plsBytes.every((x) => x.every(Number.isFinite))) failures.push('pls: non-finite results');
    parts.pls = await sha256(plsBytes);
    outputs.push(...plsBytes);
    for (const m of [reg, a, shard, merged, can, svd]) m.dispose();
  } else failures.push('pls: PLSRegression is not exported');

  // 1e. SparseCCA (issue 35): the PMD on Linnerud's standardised views (Lanczos starts, exact
  //     soft thresholds, sorts of typed arrays); chunks through a file of statistics merged
  //     with a shard; the permutation z of PMA (permutations by the in-wasm PRNG) and k-fold CV
  if (cm.SparseCCA) {
    const s = new cm.SparseCCA({ components: 2, penalty: [0.7, 0.8] }).fit(EXERCISE, PHYSIOLOGICAL);
    const a = new cm.SparseCCA({ components: 2, penalty: [0.7, 0.8] }).partialFit(EXERCISE.slice(0, 9), PHYSIOLOGICAL.slice(0, 9));
    const shard = new cm.SparseCCA({ components: 2, penalty: [0.7, 0.8] }).fit(EXERCISE.slice(9), PHYSIOLOGICAL.slice(9));
    const merged = cm.SparseCCA.fromJSON(JSON.stringify(a.toJSON({ statistics: true }))).merge(shard);
    const off = (x, y) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    if (!(off(merged.xWeights.data, s.xWeights.data) < 1e-10 && off(merged.yWeights.data, s.yWeights.data) < 1e-10)) failures.push('sparse cca: chunks, a file and a shard differ from one fit');
    if (!(s.xWeights.data.some((w) => w === 0) && s.converged.every(Boolean))) failures.push('sparse cca: no zero weight, or a component did not converge');
    const [su, sv] = s.transform(EXERCISE, PHYSIOLOGICAL);
    const perm = cm.SparseCCA.permute(EXERCISE, PHYSIOLOGICAL, { penalties: [0.6, [0.8, 0.6], 1], permutations: 9, seed: 1 });
    const cv = cm.SparseCCA.crossValidate(EXERCISE, PHYSIOLOGICAL, { penalties: [0.6, 1], folds: 4, components: 2 });
    const sBytes = [s.xWeights.data, s.yWeights.data, s.correlations, su.data, sv.data, s.score(EXERCISE, PHYSIOLOGICAL), Float64Array.from(perm.table.flatMap((r) => [r.correlation, r.z, ...r.permuted])), ...cv.table.map((r) => r.foldScores)];
    if (!sBytes.every((x) => x.every(Number.isFinite))) failures.push('sparse cca: non-finite results');
    parts.sparseCca = await sha256(sBytes);
    outputs.push(...sBytes);
    for (const m of [s, a, shard, merged]) m.dispose();
  } else failures.push('sparse cca: SparseCCA is not exported');

  // 1d. partial CCA, prediction and interpretation (issue 35): weight (the first exercise column)
  //     as a covariate of the other two, in two chunks; predict, the map back, the loadings
  {
    const W0 = EXERCISE.map((r) => [r[0]]), E = EXERCISE.map((r) => r.slice(1));
    const part = new cm.CCA({ components: 2, regularization: 0.01 }).partialFit(E.slice(0, 11), PHYSIOLOGICAL.slice(0, 11), { covariates: W0.slice(0, 11) });
    part.partialFit(E.slice(11), PHYSIOLOGICAL.slice(11), { covariates: W0.slice(11) });
    const full = new cm.CCA({ components: 3 }).fit(EXERCISE, PHYSIOLOGICAL);
    const [pu] = part.transform(E, null, { covariates: W0 });
    const sc = full.structureCorrelations(EXERCISE, PHYSIOLOGICAL);
    const iBytes = [part.allCorrelations, pu.data, part.predict(E, null, { covariates: W0 }).data, full.predict(EXERCISE).data, full.inverseTransform(null, full.transform(null, PHYSIOLOGICAL)[1])[1].data, sc.x.own.data, sc.y.cross.data, full.explainedVariance.x, full.redundancy.y];
    if (!iBytes.every((x) => x.every(Number.isFinite))) failures.push('cca partial/predict: non-finite results');
    parts.ccaPartial = await sha256(iBytes);
    outputs.push(...iBytes);
    for (const m of [part, full]) m.dispose();
  }

  // 2. an MLP training step with a fixed seed: init, dropout and shuffling draw from the
  //    in-wasm PRNG, transcendentals are computed in wasm, so the bits must agree everywhere
  const net = new cm.MLP({ layers: [3, 16, 8, 3], activation: 'leaky_relu', dropout: 0.25, seed: 42 });
  const opt = new cm.nn.Adam(net, { learningRate: 1e-2 });
  const scale = (rows, s) => rows.map((r) => r.map((v, j) => v / s[j]));
  const X = cm.Tensor.from(scale(EXERCISE, [20, 250, 250]));
  const Y = cm.Tensor.from(scale(PHYSIOLOGICAL, [250, 50, 80]));
  const G = cm.Tensor.zeros(20, 3);
  let first = 0, last = 0;
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const { loss } = cm.nn.mse(net.forward(X), Y, { grad: G });
    net.backward(G);
    opt.step();
    if (i === 0) first = loss;
    last = loss;
  }
  if (!(last < first)) failures.push(`mlp: loss did not decrease (${first} → ${last})`);
  const mlpBytes = [net.parameters.slice(), new Float64Array([first, last]), net.eval().predict(X).data];
  parts.mlp = await sha256(mlpBytes);
  outputs.push(...mlpBytes);
  // …and two epochs of the shared training loop (seeded in-wasm shuffling) via nn.Classifier
  const clf = new cm.nn.Classifier({ layers: [3, 8, 2], epochs: 2, batchSize: 6, seed: 3 });
  const history = await clf.fit(X, EXERCISE.map((r) => (r[0] > 10 ? 1 : 0)));
  const clfBytes = [clf.net.parameters.slice(), new Float64Array(history.map((h) => h.loss))];
  parts.classifier = await sha256(clfBytes);
  outputs.push(...clfBytes);
  for (const o of [X, Y, G, opt, net, clf]) o.dispose();

  // 3. a DeepCCA epoch with a fixed seed (objective and gradient in f64 from the eigen/SVD
  //    kernels, towers trained with Adam), then its projections
  const dcca = new cm.DeepCCA({ components: 2, hidden: [16], epochs: 1, batchSize: 10, seed: 5 });
  const dh = await dcca.fit(scale(EXERCISE, [20, 250, 250]), scale(PHYSIOLOGICAL, [250, 50, 80]));
  const [du, dv] = dcca.transform(scale(EXERCISE, [20, 250, 250]), scale(PHYSIOLOGICAL, [250, 50, 80]));
  if (!(dh.length === 1 && Number.isFinite(dh[0].loss))) failures.push('deepcca: no finite loss after one epoch');
  const dccaBytes = [dcca.correlations, new Float64Array([dh[0].loss]), du.data, dv.data];
  parts.deepcca = await sha256(dccaBytes);
  outputs.push(...dccaBytes);
  dcca.dispose();
  // 3b. a DCCAE epoch (issue 36): decoders back to each view trained with the towers (the
  //     towers' gradient plus weight × the decoders' input gradient), then reconstruct from X alone
  const dccae = new cm.DeepCCA({ components: 2, hidden: [16], epochs: 1, batchSize: 10, seed: 5, scale: true, reconstruction: { hidden: [8], weight: 0.5 } });
  const eh = await dccae.fit(EXERCISE, PHYSIOLOGICAL);
  const [rx, ry] = dccae.reconstruct([EXERCISE, null]);
  const l0 = eh[0].losses;
  if (!(eh.length === 1 && Number.isFinite(l0.loss) && Number.isFinite(l0.reconstructionX) && Number.isFinite(l0.reconstructionY))) failures.push('dccae: no finite losses after one epoch');
  const dccaeBytes = [dccae.correlations, new Float64Array([l0.loss, l0.correlation, l0.reconstructionX, l0.reconstructionY]), rx.data, ry.data];
  parts.dccae = await sha256(dccaeBytes);
  outputs.push(...dccaeBytes);
  dccae.dispose();

  // 3c. DeepCCA's objectives 'ey' and 'sdl' (issue 36): an epoch each at a batch of 6 rows, below
  //     2·outputs (the f64 covariances of the batch's two halves; batch-normalised outputs and
  //     running covariances), then the final CCA's projections
  for (const objective of ['ey', 'sdl']) {
    const m = new cm.DeepCCA({ components: 2, outputs: 4, hidden: [16], epochs: 1, batchSize: 6, seed: 5, objective });
    const h = await m.fit(scale(EXERCISE, [20, 250, 250]), scale(PHYSIOLOGICAL, [250, 50, 80]));
    const [u, v] = m.transform(scale(EXERCISE, [20, 250, 250]), scale(PHYSIOLOGICAL, [250, 50, 80]));
    if (!(h.length === 1 && Number.isFinite(h[0].loss) && Number.isFinite(h[0].losses.correlation))) failures.push(`deepcca ${objective}: no finite loss after one epoch`);
    const bytes = [m.correlations, new Float64Array([h[0].loss, h[0].losses.correlation]), u.data, v.data];
    parts[`deepcca_${objective}`] = await sha256(bytes);
    outputs.push(...bytes);
    m.dispose();
  }

  // 4. composed pieces: two encoders → gated concat → trunk → fork → two heads, one optimiser
  //    group with clipping; then a generator step through a frozen discriminator
  const ex = scale(EXERCISE, [20, 250, 250]), ph = scale(PHYSIOLOGICAL, [250, 50, 80]);
  const mask = ex.map((_, i) => [1, i % 4 === 1 ? 0 : 1]);
  const encA = new cm.MLP({ layers: [3, 6], activation: 'tanh', outputActivation: 'tanh', seed: 7 });
  const encB = new cm.MLP({ layers: [3, 6], activation: 'tanh', outputActivation: 'tanh', seed: 8 });
  const cat = new cm.nn.Concat([6, 6, 2]), fork = new cm.nn.Fork();
  const trunk = new cm.MLP({ layers: [14, 4, 8], activation: 'leaky_relu', dropout: 0.1, seed: 9 });
  const headA = new cm.MLP({ layers: [8, 3], outputActivation: 'sigmoid', seed: 10 }), headB = new cm.MLP({ layers: [8, 3], seed: 11 });
  const group = new cm.nn.Adam([encA, encB, cat, trunk, headA, headB], { learningRate: 1e-2, maxGradNorm: 1 });
  const composedLosses = [];
  for (let i = 0; i < 4; i++) {
    group.zeroGrad();
    const h = fork.forward(trunk.forward(cat.forward([encA.forward(ex), encB.forward(ph), mask], { gates: mask })));
    const la = cm.nn.mse(headA.forward(h), ex), lb = cm.nn.mse(headB.forward(h), ph);
    const dh = fork.backward([headA.backward(la.grad), headB.backward(lb.grad)]);
    const [dA, dB] = cat.backward(trunk.backward(dh), { inputGradient: [true, true, false] });
    encA.backward(dA, { inputGradient: false });
    encB.backward(dB, { inputGradient: false });
    group.step();
    composedLosses.push(la.loss + lb.loss);
    la.grad.dispose();
    lb.grad.dispose();
  }
  const gen = new cm.MLP({ layers: [5, 8, 3], activation: 'tanh', outputActivation: 'sigmoid', seed: 12 });
  const disc = new cm.MLP({ layers: [5, 6, 1], activation: 'leaky_relu', seed: 13 });
  const gin = new cm.nn.Concat([3, 2]), din = new cm.nn.Concat([3, 2]);
  const optG = new cm.nn.Adam(gen, { learningRate: 2e-4, beta1: 0.5 });
  const cond = ex.map((r) => [r[0], r[1]]);
  const noise = ex.map((r, i) => [Math.sin(i), Math.cos(i), r[2]]);
  const ones = cm.Tensor.from(ex.map(() => [1]));
  const dBefore = disc.parameters.slice();
  gen.zeroGrad();
  const genLoss = cm.nn.bceWithLogits(disc.forward(din.forward([gen.forward(gin.forward([noise, cond])), cond])), ones);
  const [dFake] = din.backward(disc.backward(genLoss.grad, { parameterGradients: false }), { inputGradient: [true, false] });
  gen.backward(dFake, { inputGradient: false });
  optG.step();
  if (!disc.parameters.every((v, i) => v === dBefore[i]) || !disc.gradients.every((v) => v === 0)) failures.push('pieces: the frozen discriminator changed');
  if (!(composedLosses[3] < composedLosses[0])) failures.push(`pieces: loss did not decrease (${composedLosses})`);
  const pieceBytes = [encA.parameters.slice(), trunk.parameters.slice(), headB.parameters.slice(), new Float64Array([...composedLosses, genLoss.loss]), gen.parameters.slice(), gen.gradients.slice()];
  parts.pieces = await sha256(pieceBytes);
  outputs.push(...pieceBytes);
  for (const o of [encA, encB, cat, fork, trunk, headA, headB, group, gen, disc, gin, din, optG, ones, genLoss.grad]) o.dispose();

  // 5. a multimodal-autoencoder epoch with a fixed seed (modality dropout from the in-wasm
  //    PRNG, masked losses, a missing row), then codes and cross-modal reconstructions
  if (cm.MultimodalAutoencoder) {
    const ae = new cm.MultimodalAutoencoder({ hidden: [8], code: 3, epochs: 1, batchSize: 5, outputActivation: ['identity', 'sigmoid'], seed: 6 }); // ex reaches 1.004: a sigmoid head refuses it
    const ah = await ae.fit([ex, ph.map((r, i) => (i === 7 ? null : r))]);
    if (!(ah.length === 1 && Number.isFinite(ah[0].loss))) failures.push('autoencoder: no finite loss after one epoch');
    const code = ae.encode([ex, null]).data;
    const [, phFromEx] = ae.reconstruct([ex, null]);
    const table = ae.evaluate([ex, ph]);
    const aeBytes = [code, phFromEx.data, new Float64Array([ah[0].loss, ah[0].losses.mse0, ah[0].losses.mse1]), ...table.map((t) => t.mse)];
    parts.autoencoder = await sha256(aeBytes);
    outputs.push(...aeBytes);
    ae.dispose();
  } else failures.push('autoencoder: MultimodalAutoencoder is not exported');

  // 6. a conditional-GAN epoch with fixed seeds (noise from the in-wasm PRNG, a frozen
  //    discriminator in the generator step), then samples for a fixed seed
  if (cm.ConditionalGAN) {
    const gan = new cm.ConditionalGAN({ noise: 3, hidden: [6], epochs: 1, batchSize: 5, labelSmoothing: 0.1, seed: 8 });
    const labels = ex.map((_, i) => i % 3);
    const gh = await gan.fit(ph, cm.ConditionalGAN.oneHot(labels, 3));
    if (!(gh.length === 1 && Number.isFinite(gh[0].loss))) failures.push('cgan: no finite loss after one epoch');
    const samples = gan.generate(cm.ConditionalGAN.oneHot([0, 1, 2], 3), { seed: 2 });
    // the metrics, on the samples as { data, rows, cols } (KID's subsets from the in-wasm PRNG)
    const fd = cm.metrics.frechetDistance(ph, samples);
    const kid = cm.metrics.kernelDistance(ex, ph, { subsets: 3, subsetSize: 8, seed: 4 });
    const pr = cm.metrics.precisionRecall(ex, ph, { k: 2 });
    const ganBytes = [samples.data, new Float64Array([gh[0].losses.discriminator, gh[0].losses.generator, fd, kid.mean, kid.std, pr.precision, pr.recall])];
    parts.cgan = await sha256(ganBytes);
    outputs.push(...ganBytes);
    gan.dispose();
    // the stabilisers of issue 39 (their loops are TS over f32 views: the moving average, the power
    // iteration's updates, the projection's dot products), an epoch and samples from the average,
    // with densityCoverage on them
    const st = new cm.ConditionalGAN({ noise: 3, hidden: [6], epochs: 2, batchSize: 5, seed: 8, ema: 0.9, loss: 'hinge', spectralNorm: true, discriminator: 'projection', discriminatorLearningRate: 4e-4 });
    const sh = await st.fit(ph, cm.ConditionalGAN.oneHot(labels, 3));
    const ss = st.generate(cm.ConditionalGAN.oneHot(labels, 3), { seed: 2 });
    const dc = cm.metrics.densityCoverage(ph, ss, { k: 2 });
    const stBytes = [ss.data, new Float64Array([...sh.flatMap((e) => [e.losses.discriminator, e.losses.generator]), dc.density, dc.coverage])];
    parts.cganStabilised = await sha256(stBytes);
    outputs.push(...stBytes);
    st.dispose();
  } else failures.push('cgan: ConditionalGAN is not exported');

  // 6b. a multimodal VAE (issue 38): two epochs of 'mopoe' (noise from the in-wasm PRNG; e^x, ln,
  //     log1p from basic operations), a Gaussian view of learned scale and a Bernoulli one, a
  //     missing row; then posterior means, draws from q(z | x) for a seed, the importance-sampled
  //     log-likelihood, and the same from the file
  if (cm.MultimodalVAE) {
    const vae = new cm.MultimodalVAE({ fusion: 'mopoe', latent: 2, hidden: [6], likelihood: ['gaussian', 'bernoulli'], epochs: 2, batchSize: 5, seed: 12 }); // ex reaches 1.004: Gaussian
    const vh = await vae.fit([ex, ph.map((r, i) => (i === 7 ? null : r))]);
    if (!(vh.length === 2 && vh.every((h) => ['loss', 'kl', 'nll0', 'nll1'].every((k) => Number.isFinite(h.losses[k]))))) failures.push('vae: no finite losses after two epochs');
    const mean = vae.encode([ex, null]).mean.data;
    const [exDraws, phDraws] = vae.sample([ex, null], { seed: 3, samples: 2 });
    const ll = vae.logLikelihood([ex, ph], { samples: 16, seed: 1 });
    const again = cm.MultimodalVAE.fromJSON(JSON.stringify(vae));
    const ll2 = again.logLikelihood([ex, ph], { samples: 16, seed: 1 });
    if (!(Number.isFinite(ll.mean) && ll.perRow.every(Number.isFinite))) failures.push('vae: a non-finite log-likelihood');
    if (ll2.perRow.some((v, i) => v !== ll.perRow[i]) || again.sample([ex, null], { seed: 3, samples: 2 })[1].data.some((v, i) => v !== phDraws.data[i])) failures.push('vae: the file does not give the same outputs');
    const vBytes = [new Float64Array(vh.flatMap((h) => [h.losses.loss, h.losses.kl, h.losses.nll0, h.losses.nll1])), mean, exDraws.data, phDraws.data, ll.perRow, new Float64Array([ll.mean])];
    parts.vae = await sha256(vBytes);
    outputs.push(...vBytes);
    vae.dispose();
    again.dispose();
  } else failures.push('vae: MultimodalVAE is not exported');

  // 7. three views: MCCA and GCCA on Linnerud's exercise, physiology and their differences
  if (cm.MCCA && cm.GCCA) {
    const third = EXERCISE.map((r, i) => [r[0] - PHYSIOLOGICAL[i][2] / 10, r[1] / 100 - PHYSIOLOGICAL[i][1] / 10]);
    const views = [EXERCISE, PHYSIOLOGICAL, third];
    const mcca = new cm.MCCA({ components: 2, regularization: 1e-3 }).fit(views);
    const gcca = new cm.GCCA({ components: 2, regularization: 1e-3 }).fit(views);
    const [mu] = mcca.transform([EXERCISE, null, null]);
    const mvBytes = [mcca.correlations, mcca.eigenvalues, mu.data, gcca.eigenvalues, gcca.shared(views).data];
    if (!mvBytes.every((a) => a.every(Number.isFinite))) failures.push('multiview: non-finite MCCA/GCCA results');
    parts.multiview = await sha256(mvBytes);
    outputs.push(...mvBytes);
    mcca.dispose();
    gcca.dispose();
  } else failures.push('multiview: MCCA or GCCA is not exported');

  // 7b. MCCA and GCCA with scale (standardised columns, a ridge on their covariance): the same
  //     views in other units (×10^k per column, k in −3..4) give the same answers; a file keeps
  //     scale. Its own part, compared across runtimes, outside the overall hash (which stays that
  //     of the other parts)
  if (cm.MCCA && cm.GCCA) {
    const third = EXERCISE.map((r, i) => [r[0] - PHYSIOLOGICAL[i][2] / 10, r[1] / 100 - PHYSIOLOGICAL[i][1] / 10]);
    const views = [EXERCISE, PHYSIOLOGICAL, third];
    // the powers as literals (exact in every engine, where ** may round differently)
    const UNITS = [1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4];
    const other = views.map((v, i) => v.map((r) => r.map((x, j) => x * UNITS[(2 * i + 3 * j) % 8])));
    const o = { components: 2, regularization: 0.1, scale: true };
    const [mcca, mccaOther, gcca, gccaOther] = [new cm.MCCA(o).fit(views), new cm.MCCA(o).fit(other), new cm.GCCA(o).fit(views), new cm.GCCA(o).fit(other)];
    const back = cm.MCCA.fromJSON(JSON.stringify(mcca));
    const [mu] = back.transform([EXERCISE, null, null]), [ou] = mccaOther.transform([other[0], null, null]);
    const off = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    if (!back.scale) failures.push('multiview scale: an MCCA file lost scale: true');
    if (!(off(mcca.correlations, mccaOther.correlations) < 1e-8 && off(gcca.eigenvalues, gccaOther.eigenvalues) < 1e-8 && off(mu.data, ou.data) < 1e-8))
      failures.push('multiview scale: MCCA/GCCA with scale depend on the columns\' units');
    const sBytes = [mcca.correlations, mcca.eigenvalues, mu.data, gcca.eigenvalues, gcca.shared(views).data];
    if (!sBytes.every((a) => a.every(Number.isFinite))) failures.push('multiview scale: non-finite results');
    parts.multiviewScale = await sha256(sBytes);
    for (const m of [mcca, mccaOther, gcca, gccaOther, back]) m.dispose();
  }

  // 7c. MCCA prediction and interpretation (issue 35): the third view from the first two through
  //     their variates (from a file, which keeps the covariances it needs), the shares and
  //     redundancy, structure correlations; with every component and no ridge, inverseTransform
  //     undoes transform. Its own part, outside the overall hash
  if (cm.MCCA?.prototype.predict) {
    const third = EXERCISE.map((r, i) => [r[0] - PHYSIOLOGICAL[i][2] / 10, r[1] / 100 - PHYSIOLOGICAL[i][1] / 10]);
    const views = [EXERCISE, PHYSIOLOGICAL, third];
    const mcca = new cm.MCCA({ components: 2, regularization: 1e-3 }).fit(views), back = cm.MCCA.fromJSON(JSON.stringify(mcca));
    const [, , zhat] = back.predict([EXERCISE, PHYSIOLOGICAL, null]);
    const full = new cm.MCCA({ components: 3 }).fit([EXERCISE, PHYSIOLOGICAL]);
    const [xBack] = full.inverseTransform(full.transform([EXERCISE, null]));
    const off = xBack.data.reduce((m, v, i) => Math.max(m, Math.abs(v - EXERCISE[Math.floor(i / 3)][i % 3])), 0);
    if (!(off < 1e-9 * 251)) failures.push(`multiview predict: inverseTransform(transform(X)) is off by ${off}`);
    const iBytes = [zhat.data, xBack.data, ...back.explainedVariance, back.redundancy(2, 0), ...back.structureCorrelations(views).flat().map((r) => r.data)];
    if (!iBytes.every((a) => a.every(Number.isFinite))) failures.push('multiview predict: non-finite results');
    parts.multiviewPredict = await sha256(iBytes);
    for (const m of [mcca, back, full]) m.dispose();
  }

  // 8. permutation p-values (rows permuted by the in-wasm PRNG, gathered in wasm)
  {
    const perm = new cm.CCA({ components: 2 }).permutationTest(EXERCISE, PHYSIOLOGICAL, { permutations: 49, seed: 5 });
    const pBytes = [perm.pValues, perm.statistics];
    if (!pBytes.every((a) => a.every(Number.isFinite))) failures.push('permutation: non-finite permutationTest results');
    parts.permutation = await sha256(pBytes);
    outputs.push(...pBytes);
  }

  // 8b. bootstrap intervals (rows drawn by the in-wasm PRNG; Φ and Φ⁻¹ from basic operations)
  if (cm.CCA.prototype.bootstrap) {
    const boot = new cm.CCA({ components: 2, regularization: 1 }).bootstrap(EXERCISE, PHYSIOLOGICAL, { resamples: 49, seed: 5 });
    const bBytes = [boot.correlations.lower, boot.correlations.upper, boot.xWeights.lower.data, boot.yWeights.upper.data];
    if (!bBytes.every((a) => a.every(Number.isFinite))) failures.push('bootstrap: non-finite bootstrap results');
    parts.bootstrap = await sha256(bBytes);
    outputs.push(...bBytes);
  } else failures.push('bootstrap: CCA.bootstrap is missing');

  // 9. kernel CCA: exact RBF and polynomial Nyström on Linnerud (exp and powers in wasm, landmarks
  //    from the in-wasm PRNG), variates of the training rows; the default standardises the
  //    columns and takes γ from the median heuristic; scale with a given γ, through a file
  if (cm.KernelCCA) {
    const rbf = new cm.KernelCCA({ components: 2 }).fit(EXERCISE, PHYSIOLOGICAL);
    const poly = new cm.KernelCCA({ kernel: 'polynomial', degree: 2, gamma: 0.01, components: 2, approximation: { nystrom: 12, seed: 3 } }).fit(EXERCISE, PHYSIOLOGICAL);
    const [ru, rv] = rbf.transform(EXERCISE, PHYSIOLOGICAL);
    const scaled = new cm.KernelCCA({ gamma: 0.5, scale: true, components: 1 }).fit(EXERCISE, PHYSIOLOGICAL), given = cm.KernelCCA.fromJSON(JSON.stringify(scaled));
    const kBytes = [rbf.correlations, ru.data, rv.data, poly.correlations, poly.transform(EXERCISE, null)[0].data, Float64Array.from(poly.landmarks.indices), Float64Array.from(rbf.fittedGamma ?? [NaN]), given.transform(null, PHYSIOLOGICAL)[1].data];
    scaled.dispose();
    given.dispose();
    if (!kBytes.every((a) => a.every(Number.isFinite))) failures.push('kernel: non-finite KernelCCA results');
    parts.kernel = await sha256(kBytes);
    outputs.push(...kBytes);
    rbf.dispose();
    poly.dispose();
  } else failures.push('kernel: KernelCCA is not exported');

  // 10. cross-validated ridge: folds dealt by the in-wasm PRNG, CCA's grid through eigenbases,
  //     MCCA's through its solve, and regularization 'cv' inside fit
  if (cm.CCA.crossValidate && cm.MCCA?.crossValidate) {
    const cv = cm.CCA.crossValidate(EXERCISE, PHYSIOLOGICAL, { folds: 4, components: 2, seed: 3 });
    const inFit = new cm.CCA({ components: 2, regularization: 'cv', crossValidation: { folds: 4, seed: 3, regularization: [1e-2, [10, 1], 100] } }).fit(EXERCISE, PHYSIOLOGICAL);
    const mv = cm.MCCA.crossValidate([EXERCISE, PHYSIOLOGICAL, EXERCISE.map((r, i) => [r[0] - PHYSIOLOGICAL[i][1], r[2]])], { folds: 4, regularization: [1, [1, 10, 100]], components: 2, seed: 1 });
    const cBytes = [...cv.table.map((t) => t.foldScores), Float64Array.from(cv.foldOfRow), Float64Array.from(inFit.appliedRegularization), inFit.correlations, ...mv.table.map((t) => t.foldScores)];
    if (!cBytes.every((a) => a.every(Number.isFinite))) failures.push('crossval: non-finite cross-validation results');
    parts.crossval = await sha256(cBytes);
    outputs.push(...cBytes);
    inFit.dispose();
  } else failures.push('crossval: CCA.crossValidate or MCCA.crossValidate is missing');

  // 11. models from statistics computed elsewhere (means and covariances in plain JS, two passes)
  if (cm.CCA.fromMoments && cm.MCCA?.fromMoments) {
    const mean = (A) => A[0].map((_, j) => A.reduce((t, r) => t + r[j], 0) / A.length);
    const cov = (A, B) => mean(A).map((ma, i) => mean(B).map((mb, j) => A.reduce((t, r, k) => t + (r[i] - ma) * (B[k][j] - mb), 0) / (A.length - 1)));
    const [X, Y] = [EXERCISE, PHYSIOLOGICAL];
    const fm = cm.CCA.fromMoments({ n: 20, xMeans: mean(X), yMeans: mean(Y), xx: cov(X, X), yy: cov(Y, Y), xy: cov(X, Y) }, { components: 2 });
    const mm = cm.MCCA.fromMoments({ n: 20, means: [mean(X), mean(Y)], blocks: [[cov(X, X), cov(X, Y)], [null, cov(Y, Y)]] }, { components: 2, regularization: 1 });
    const gm = cm.GCCA.fromMoments({ n: 20, means: [mean(X), mean(Y)], blocks: [[cov(X, X), cov(X, Y)], [null, cov(Y, Y)]] }, { components: 2, regularization: 1 });
    const mBytes = [fm.allCorrelations, fm.xWeights.data, mm.eigenvalues, ...mm.weights.map((w) => w.data), gm.eigenvalues, ...gm.weights.map((w) => w.data)];
    gm.dispose();
    if (!mBytes.every((a) => a.every(Number.isFinite))) failures.push('moments: non-finite fromMoments results');
    if (Math.abs(fm.allCorrelations[0] - REFERENCE[0]) > 1e-9) failures.push(`moments: CCA.fromMoments first correlation ${fm.allCorrelations[0]} is not the LAPACK reference ${REFERENCE[0]}`);
    // the same statistics as the result row of comomentsQuery (aliases n, mean_x0, cov_x0_x1, cov_x0_y0, …; n as a bigint)
    const row = { n: BigInt(20) };
    const [xx, yy, xy] = [cov(X, X), cov(Y, Y), cov(X, Y)];
    mean(X).forEach((v, i) => (row[`mean_x${i}`] = v));
    mean(Y).forEach((v, j) => (row[`mean_y${j}`] = v));
    xx.forEach((r, i) => r.forEach((v, k) => k >= i && (row[`cov_x${i}_x${k}`] = v)));
    yy.forEach((r, j) => r.forEach((v, l) => l >= j && (row[`cov_y${j}_y${l}`] = v)));
    xy.forEach((r, i) => r.forEach((v, j) => (row[`cov_x${i}_y${j}`] = v)));
    const fromRow = cm.CCA.fromSqlRow(row, { components: 2 });
    if (fromRow.allCorrelations.some((v, i) => v !== fm.allCorrelations[i])) failures.push('moments: CCA.fromSqlRow differs from CCA.fromMoments on the same statistics');
    fromRow.dispose();
    parts.moments = await sha256(mBytes);
    outputs.push(...mBytes);
    fm.dispose();
    mm.dispose();
  } else failures.push('moments: CCA.fromMoments or MCCA.fromMoments is missing');

  // 12. weights trained in PyTorch: a safetensors file (test/fixtures/torch/readme.safetensors,
  //     made by scripts/reference/torch_models.py) read and loaded into an MLP; PyTorch's outputs
  //     for these inputs were 0.0503943 and 0.967219 (test/fixtures/torch/readme.json)
  if (cm.nn?.readSafetensors && cm.MLP.fromTorch) {
    const b64 = '+AAAAAAAAAB7IjAuYmlhcyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbM10sImRhdGFfb2Zmc2V0cyI6WzAsMTJdfSwiMC53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzMsMl0sImRhdGFfb2Zmc2V0cyI6WzEyLDM2XX0sIjIuYmlhcyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzM2LDQwXX0sIjIud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsxLDNdLCJkYXRhX29mZnNldHMiOls0MCw1Ml19fSa6bj9N7aM/7wCVP/q/9T0gIDS+91ptvxY8yL8G5Co/nfiuv0bUuD0evWG+mTFEv4+mZj8=';
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const net = cm.MLP.fromTorch(cm.nn.readSafetensors(bytes), { activation: 'tanh' });
    const y = net.predict([[0.5, -1], [1, 1]]).data;
    if (Math.abs(y[0] - 0.0503943) > 1e-6 || Math.abs(y[1] - 0.967219) > 1e-6) failures.push(`torch: MLP.fromTorch gave ${Array.from(y)}, PyTorch 0.0503943, 0.967219`);
    const tBytes = [Float64Array.from(y), Float64Array.from(net.parameters)];
    parts.torch = await sha256(tBytes);
    outputs.push(...tBytes);
    net.dispose();
  } else failures.push('torch: nn.readSafetensors or MLP.fromTorch is missing');

  // 13. sizes above the thread pool's thresholds (init({ threads }) splits these between the
  //     workers; with one thread they run on the calling thread): f32 and f64 products in the
  //     three layouts, a covariance, MLP steps with Adam and with SGD and momentum
  {
    const gen = (r, c, seed) => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => (((i * 131 + j * 71 + seed * 17) % 97) - 48) / 32));
    const bytes = [];
    const A32 = cm.Tensor.from(gen(300, 280, 1)), B32 = cm.Tensor.from(gen(280, 260, 2)), C32 = cm.Tensor.from(gen(260, 280, 3));
    for (const [a, b, o] of [[A32, B32, {}], [A32, A32, { transposeA: true }], [A32, C32, { transposeB: true }]]) {
      const c = cm.linalg.matmul(a, b, o);
      bytes.push(c.data.slice());
      c.dispose();
    }
    const A64 = gen(200, 150, 4), B64 = gen(150, 170, 5);
    for (const [a, b, o] of [[A64, B64, {}], [A64, gen(200, 170, 6), { transposeA: true }], [A64, gen(170, 150, 7), { transposeB: true }]]) {
      const c = cm.linalg.matmul(a, b, o);
      bytes.push(c.data.slice());
      c.dispose();
    }
    const S = cm.linalg.covariance(gen(1200, 90, 8));
    bytes.push(S.data.slice());
    S.dispose();
    // batch 512 × 512 units and 300k parameters: the elementwise passes and updates split too
    const x = cm.Tensor.from(gen(512, 64, 9)), t = cm.Tensor.from(gen(512, 10, 10));
    for (const optimizer of ['adam', 'sgd']) {
      const net = new cm.MLP({ layers: [64, 512, 512, 10], activation: 'tanh', seed: 11 });
      const opt = optimizer === 'adam' ? new cm.nn.Adam(net, { learningRate: 1e-3 }) : new cm.nn.SGD(net, { learningRate: 1e-2, momentum: 0.9 });
      const losses = [];
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        const l = cm.nn.mse(net.forward(x), t);
        net.backward(l.grad);
        l.grad.dispose();
        opt.step();
        losses.push(l.loss);
      }
      if (!(losses[2] < losses[0])) failures.push(`threads part: ${optimizer} loss did not decrease (${losses})`);
      bytes.push(net.parameters.slice(), Float64Array.from(losses));
      opt.dispose();
      net.dispose();
    }
    for (const o of [A32, B32, C32, x, t]) o.dispose();
    parts.large = await sha256(bytes);
    outputs.push(...bytes);
  }

  // 13b. data in the shapes people have it: CSV text (quoted names, a semicolon-free comma file)
  //      read by parseCsv, its columns picked by name, rows of objects through columns, a CCA fit
  if (cm.parseCsv && cm.columns) {
    const csv = cm.parseCsv(['"Chins","Situps","Jumps",Weight,Waist,Pulse', ...EXERCISE.map((r, i) => [...r, ...PHYSIOLOGICAL[i]].join(','))].join('\r\n'));
    const X = cm.columns(csv, ['Chins', 'Situps', 'Jumps']);
    const Y = cm.columns(PHYSIOLOGICAL.map(([Weight, Waist, Pulse]) => ({ Weight: String(Weight), Waist, Pulse })), ['Weight', 'Waist', 'Pulse']);
    const t = new cm.CCA({ components: 3 }).fit(X, Y);
    REFERENCE.forEach((r, i) => {
      if (!(Math.abs(t.correlations[i] - r) < 1e-8)) failures.push(`tables: correlation ${i} ${t.correlations[i]} vs ${r}`);
    });
    const tBytes = [csv.data, X.data, Y.data, t.correlations, t.xWeights.data];
    t.dispose();
    parts.tables = await sha256(tBytes);
    outputs.push(...tBytes);
  } else failures.push('tables: parseCsv or columns is not exported');

  // 13c. missing: 'drop' (issue 33): Linnerud with holes (NaN, null) in rows 2, 9 and 15; CCA and a
  //      DeepCCA epoch leave those rows out and equal the fits of the 17 complete rows bit for bit
  if (cm.DeepCCA) {
    const holes = new Set([2, 9, 15]);
    const keep = (A) => A.filter((_, i) => !holes.has(i));
    const poke = (A, at) => A.map((r, i) => (i in at ? r.map((v, j) => (j === at[i][0] ? at[i][1] : v)) : r));
    const ex = scale(EXERCISE, [20, 250, 250]), ph = scale(PHYSIOLOGICAL, [250, 50, 80]);
    const a = new cm.CCA({ components: 2, missing: 'drop' }).fit(poke(EXERCISE, { 2: [1, NaN], 15: [0, null] }), poke(PHYSIOLOGICAL, { 9: [2, NaN] }));
    const b = new cm.CCA({ components: 2 }).fit(keep(EXERCISE), keep(PHYSIOLOGICAL));
    if (a.droppedRows !== 3) failures.push(`missing: CCA droppedRows ${a.droppedRows}, expected 3`);
    if (a.correlations.some((v, i) => v !== b.correlations[i]) || a.xWeights.data.some((v, i) => v !== b.xWeights.data[i])) failures.push("missing: CCA with 'drop' differs from the fit of the complete rows");
    const d = new cm.DeepCCA({ components: 1, hidden: [6], epochs: 1, batchSize: 10, seed: 7, missing: 'drop' }), e = new cm.DeepCCA({ components: 1, hidden: [6], epochs: 1, batchSize: 10, seed: 7 });
    const dh = await d.fit(poke(ex, { 2: [1, NaN], 15: [0, null] }), poke(ph, { 9: [2, NaN] })), eh = await e.fit(keep(ex), keep(ph));
    if (d.droppedRows !== 3) failures.push(`missing: DeepCCA droppedRows ${d.droppedRows}, expected 3`);
    const du = d.transform(keep(ex), null)[0].data, eu = e.transform(keep(ex), null)[0].data;
    if (dh[0].loss !== eh[0].loss || du.some((v, i) => v !== eu[i])) failures.push("missing: DeepCCA with 'drop' differs from the fit of the complete rows");
    const mBytes = [a.correlations, a.xWeights.data, new Float64Array([dh[0].loss]), du];
    for (const m of [a, b, d, e]) m.dispose();
    parts.missing = await sha256(mBytes);
    outputs.push(...mBytes);
  } else failures.push('missing: DeepCCA is not exported');

  // 14. the one trainer: each neural model fitted 2 epochs and warm-started for 2 more (another
  //     optimiser, gradient clipping), equal to one fit of 4; a second fit while one runs refused
  if (cm.FitRunningError) {
    const ex = scale(EXERCISE, [20, 250, 250]), ph = scale(PHYSIOLOGICAL, [250, 50, 80]);
    const lab = ex.map((_, i) => i % 2);
    const kinds = [
      [(o) => new cm.DeepCCA({ components: 1, hidden: [6], batchSize: 10, seed: 2, optimizer: 'adamw', maxGradNorm: 1, ...o }), (m, f) => m.fit(ex, ph, f), (m) => m.transform(ex, ph)[0].data],
      [(o) => new cm.MultimodalAutoencoder({ hidden: [5], code: 2, batchSize: 5, seed: 3, optimizer: 'sgd', learningRate: 1e-2, maxGradNorm: 1, outputActivation: ['identity', 'sigmoid'], ...o }), (m, f) => m.fit([ex, ph], f), (m) => m.reconstruct([ex, null])[1].data],
      [(o) => new cm.ConditionalGAN({ noise: 2, hidden: [5], batchSize: 5, seed: 4, weightDecay: 1e-3, maxGradNorm: 0.5, ...o }), (m, f) => m.fit(ph, ex, f), (m) => m.generate(ex, { seed: 1 }).data],
      [(o) => new cm.Classifier({ hidden: [5], batchSize: 5, seed: 5, optimizer: 'sgd', learningRate: 1e-2, maxGradNorm: 1, ...o }), (m, f) => m.fit(ex, lab, f), (m) => m.predictProba(ex).data],
    ];
    const tBytes = [];
    for (const [make, fit, out] of kinds) {
      const four = make({ epochs: 4 }), two = make({ epochs: 2 });
      await fit(four);
      await fit(two);
      const running = fit(two, { warmStart: true });
      const refused = await fit(two).then(() => null, (e) => e);
      if (!(refused instanceof cm.FitRunningError)) failures.push(`trainer: a second fit of ${two.constructor.name} while one ran was not refused (${refused})`);
      await running;
      const a = out(two), b = out(four);
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) failures.push(`trainer: ${two.constructor.name} warm-started 2 + 2 epochs differs from one fit of 4`);
      tBytes.push(Float32Array.from(a));
      four.dispose();
      two.dispose();
    }
    parts.trainer = await sha256(tBytes);
    outputs.push(...tBytes);
  } else failures.push('trainer: FitRunningError is not exported');

  // 15. scale: true (issue 33): an autoencoder epoch on the raw Linnerud columns (2 to 251), each
  //     standardised by the training rows; codes and reconstructions back in the data's units
  if (cm.MultimodalAutoencoder) {
    const ae = new cm.MultimodalAutoencoder({ hidden: [6], code: 2, epochs: 1, batchSize: 5, seed: 9, scale: true });
    const sh = await ae.fit([EXERCISE, PHYSIOLOGICAL]);
    if (!(sh.length === 1 && Number.isFinite(sh[0].loss))) failures.push('neuralScale: no finite loss after one epoch');
    const [exBack, phFromEx] = ae.reconstruct([EXERCISE, null]);
    const again = cm.MultimodalAutoencoder.fromJSON(JSON.stringify(ae));
    const [, phAgain] = again.reconstruct([EXERCISE, null]);
    if (phAgain.data.some((v, i) => v !== phFromEx.data[i])) failures.push('neuralScale: the file does not give the same reconstructions');
    const nBytes = [ae.encode([EXERCISE, null]).data, exBack.data, phFromEx.data, new Float64Array([sh[0].loss])];
    ae.dispose();
    again.dispose();
    parts.neuralScale = await sha256(nBytes);
    outputs.push(...nBytes);
  } else failures.push('neuralScale: MultimodalAutoencoder is not exported');

  // 16. training from a source (issue 37): a streamed 'ey' epoch on the raw Linnerud rows, read
  //     from an async generator in chunks of 7 (the last of 6) through a shuffle buffer of 8 rows
  //     (draws from the seeded in-wasm stream), the columns' statistics by a pass before
  //     training and the final CCA by a pass after it; a source that throws in a warm start's
  //     second chunk is a SourceError naming epoch 1, chunk 2 (the fit kept)
  if (cm.SourceError) {
    const source = () => (async function* () {
      for (let i = 0; i < EXERCISE.length; i += 7) yield [EXERCISE.slice(i, i + 7), PHYSIOLOGICAL.slice(i, i + 7)];
    })();
    const m = new cm.DeepCCA({ components: 2, outputs: 4, hidden: [16], epochs: 1, batchSize: 6, seed: 5, objective: 'ey', scale: true });
    const h = await m.fit(source, { shuffleBuffer: 8 });
    const [u, v] = m.transform(EXERCISE, PHYSIOLOGICAL);
    if (!(h.length === 1 && Number.isFinite(h[0].loss) && Number.isFinite(h[0].losses.correlation))) failures.push('deepccaSource: no finite loss after one streamed epoch');
    const bad = await m.fit(() => (function* () {
      yield [EXERCISE.slice(0, 7), PHYSIOLOGICAL.slice(0, 7)];
      throw new Error('gone');
    })(), { warmStart: true }).then(() => null, (e) => e);
    if (!(bad instanceof cm.SourceError && bad.epoch === 1 && bad.chunk === 2)) failures.push(`deepccaSource: a source that threw gave ${bad}`);
    const sBytes = [m.correlations, new Float64Array([h[0].loss, h[0].losses.correlation]), u.data, v.data, m.transform(EXERCISE, null)[0].data];
    m.dispose();
    parts.deepccaSource = await sha256(sBytes);
    outputs.push(...sBytes);
  } else failures.push('deepccaSource: SourceError is not exported');

  // 17. retrieval (issue 40): exercise rows against physiology rows through CCA's canonical space
  //     (retrieve, components weighted by the correlations, both directions, cosine and
  //     Euclidean), and metrics.retrieval on the variates, paired and by labels (f64 GEMM
  //     blocks, heaps and counts in wasm)
  if (cm.metrics && cm.metrics.retrieval) {
    const c = new cm.CCA({ components: 2 }).fit(EXERCISE, PHYSIOLOGICAL);
    const r = c.retrieve(EXERCISE, PHYSIOLOGICAL, { k: 5 });
    const back = c.retrieve(PHYSIOLOGICAL, EXERCISE, { k: 3, from: 'y', metric: 'euclidean' });
    const [u, v] = c.transform(EXERCISE, PHYSIOLOGICAL);
    c.dispose();
    const paired = cm.metrics.retrieval(u, v, { k: [1, 5, 10] });
    const byLabel = cm.metrics.retrieval(u, v, { k: [1, 3], relevance: EXERCISE.map((_, i) => i % 3), metric: 'euclidean' });
    for (const [name, m] of [['paired', paired], ['labels', byLabel]]) {
      if (!(m.meanAveragePrecision > 0 && m.meanAveragePrecision <= 1 && m.recallAt.every((x) => x >= 0 && x <= 1))) failures.push(`retrieval ${name}: figures out of range`);
    }
    const rBytes = [r.indices, r.scores, back.indices, back.scores, paired.recallAt, byLabel.recallAt, paired.indices, paired.scores, byLabel.indices, byLabel.scores,
      new Float64Array([paired.meanAveragePrecision, paired.medianRank, byLabel.meanAveragePrecision, byLabel.medianRank])];
    parts.retrieval = await sha256(rBytes);
    outputs.push(...rBytes);
  } else failures.push('retrieval: metrics.retrieval is not exported');

  const threads = { threads: info.threads, ...(info.threadsFallback ? { threadsFallback: info.threadsFallback } : {}) };
  return { build: info.build, ...threads, ok: failures.length === 0, failures, hash: await sha256(outputs), parts };
}
