// node bench/retrieval.js [--quick]   (after npm run build)
// Cross-modal retrieval (issue 40) on the bundled digits halves: each held-out left half (rows
// 1500..1796, 297 queries) ranks the 297 held-out right halves in the shared space of a model fitted
// on rows 0..1499 — linear CCA (10 components, ridge 1e-4) and DeepCCA (the demo's: towers
// 32 → 256 → 256 → 10, leaky ReLU, Adam 1e-3, batch 500, 200 epochs, seed 0; --quick: 20). The
// variates are weighted by the canonical correlations (what `retrieve` does); recall@1/5/10 is
// for the partner (the other half of the same image), mAP for the class (the rows with the
// query's digit label are relevant). Then the scan's speed: a gallery of 20,000 rows × 16
// columns against 2,000 queries (top 10, ranks by labels), as similarities a second, next to a
// plain JS brute force (every similarity, a sort per query) on a tenth of the queries.
import { init, metrics, CCA, DeepCCA } from '../dist/index.js';
import { loadDigits } from '../dist/datasets.js';

const quick = process.argv.includes('--quick');
const info = await init();
const digits = await loadDigits();
const [trainX, testX] = [digits.left.slice(0, 1500), digits.left.slice(1500)];
const [trainY, testY] = [digits.right.slice(0, 1500), digits.right.slice(1500)];
const testLabels = digits.labels.slice(1500);
console.log(`## Retrieval on the digits halves (wasm build ${info.build}): ${testX.length} held-out left halves against ${testY.length} held-out right halves`);

/** The correlation-weighted variates of the held-out rows, both figures, and a check that retrieve agrees. */
function figures(name, model, seconds) {
  const [u, v] = model.transform(testX, testY), rho = model.correlations;
  const w = (m) => ({ data: Float64Array.from(m.data, (x, i) => x * rho[i % m.cols]), rows: m.rows, cols: m.cols });
  const paired = metrics.retrieval(w(u), w(v), { k: [1, 5, 10] });
  const byClass = metrics.retrieval(w(u), w(v), { k: [1, 5, 10], relevance: testLabels });
  const top = model.retrieve(testX, testY, { k: 10 });
  const same = top.indices.every((j, i) => j === paired.indices[i]);
  const pct = (x) => (100 * x).toFixed(1);
  console.log(`  ${name.padEnd(30)} partner recall@1/5/10 ${paired.recallAt.map(pct).join(' / ')} %, median rank ${paired.medianRank}, partner mAP ${paired.meanAveragePrecision.toFixed(3)};` +
    ` class mAP ${byClass.meanAveragePrecision.toFixed(3)} (class recall@1 ${pct(byClass.recallAt[0])} %)${same ? '' : ' — retrieve DISAGREES with metrics.retrieval'} [fit ${seconds.toFixed(1)} s]`);
  return { paired, byClass, same };
}

let t0 = performance.now();
const cca = new CCA({ components: 10, regularization: 1e-4 }).fit(trainX, trainY);
figures('linear CCA (ridge 1e-4, 10)', cca, (performance.now() - t0) / 1000);
cca.dispose();
const epochs = quick ? 20 : 200;
const dcca = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs, seed: 0 });
t0 = performance.now();
await dcca.fit(trainX, trainY);
figures(`DeepCCA (${epochs} epochs, seed 0)`, dcca, (performance.now() - t0) / 1000);
dcca.dispose();
// chance: recall@k = k / 297; a random ranking's class mAP is about the class share (≈ 0.10)

// ---- speed of the scan ----
let s = 1;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
const N = 20000, M = 2000, D = 16, K = 10;
const G = { data: Float64Array.from({ length: N * D }, rand), rows: N, cols: D };
const Q = { data: Float64Array.from({ length: M * D }, rand), rows: M, cols: D };
const labels = Array.from({ length: N }, (_, j) => j % 10);
t0 = performance.now();
const r = metrics.retrieval(Q, G, { k: [1, K], relevance: labels });
const wasmS = (performance.now() - t0) / 1000;
// the peer: plain JS, every similarity of a query then a sort of its row (top K, no ranks), on M/10 queries
const m = M / 10;
t0 = performance.now();
const gn = Float64Array.from({ length: N }, (_, j) => Math.hypot(...G.data.subarray(j * D, j * D + D)));
let agree = 0;
for (let i = 0; i < m; i++) {
  const q = Q.data.subarray(i * D, i * D + D), qn = Math.hypot(...q);
  const sims = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let dot = 0;
    for (let c = 0; c < D; c++) dot += q[c] * G.data[j * D + c];
    sims[j] = dot / (qn * gn[j]);
  }
  const order = Array.from({ length: N }, (_, j) => j).sort((a, b) => sims[b] - sims[a] || a - b);
  if (order[0] === r.indices[i * K]) agree++;
}
const jsS = (performance.now() - t0) / 1000;
const rate = (q, secs) => ((q * N) / secs / 1e6).toFixed(1);
console.log(`  scan: ${M} queries × ${N} gallery rows × ${D} (top ${K}, ranks and AP by labels, two passes): ${wasmS.toFixed(2)} s, ${rate(M, wasmS)} M similarities/s;` +
  ` plain JS (similarities + a sort per query, no ranks) ${rate(m, jsS)} M/s on ${m} queries (${agree}/${m} top rows agree)`);
