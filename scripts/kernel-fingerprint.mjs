// node scripts/kernel-fingerprint.mjs [baseline|relaxed|scalar|threads|relaxed-threads]   (no argument: all five)
// One SHA-256 per wasm build over the outputs of the kernels a refactor of assembly/ could
// change: gemm f32/f64 in every layout with alpha/beta (odd sizes, sizes around the block
// sizes, padded strides), syrk, svd / eigh / invsqrt on several matrix classes, a CCA fit,
// MLP train steps and metrics.retrieval (through dist/, so run `npm run build` first).
// Bit-identical refactors keep the three hashes. The relaxed build is run with --experimental-wasm-relaxed-simd. `threads`
// runs the threads build with 4 threads and the size thresholds at 0 (every kernel split,
// however small): its hash must be the baseline's. `relaxed-threads` runs the relaxed threads
// build the same way: its hash must be the relaxed one's (on the same machine: relaxed results
// may differ between CPUs, so the relaxed hashes are not compared across machines).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const arg = process.argv[2];
if (!arg) {
  for (const b of ['baseline', 'relaxed', 'scalar', 'threads', 'relaxed-threads']) {
    const flags = b.startsWith('relaxed') ? ['--experimental-wasm-relaxed-simd'] : [];
    const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), b], { encoding: 'utf8' });
    if (r.status !== 0) { process.stderr.write(r.stderr); process.exit(1); }
    process.stdout.write(r.stdout);
  }
  process.exit(0);
}

const { init, CCA, nn, metrics } = await import('../dist/index.js');
const { kernels, alloc, free, heapU8 } = await import('../dist/wasm/module.js');
const pooled = arg === 'threads' || arg === 'relaxed-threads';
const info = await init(arg === 'threads' ? { threads: 4 } : arg === 'relaxed-threads' ? { simd: 'relaxed', threads: 4 } : { simd: arg });
const K = kernels();
if (pooled) {
  if (info.threads !== 4) throw new Error(`threads: got ${JSON.stringify(info)}`);
  K.pool_set_thresholds(0, 0);
}
const hash = createHash('sha256');
const parts = {};
const add = (name, typed) => {
  const b = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  hash.update(name); hash.update(b);
  (parts[name.split(':')[0]] ??= createHash('sha256')).update(b);
};

// deterministic PRNG (mulberry32)
let s = 12345;
const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = Math.imul(s ^ (s >>> 15), s | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const fill = (T, n) => T.from({ length: n }, () => rnd() * 2 - 1);

/** copies arrays in, runs call(ptrs), returns copies of every buffer and the return value */
function run(bufs, call) {
  const ptr = bufs.map((a) => { const p = alloc(Math.max(16, a.byteLength)); heapU8().set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p); return p; });
  const ret = call(...ptr);
  const out = bufs.map((a, i) => new a.constructor(heapU8().slice(ptr[i], ptr[i] + a.byteLength).buffer));
  ptr.forEach(free);
  return { ret, out };
}

// ---- GEMM ----
const sizes = [[1, 1, 1], [3, 5, 7], [17, 9, 63], [63, 65, 129], [130, 97, 257], [257, 131, 300], [5, 300, 515], [300, 11, 600], [129, 257, 33]];
for (const T of [Float32Array, Float64Array]) {
  const t = T === Float32Array ? 'f32' : 'f64';
  for (const [m, n, k] of sizes) {
    for (const lay of ['nn', 'tn', 'nt']) {
      for (const [alpha, beta, pad] of [[1, 0, 0], [0.75, -1.25, 3], [-2, 1, 1]]) {
        const [ar, ac] = lay === 'tn' ? [k, m] : [m, k];
        const [br, bc] = lay === 'nt' ? [n, k] : [k, n];
        const lda = ac + pad, ldb = bc + pad, ldc = n + pad;
        const A = fill(T, ar * lda), B = fill(T, br * ldb), C = fill(T, m * ldc);
        const r = run([C, A, B], (c, a, b) => K[`gemm_${t}_${lay}`](c, a, b, m, n, k, lda, ldb, ldc, alpha, beta));
        add(`gemm_${t}_${lay}:${m}x${n}x${k}:${alpha},${beta}`, r.out[0]);
      }
    }
  }
}
for (const [n, k] of [[1, 1], [5, 7], [17, 63], [65, 129], [131, 300], [257, 600], [300, 41]]) {
  for (const [alpha, beta, pad] of [[1, 0, 0], [0.5, 2, 2]]) {
    const lda = n + pad, ldc = n + pad;
    const A = fill(Float64Array, k * lda), C = fill(Float64Array, n * ldc);
    const r = run([C, A], (c, a) => K.syrk_f64_tn(c, a, n, k, lda, ldc, alpha, beta));
    add(`syrk_f64_tn:${n}x${k}`, r.out[0]);
  }
}

