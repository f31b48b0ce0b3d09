// DCCAE (DeepCCA with reconstruction, issue 36) on the digits halves: towers 256-256
// leaky_relu, Adam 1e-3, 10 components, 100 epochs on rows 0…1499, held out rows 1500…1796.
// For DeepCCA (no reconstruction) and DCCAE (weight 0.1), per objective / batch / seed:
//   - held-out sum of the 10 correlations of the final CCA (issue: ≥ 7.6 for DCCAE);
//   - each view's held-out reconstruction MSE, X̂ from X and Ŷ from Y (reconstruct([X, Y])),
//     against the column-mean baseline (each column predicted by its training mean); and
//     Ŷ from X alone (reconstruct([X, null]): X's tower output carried by the final CCA);
//   - a linear Classifier (no hidden layer: softmax on the code) trained on the training
//     rows' shared code, the average (U + V)/2 of the two views' canonical variates
//     (transform(X, Y)), and on U alone: held-out accuracy.
//   node bench/dccae_quality.js                     (trace at batch 500, ey at batch 100 when available; seeds 0, 1)
//   node bench/dccae_quality.js trace:500:0 ey:100:1 (chosen runs, objective:batch:seed)
import { init, DeepCCA, nn } from '../dist/index.js';
import { parseDigits } from '../dist/datasets.js';
import { readFileSync } from 'node:fs';

await init();
const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
const tr = (v) => v.slice(0, 1500), te = (v) => v.slice(1500);
const [Xtr, Ytr, Xte, Yte] = [tr(digits.left), tr(digits.right), te(digits.left), te(digits.right)];
const [Ltr, Lte] = [tr(digits.labels), te(digits.labels)];
const EPOCHS = Number(process.env.EPOCHS ?? 100);
const WEIGHT = Number(process.env.WEIGHT ?? 0.1);
const hasEy = (() => {
  try {
    new DeepCCA({ objective: 'ey', batchSize: 100 });
    return true;
  } catch {
    return false;
  }
})();
const runs = process.argv.length > 2
  ? process.argv.slice(2).map((s) => s.split(':')).map(([o, b, s]) => [o, Number(b), Number(s)])
  : [['trace', 500, 0], ['trace', 500, 1], ...(hasEy ? [['ey', 100, 0], ['ey', 100, 1]] : [])];
const sum = (a) => Array.from(a).reduce((s, v) => s + v, 0);
const mse = (r, V) => V.flat().reduce((s, v, i) => s + (v - r.data[i]) ** 2, 0) / (V.length * V[0].length);

/** Held-out MSE of predicting each column by its training mean. */
function baseline(train, test) {
  const p = train[0].length, mean = new Float64Array(p);
  for (const r of train) for (let j = 0; j < p; j++) mean[j] += r[j] / train.length;
  return mse({ data: Float64Array.from({ length: test.length * p }, (_, i) => mean[i % p]) }, test);
}
const base = [baseline(Xtr, Xte), baseline(Ytr, Yte)];
console.log(`column-mean baseline (held-out MSE, pixels / 16): X ${base[0].toFixed(4)}, Y ${base[1].toFixed(4)}`);

const rows = (r) => Array.from({ length: r.rows }, (_, i) => Array.from(r.data.subarray(i * r.cols, (i + 1) * r.cols)));
const avg = ([u, v]) => ({ data: u.data.map((a, i) => (a + v.data[i]) / 2), rows: u.rows, cols: u.cols });
async function accuracy(codeTr, codeTe, seed) {
  const clf = new nn.Classifier({ hidden: [], epochs: 200, learningRate: 1e-2, batchSize: 100, seed });
  await clf.fit(rows(codeTr), Ltr);
  const a = clf.accuracy(rows(codeTe), Lte);
  clf.dispose();
  return a;
}

console.log(`| model | objective | batch | seed | held-out corr sum | MSE X (X̂ from X) | MSE Y (Ŷ from Y) | MSE Y from X alone | linear clf acc (U+V)/2 | acc U | s |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|`);
for (const [objective, batchSize, seed] of runs) {
  for (const weight of [0, WEIGHT]) {
    const m = new DeepCCA({
      components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize, epochs: EPOCHS, seed, objective,
      ...(weight > 0 ? { reconstruction: { weight } } : {}),
    });
    const t0 = performance.now();
    await m.fit(Xtr, Ytr);
    const secs = (performance.now() - t0) / 1000;
    const held = sum(m.score(Xte, Yte));
    let mx = '–', my = '–', myx = '–';
    if (weight > 0) {
      const [xh, yh] = m.reconstruct([Xte, Yte]);
      const [, yx] = m.reconstruct([Xte, null]);
      mx = mse(xh, Xte).toFixed(4);
      my = mse(yh, Yte).toFixed(4);
      myx = mse(yx, Yte).toFixed(4);
    }
    const codeTr = m.transform(Xtr, Ytr), codeTe = m.transform(Xte, Yte);
    const accAvg = await accuracy(avg(codeTr), avg(codeTe), seed);
    const accU = await accuracy(codeTr[0], codeTe[0], seed);
    const name = weight > 0 ? `DCCAE (weight ${weight})` : 'DeepCCA';
    console.log(`| ${name} | ${objective} | ${batchSize} | ${seed} | ${held.toFixed(3)} | ${mx} | ${my} | ${myx} | ${accAvg.toFixed(3)} | ${accU.toFixed(3)} | ${secs.toFixed(1)} |`);
    m.dispose();
  }
}
