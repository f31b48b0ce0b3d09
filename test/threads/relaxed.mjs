// node --experimental-wasm-relaxed-simd test/threads/relaxed.mjs <scenario> — the relaxed
// threads build (kernels.relaxed-threads.wasm) in a fresh process, printing a JSON line; run by
// test/threads.test.ts. 'single' loads the single-thread relaxed build, 'pooled' the relaxed
// threads build with 2 threads: the same work gives one hash in both (on one machine), at the
// default size thresholds and with every job split. 'nosab': no shared memory, so one thread
// of the relaxed build. Uses dist/ (npm test builds it first).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const scenario = process.argv[2];
if (scenario === 'nosab') delete globalThis.SharedArrayBuffer;

const cm = await import('../../dist/index.js');
const { kernels, alloc, free, heapU8 } = await import('../../dist/wasm/module.js');
const { parseDigits } = await import('../../dist/datasets.js');
const digits = parseDigits(readFileSync(new URL('../../data/digits.csv', import.meta.url), 'utf8'));
const left = digits.left.slice(0, 600), right = digits.right.slice(0, 600);
const pixels = digits.pixels.slice(0, 600).map((r) => r.map((v) => v / 16)), labels = digits.labels.slice(0, 600);

/** mulberry32 in [-1, 1) */
function filler(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}
const bytes = (...arrays) => {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
};

/** GEMMs of odd sizes (some above the split threshold), f32 and f64, three layouts, alpha/beta. */
function gemms() {
  const K = kernels(), h = createHash('sha256');
  for (const T of [Float32Array, Float64Array]) {
    const t = T === Float32Array ? 'f32' : 'f64';
    for (const layout of ['nn', 'tn', 'nt']) {
      for (const [m, n, k] of [[3, 5, 7], [257, 131, 300], [1001, 63, 257], [129, 1003, 65], [301, 299, 997]]) {
        const rnd = filler(m * 7 + n * 13 + k);
        const ta = layout === 'tn', tb = layout === 'nt';
        const lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
        const arrays = [m * ldc, (ta ? k : m) * lda, (tb ? n : k) * ldb].map((len) => T.from({ length: len }, rnd));
        const ptrs = arrays.map((a) => {
          const p = alloc(a.byteLength);
          heapU8().set(new Uint8Array(a.buffer), p);
          return p;
        });
        K[`gemm_${t}_${layout}`](ptrs[0], ptrs[1], ptrs[2], m, n, k, lda, ldb, ldc, 1.25, 0.5);
        h.update(heapU8().subarray(ptrs[0], ptrs[0] + arrays[0].byteLength));
        ptrs.forEach(free);
      }
    }
  }
  return h.digest('hex');
}

async function deepcca() {
  const m = new cm.DeepCCA({ components: 3, hidden: [128, 128], activation: 'leaky_relu', batchSize: 300, epochs: 2, seed: 5 });
  const hist = await m.fit(left, right);
  const [u, v] = m.transform(left.slice(0, 40), right.slice(0, 40));
  const out = bytes(m.correlations, Float64Array.from(hist.map((e) => e.loss)), u.data, v.data);
  m.dispose();
  return out;
}

async function mlp() {
  const clf = new cm.nn.Classifier({ layers: [64, 384, 256, 10], epochs: 2, batchSize: 300, learningRate: 2e-3, seed: 3 });
  const hist = await clf.fit(pixels, labels);
  const out = bytes(clf.net.parameters, Float64Array.from(hist.map((e) => e.loss)), clf.predictProba(pixels.slice(0, 40)).data);
  clf.dispose();
  return out;
}

const work = async () => ({ gemm: gemms(), deepcca: await deepcca(), mlp: await mlp() });

const out = {};
switch (scenario) {
  case 'single':
    out.info = await cm.init({ simd: 'relaxed' });
    out.flavor = kernels().build_flavor();
    out.work = await work();
    break;
  case 'pooled': {
    out.info = await cm.init({ simd: 'relaxed', threads: 2 });
    const K = kernels();
    out.flavor = K.build_flavor();
    out.sharedBuild = K.build_threads();
    out.again = await cm.init({ simd: 'relaxed' }); // what is running
    out.baseline = await cm.init({ simd: 'baseline' }).then(() => 'resolved', (e) => `${e.name}: ${e.message}`);
    const before = K.pool_dispatches();
    out.work = await work();
    out.dispatched = K.pool_dispatches() - before;
    K.pool_set_thresholds(0, 0); // every job split, however small
    out.split = await work();
    K.pool_set_thresholds(-1, -1);
    out.one = await cm.init({ threads: 1 }); // the same module, no pool
    out.alone = await work();
    await cm.shutdown();
    break;
  }
  case 'nosab':
    out.info = await cm.init({ simd: 'relaxed', threads: 2 });
    out.flavor = kernels().build_flavor();
    out.sharedBuild = kernels().build_threads();
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
console.log(JSON.stringify(out));