// ---- eigh / invsqrt / svd on matrix classes ----
function classes(m, n) {
  const out = {};
  out.random = fill(Float64Array, m * n);
  const g = fill(Float64Array, m * n);
  out.graded = g.map((v, i) => v * 10 ** (-((i % n) * 12) / n));
  out.lowrank = new Float64Array(m * n);
  const u = fill(Float64Array, m * 2), v = fill(Float64Array, 2 * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.lowrank[i * n + j] = u[i * 2] * v[j] + u[i * 2 + 1] * v[n + j];
  out.clustered = new Float64Array(m * n).map((_, i) => (Math.floor(i / n) === i % n ? 1 + 1e-9 * (i % 3) : 1e-7 * Math.sin(i)));
  out.zero = new Float64Array(m * n);
  return out;
}
const sym = (a, n) => { const s2 = new Float64Array(n * n); for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s2[i * n + j] = a[i * n + j] + a[j * n + i]; return s2; };
const spd = (a, n) => { const s2 = new Float64Array(n * n); for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let v = 0; for (let l = 0; l < n; l++) v += a[i * n + l] * a[j * n + l]; s2[i * n + j] = v + (i === j ? 0.1 : 0); } return s2; };
for (const n of [1, 2, 3, 7, 17, 40, 65]) {
  for (const [cls, a] of Object.entries(classes(n, n))) {
    const S = sym(a, n);
    const w = K.eigh_f64_work(n);
    const r = run([new Float64Array(n), new Float64Array(n * n), S, new Float64Array(Math.max(1, w))], (vals, vecs, pa, work) => K.eigh_f64(vals, vecs, pa, n, n, n, work));
    add(`eigh:${cls}:${n}`, r.out[0]); add(`eigh:${cls}:${n}:v`, r.out[1]); add(`eigh:${cls}:${n}:ret`, new Float64Array([r.ret]));
    const P = spd(a, n);
    const wi = K.invsqrt_spd_f64_work(n);
    const q = run([new Float64Array(n * n), new Float64Array(n), P, new Float64Array(Math.max(1, wi))], (o, vals, pa, work) => K.invsqrt_spd_f64(o, vals, pa, n, n, n, work));
    add(`invsqrt:${cls}:${n}`, q.out[0]); add(`invsqrt:${cls}:${n}:vals`, q.out[1]); add(`invsqrt:${cls}:${n}:ret`, new Float64Array([q.ret]));
  }
}
for (const [m, n] of [[1, 1], [2, 3], [3, 2], [7, 5], [5, 7], [17, 17], [40, 13], [13, 40], [65, 33], [100, 70]]) {
  for (const [cls, a] of Object.entries(classes(m, n))) {
    const kk = Math.min(m, n), w = K.svd_f64_work(m, n);
    const r = run([new Float64Array(m * kk), new Float64Array(kk), new Float64Array(n * kk), a, new Float64Array(Math.max(1, w))], (u, sv, v, pa, work) => K.svd_f64(u, sv, v, pa, m, n, n, kk, kk, work));
    add(`svd:${cls}:${m}x${n}`, r.out[0]); add(`svd:${cls}:${m}x${n}:s`, r.out[1]); add(`svd:${cls}:${m}x${n}:v`, r.out[2]); add(`svd:${cls}:${m}x${n}:ret`, new Float64Array([r.ret]));
  }
}

// ---- CCA fit and MLP train steps (public API) ----
{
  const n = 301, p = 13, q = 9;
  const X = [], Y = [];
  for (let i = 0; i < n; i++) { const z = rnd(); X.push(Array.from({ length: p }, () => z + rnd())); Y.push(Array.from({ length: q }, () => z - rnd())); }
  const cca = new CCA({ components: 5, regularization: 1e-3 }).fit(X, Y);
  add('cca:corr', cca.correlations);
  add('cca:wx', cca.xWeights.data); add('cca:wy', cca.yWeights.data);
  const [u] = cca.transform(X, Y); add('cca:u', u.data ?? Float64Array.from(u.flat?.() ?? []));
  cca.dispose();
}
{
  const mlp = new nn.MLP({ layers: [11, 37, 19, 5], activation: 'tanh', seed: 7 });
  const opt = new nn.Adam(mlp, { learningRate: 1e-2 });
  const n = 67, x = fill(Float32Array, n * 11), yt = fill(Float32Array, n * 5);
  for (let step = 0; step < 3; step++) {
    mlp.zeroGrad();
    const y = mlp.forward({ data: x, rows: n, cols: 11 });
    const yd = y.data;
    const d = Float32Array.from(yd, (v, i) => (2 * (v - yt[i])) / yd.length);
    mlp.backward({ data: d, rows: n, cols: 5 });
    opt.step();
  }
  add('mlp:params', mlp.parameters); add('mlp:grads', mlp.gradients);
  mlp.dispose(); opt.dispose?.();
}
// ---- retrieval (issue 40): similarity blocks, heaps and rank counts, sizes off every block ----
{
  const nq = 301, ng = 1031, d = 7;
  const Q = { data: fill(Float64Array, nq * d), rows: nq, cols: d }, G = { data: fill(Float64Array, ng * d), rows: ng, cols: d };
  const labels = Array.from({ length: ng }, (_, j) => (j * 7) % 5);
  for (const metric of ['cosine', 'euclidean']) {
    for (const relevance of ['paired', labels]) {
      const r = metrics.retrieval(Q, G, { k: [1, 13], relevance, metric });
      const tag = `retrieval:${metric}:${relevance === 'paired' ? 'paired' : 'labels'}`;
      add(tag, r.scores); add(`${tag}:i`, r.indices); add(`${tag}:fig`, Float64Array.from([...r.recallAt, r.meanAveragePrecision, r.medianRank]));
    }
  }
}
const per = Object.entries(parts).map(([k, h]) => `${k}=${h.digest('hex').slice(0, 12)}`).join(' ');
console.log(`${arg.padEnd(15)} (${info.build}) ${hash.digest('hex')}${pooled ? ` (${K.pool_dispatches()} jobs split between 4 threads)` : ''}`);
if (process.env.FINGERPRINT_VERBOSE) console.log('  ' + per);
