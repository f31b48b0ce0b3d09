// DeepCCA on Fashion-MNIST halves (issue 36): the left and right 14 columns of each 28×28
// image (392 + 392 pixels / 255), 60,000 training and 10,000 test rows, towers 392 → 512 →
// 512 → 10 (LeakyReLU, Adam 1e-3); the held-out sum of the 10 correlations of the final CCA
// for the Eckart–Young objective at batch 128 for 5 epochs, the 'trace' objective at batch
// 800 for 10 epochs, and linear CCA (ridge 1e-4). Needs Debian's dataset-fashion-mnist (idx
// files under /usr/share/datasets/fashion-mnist; never shipped, never in npm test): skipped
// with a notice when absent. Minutes, not seconds. Figures when written (issue 36, Node 20, simd
// build, one thread): linear CCA 9.362; 'ey' at batch 128, 5 epochs 9.813 (13.4 s an epoch);
// 'trace' at batch 800, 10 epochs 9.887 (10.2 s an epoch).
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CCA, DeepCCA } from '../dist/index.js';

const DIR = '/usr/share/datasets/fashion-mnist';
if (!existsSync(`${DIR}/train-images-idx3-ubyte.gz`)) {
  console.log(`## DeepCCA on Fashion-MNIST: skipped (${DIR} not found: apt-get install dataset-fashion-mnist)`);
} else {
  /** the halves of an idx3 image file as two Float32 {data, rows, cols} of 392 columns each */
  const halves = (file) => {
    const b = gunzipSync(readFileSync(`${DIR}/${file}`));
    const n = b.readUInt32BE(4), h = b.readUInt32BE(8), w = b.readUInt32BE(12);
    const L = new Float32Array(n * 392), R = new Float32Array(n * 392);
    for (let i = 0; i < n; i++)
      for (let r = 0; r < h; r++)
        for (let c = 0; c < w; c++) {
          const v = b[16 + i * h * w + r * w + c] / 255;
          if (c < 14) L[i * 392 + r * 14 + c] = v;
          else R[i * 392 + r * 14 + c - 14] = v;
        }
    return [{ data: L, rows: n, cols: 392 }, { data: R, rows: n, cols: 392 }];
  };
  const [X, Y] = halves('train-images-idx3-ubyte.gz'), [Xt, Yt] = halves('t10k-images-idx3-ubyte.gz');
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  const f64 = (m) => ({ data: Float64Array.from(m.data), rows: m.rows, cols: m.cols });
  console.log('## DeepCCA on Fashion-MNIST halves (60,000 + 10,000 rows, 392 + 392 pixels, 10 components)');
  let t0 = performance.now();
  const lin = new CCA({ components: 10, regularization: 1e-4 }).fit(f64(X), f64(Y));
  console.log(`  linear CCA (ridge 1e-4): held-out sum ${sum(lin.score(f64(Xt), f64(Yt))).toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  lin.dispose();
  for (const [objective, batchSize, epochs] of [['ey', 128, 5], ['trace', 800, 10]]) {
    const m = new DeepCCA({ components: 10, hidden: [512, 512], activation: 'leaky_relu', learningRate: 1e-3, batchSize, epochs, seed: 0, objective });
    t0 = performance.now();
    await m.fit(X, Y);
    const secs = (performance.now() - t0) / 1000;
    console.log(`  DeepCCA '${objective}' batch ${batchSize}, ${epochs} epochs: held-out sum ${sum(m.score(Xt, Yt)).toFixed(3)} (${secs.toFixed(1)} s, ${(secs / epochs).toFixed(1)} s an epoch)`);
    m.dispose();
  }
}
