// npm run fuzz: time-bounded randomized differential testing of the built package (dist/).
//   node scripts/fuzz.mjs [--seconds N] [--seed S] [--family F] [--case family:caseSeed]
// Each iteration draws a case (family, sizes, matrix class, scalars) from the seeded PRNG and
// checks it against a plain-JS oracle: gemm/syrk entry-wise error bounds, LAPACK-style eigh
// and svd ratios, CCA fit vs partialFit chunks vs merged shards, stats kernels. Every wasm
// kernel call is also run on a second instance of the scalar build (build/kernels.scalar.wasm)
// and must give bit-identical outputs to the baseline SIMD build (the f32 nn kernels are
// checked for that only). The composing pieces (nn.Concat / Split / Fork) are checked exactly
// against plain-JS column-block oracles, and misused (bad widths, stale or repeated backward)
// must throw the package's typed errors. The multimodal autoencoder's masked-loss kernel is
// checked exactly against JS, and random small models for their invariants (deterministic
// reconstructions, evaluate against reconstruct, JSON round trip, misuse leaves the fit); the
// conditional GAN likewise, and the metrics (precision/recall, KID, Fréchet) against brute-force JS. Every case must free what it allocates. An oracle failure or a leak
// prints the seed and the case and exits 1 at once (replay it alone with --case); cross-build
// differences are printed once per kernel and make the run exit 1 at the end.
import { readFile } from 'node:fs/promises';
import { instantiate } from '@assemblyscript/loader';
import { init, CCA, ConditionalGAN, MultimodalAutoencoder, metrics, memoryStats, nn, Tensor, ShapeError, StaleForwardError, ValueError } from '../dist/index.js';
import { kernels, allocF64, free, heapF64 } from '../dist/wasm/module.js';
import { INITIAL_PAGES } from '../dist/wasm/memory_pages.js';

const EPS = 2 ** -52, U32 = 2 ** -24, SAFMIN = 2.2250738585072014e-308;
const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const seconds = Number(arg('seconds', 120));
const seed = Number(arg('seed', Date.now() % 2 ** 32)) >>> 0;
const only = arg('case', null), family = arg('family', null);

// ---- PRNG (mulberry32) ----
function prng(s) {
  s >>>= 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return { rnd, int, normal, pick: (a) => a[Math.floor(rnd() * a.length)] };
}
/** 1..max, skewed to small sizes and (half the time) odd ones. */
function size(r, max) {
  const u = r.rnd();
  let s = u < 0.4 ? r.int(1, 9) : u < 0.8 ? r.int(1, Math.min(max, 70)) : r.int(1, max);
  if (r.rnd() < 0.5 && s < max) s |= 1;
  return s;
}
const pad = (r) => r.pick([0, 0, 1, 2, 3, r.int(4, 17)]);
const randArr = (T, r, len, f = () => r.rnd() * 2 - 1) => T.from({ length: len }, f);
/** rows×cols values f(i, j) in a row stride ld; padding columns hold `fill`. */
function padded(T, rows, cols, ld, fill, f) {
  const a = new T(rows * ld).fill(fill);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * ld + j] = f(i, j);
  return a;
}
/** Copy of a dense rows×cols f64 matrix with row stride ld, NaN in the padding. */
const strided = (a, rows, cols, ld) => padded(Float64Array, rows, cols, ld, NaN, (i, j) => a[i * cols + j]);

// ---- two kernel instances: the package's (baseline SIMD) and our own scalar build ----
let BASE, SCALAR, current = {};
const stats = {}; // kernel → { cases, worst, same, diff }
const stat = (name) => (stats[name] ??= { cases: 0, worst: null, limit: 1, same: 0, diff: 0 });
class Fail extends Error {}
const fail = (msg) => { throw new Fail(msg); };
/** One passed case of `name`; ratio = its worst error measure, which must stay below `limit`. */
function record(name, ratio, limit = 1) {
  const s = stat(name);
  s.cases++;
  s.limit = limit;
  if (ratio !== undefined) s.worst = Math.max(s.worst ?? 0, ratio);
}

async function instances() {
  const info = await init();
  const K = kernels();
  BASE = { name: 'baseline', build: info.build, k: K, alloc: (b) => allocF64(Math.ceil(b / 8)), free, buf: () => heapF64().buffer, live: () => memoryStats().liveBytes };
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES });
  const bytes = await readFile(new URL('../build/kernels.scalar.wasm', import.meta.url));
  const { exports: S } = await instantiate(bytes, { env: { memory } });
  SCALAR = { name: 'scalar', build: ['scalar', 'simd', 'relaxed'][S.build_flavor()], k: S, alloc: (b) => S.mem_alloc(Math.max(16, b)), free: (p) => S.mem_free(p), buf: () => memory.buffer, live: () => S.mem_live_bytes() };
  if (BASE.build !== 'simd' || SCALAR.build !== 'scalar') throw new Error(`unexpected builds ${BASE.build} / ${SCALAR.build}`);
}

/** Copies the typed arrays of `bufs` into inst, runs call(K, ptrs), reads every buffer back, frees. */
function run(inst, bufs, call) {
  const ptr = {};
  try {
    for (const [key, a] of Object.entries(bufs)) {
      ptr[key] = inst.alloc(a.byteLength);
      new a.constructor(inst.buf(), ptr[key], a.length).set(a);
    }
    const out = { ret: call(inst.k, ptr) };
    for (const [key, a] of Object.entries(bufs)) out[key] = new a.constructor(inst.buf(), ptr[key], a.length).slice();
    return out;
  } finally {
    for (const p of Object.values(ptr)) inst.free(p);
  }
}

/** Runs on both builds; outputs `keys` (and the return value) must agree bit for bit. Returns the baseline run. */
function both(name, bufs, call, keys) {
  const a = run(BASE, bufs, call), b = run(SCALAR, bufs, call);
  const s = stat(name);
  let diff = null;
  if (!Object.is(a.ret, b.ret)) diff = `return value: baseline ${a.ret}, scalar ${b.ret}`;
  for (const key of keys) {
    if (diff) break;
    const x = a[key], y = b[key], ux = new Uint8Array(x.buffer), uy = new Uint8Array(y.buffer);
    for (let i = 0; i < ux.length; i++)
      if (ux[i] !== uy[i]) {
        const e = Math.floor(i / x.BYTES_PER_ELEMENT);
        diff = `${key}[${e}]: baseline ${x[e]}, scalar ${y[e]}`;
        break;
      }
  }
  if (!diff) s.same++;
  else if (s.diff++ === 0) console.log(`NOT BIT-IDENTICAL ${name}: ${diff}\n  seed ${seed}, case ${JSON.stringify(current)}, replay: node scripts/fuzz.mjs --case ${current.family}:${current.caseSeed}`);
  return a;
}

// ---- plain-JS helpers ----
/** ‖X‖₁ of a rows×cols block with row stride ld. */
function norm1(x, rows, cols, ld = cols) {
  let best = 0;
  for (let j = 0; j < cols; j++) {
    let t = 0;
    for (let i = 0; i < rows; i++) t += Math.abs(x[i * ld + j]);
    if (!(t <= best)) best = t;
  }
  return best;
}
/** ‖I − XᵀX‖₁ / (k·ε) for rows×k X with stride ld. */
function orthRatio(x, rows, k, ld) {
  const g = new Float64Array(k * k);
  for (let p = 0; p < k; p++)
    for (let q = 0; q < k; q++) {
      let t = p === q ? 1 : 0;
      for (let i = 0; i < rows; i++) t -= x[i * ld + p] * x[i * ld + q];
      g[p * k + q] = t;
    }
  return norm1(g, k, k) / (Math.max(k, 1) * EPS);
}
/** First `cols` columns of a random orthogonal rows×rows matrix (product of Householder reflections). */
function orthCols(r, rows, cols) {
  const q = new Float64Array(rows * rows), v = new Float64Array(rows), w = new Float64Array(rows);
  for (let i = 0; i < rows; i++) q[i * rows + i] = 1;
  for (let h = 0; h < Math.max(2, Math.min(rows, 12)); h++) {
    let vv = 0;
    for (let i = 0; i < rows; i++) vv += (v[i] = r.normal()) ** 2;
    for (let i = 0; i < rows; i++) {
      let t = 0;
      for (let j = 0; j < rows; j++) t += q[i * rows + j] * v[j];
      w[i] = (2 * t) / vv;
    }
    for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) q[i * rows + j] -= w[i] * v[j];
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[i * rows + j];
  return out;
}
/** m×n P·diag(sig)·Qᵀ with P m×k, Q n×k orthonormal columns; symmetric when m = n and same Q. */
function planted(r, m, n, sig, symmetric) {
  const k = sig.length, P = orthCols(r, m, k), Q = symmetric ? P : orthCols(r, n, k);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = symmetric ? i : 0; j < n; j++) {
      let t = 0;
      for (let p = 0; p < k; p++) t += P[i * k + p] * sig[p] * Q[j * k + p];
      a[i * n + j] = t;
      if (symmetric) a[j * n + i] = t;
    }
  return a;
}
/** Planted spectra of length k by class (signed when `signed`). */
function spectrum(r, cls, k, signed) {
  const f = (i) => {
    if (cls === 'graded') return 10 ** ((-12 * i) / Math.max(1, k - 1));
    if (cls === 'clustered') return (signed ? [1, -0.5, 1e-3][i % 3] : [1, 0.5, 1e-3][i % 3]) * (1 + 1e-11 * r.normal());
    if (cls === 'mixing') return 10 ** -r.rnd();
    if (cls === 'repeated') return signed ? [2, -1, 0.5, 2][i % 4] : i < k / 2 ? 3 : 1;
    return i < Math.max(1, Math.floor(k / 3)) ? (signed ? r.normal() : 1 + i) : 0; // rank-deficient
  };
  return Array.from({ length: k }, (_, i) => f(i));
}
const CLASSES = ['random', 'graded', 'clustered', 'repeated', 'rank-deficient', 'zero'];

// ---- families ----
function gemmCase(r) {
  const dt = r.pick(['f64', 'f32']), op = r.pick(dt === 'f64' ? ['nn', 'tn', 'nt', 'syrk'] : ['nn', 'tn', 'nt']);
  const name = op === 'syrk' ? 'syrk_f64_tn' : `gemm_${dt}_${op}`, T = dt === 'f64' ? Float64Array : Float32Array;
  const m = size(r, 400), k = size(r, 400), n = op === 'syrk' ? m : size(r, 400), layout = op === 'syrk' ? 'tn' : op;
  const [aR, aC] = layout === 'tn' ? [k, m] : [m, k], [bR, bC] = layout === 'nt' ? [n, k] : [k, n];
  const lda = aC + pad(r), ldb = op === 'syrk' ? lda : bC + pad(r), ldc = n + pad(r);
  const rnd = (x) => (dt === 'f32' ? Math.fround(x) : x);
  const alpha = rnd(r.pick([1, -1, 0.5, 0, 3 * r.normal()])), beta = rnd(r.pick([0, 0, 1, -0.5, r.normal()]));
  Object.assign(current, { name, m, n, k, lda, ldb, ldc, alpha, beta });
  const uni = () => r.rnd() * 2 - 1, A = padded(T, aR, aC, lda, NaN, uni), B = op === 'syrk' ? A : padded(T, bR, bC, ldb, NaN, uni);
  const C0 = beta === 0 ? new T(m * ldc).fill(NaN) : padded(T, m, n, ldc, 12345.5, uni);
  if (op === 'syrk' && beta !== 0) for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) C0[i * ldc + j] = C0[j * ldc + i];
  const got = op === 'syrk'
    ? both(name, { c: C0, a: A }, (K, p) => K.syrk_f64_tn(p.c, p.a, n, k, lda, ldc, alpha, beta), ['c']).c
    : both(name, { c: C0, a: A, b: B }, (K, p) => K[name](p.c, p.a, p.b, m, n, k, lda, ldb, ldc, alpha, beta), ['c']).c;
  const bound = dt === 'f64' ? 1e-13 : (k + 4) * U32, tiny = dt === 'f64' ? Number.MIN_VALUE : 1e-37;
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, sa = 0;
      for (let p = 0; p < k; p++) {
        const x = layout === 'tn' ? A[p * lda + i] : A[i * lda + p], y = layout === 'nt' ? B[j * ldb + p] : B[p * ldb + j];
        s += x * y;
        sa += Math.abs(x * y);
      }
      const c = C0[i * ldc + j], want = beta === 0 ? alpha * s : alpha * s + beta * c;
      const scale = Math.abs(alpha) * sa + (beta === 0 ? 0 : Math.abs(beta * c)), err = Math.abs(got[i * ldc + j] - want);
      const ratio = err === 0 ? 0 : err / (bound * scale + tiny);
      if (!(ratio <= 1)) fail(`C[${i}][${j}] = ${got[i * ldc + j]}, expected ${want} (error ${err}, bound ${bound * scale})`);
      if (op === 'syrk' && !Object.is(got[i * ldc + j], got[j * ldc + i])) fail(`syrk result not exactly symmetric at (${i}, ${j})`);
      worst = Math.max(worst, ratio);
    }
    for (let j = n; j < ldc; j++) if (!Object.is(got[i * ldc + j], C0[i * ldc + j])) fail(`padding C[${i}][${j}] was written`);
  }
  record(name, worst);
}

function eighCase(r) {
  const n = size(r, 300), cls = r.pick(CLASSES), scale = r.pick([1, 1, 1, 1e150, 1e-150]), lda = n + pad(r), ldv = n + pad(r);
  Object.assign(current, { n, cls, scale, lda, ldv });
  let a, lam = null;
  if (cls === 'random') {
    a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r.rnd() * 2 - 1;
  }
  else if (cls === 'zero') (a = new Float64Array(n * n)), (lam = new Array(n).fill(0));
  else a = planted(r, n, n, (lam = spectrum(r, cls, n, true)), true);
  a = a.map((x) => x * scale);
  lam = lam && lam.map((x) => x * scale).sort((x, y) => y - x);
  const bufs = { values: new Float64Array(n).fill(NaN), v: new Float64Array(n * ldv).fill(NaN), a: strided(a, n, n, lda), work: new Float64Array(BASE.k.eigh_f64_work(n)).fill(NaN) };
  const got = both('eigh_f64', bufs, (K, p) => K.eigh_f64(p.values, p.v, p.a, n, lda, ldv, p.work), ['values', 'v']);
  if (got.ret !== 0) fail(`eigh_f64 returned ${got.ret}`);
  const { values: w, v } = got, anorm = Math.max(norm1(a, n, n), SAFMIN), R = new Float64Array(n * n);
  for (let i = 1; i < n; i++) if (!(w[i] <= w[i - 1])) fail(`eigenvalues not descending at ${i}: ${w[i - 1]}, ${w[i]}`);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let t = a[i * n + j];
      for (let p = 0; p < n; p++) t -= v[i * ldv + p] * w[p] * v[j * ldv + p];
      R[i * n + j] = t;
    }
  const res = norm1(R, n, n) / (n * EPS * anorm), orth = orthRatio(v, n, n, ldv);
  let val = 0;
  if (lam) for (let p = 0; p < n; p++) val = Math.max(val, Math.abs(w[p] - lam[p]) / (n * EPS * anorm));
  const worst = Math.max(res, orth, val);
  if (!(worst < 60)) fail(`ratios over 60: residual ${res}, orthogonality ${orth}, eigenvalues ${val}`);
  record('eigh_f64', worst, 60);
}

function svdCase(r) {
  const shape = r.pick(['square', 'tall', 'wide']), s1 = size(r, 300), s2 = size(r, 300);
  const [m, n] = shape === 'square' ? [s1, s1] : shape === 'tall' ? [Math.max(s1, s2), Math.min(s1, s2)] : [Math.min(s1, s2), Math.max(s1, s2)];
  const k = Math.min(m, n), cls = r.pick(CLASSES), scale = r.pick([1, 1, 1, 1e150, 1e-150]);
  const lda = n + pad(r), ldu = k + pad(r), ldv = k + pad(r);
  Object.assign(current, { m, n, cls, scale, lda, ldu, ldv });
  let a = cls === 'random' ? randArr(Float64Array, r, m * n, r.normal) : cls === 'zero' ? new Float64Array(m * n) : planted(r, m, n, spectrum(r, cls, k, false), false);
  a = a.map((x) => x * scale);
  const bufs = { u: new Float64Array(m * ldu).fill(NaN), s: new Float64Array(k).fill(NaN), v: new Float64Array(n * ldv).fill(NaN), a: strided(a, m, n, lda), work: new Float64Array(BASE.k.svd_f64_work(m, n)).fill(NaN) };
  const got = both('svd_f64', bufs, (K, p) => K.svd_f64(p.u, p.s, p.v, p.a, m, n, lda, ldu, ldv, p.work), ['u', 's', 'v']);
  if (got.ret !== 0) fail(`svd_f64 returned ${got.ret}`);
  const { u, s, v } = got, R = new Float64Array(m * n);
  for (let p = 0; p < k; p++) if (!(s[p] >= 0 && (p === 0 || s[p] <= s[p - 1]))) fail(`singular values not descending/non-negative at ${p}: ${s[p]}`);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let t = a[i * n + j];
      for (let p = 0; p < k; p++) t -= u[i * ldu + p] * s[p] * v[j * ldv + p];
      R[i * n + j] = t;
    }
  const res = norm1(R, m, n) / Math.max(norm1(a, m, n), SAFMIN) / (Math.max(m, n) * EPS);
  const orthU = orthRatio(u, m, k, ldu), orthV = orthRatio(v, n, k, ldv), worst = Math.max(res, orthU, orthV);
  if (!(worst < 50)) fail(`ratios over 50: residual ${res}, orthU ${orthU}, orthV ${orthV}`);
  record('svd_f64', worst, 50);
}

function ccaCase(r) {
  const p = r.int(1, 24), q = r.int(1, 24), k0 = Math.min(p, q), n = r.int(Math.max(p, q) + 3, 1500);
  const regs = [1e-4, 1e-2, 1, [1e-3, 0.1], 'auto'];
  if (n >= 3 * (p + q) + 10) regs.push(0);
  const regularization = r.pick(regs), components = r.int(1, k0);
  Object.assign(current, { n, p, q, regularization, components });
  // planted correlations; views mixed by random maps with condition number ≤ 10 (so that the
  // rounding differences of chunked statistics stay ~1e-13 in the weights)
  const rho = randArr(Float64Array, r, k0, () => 0.95 * r.rnd());
  const Mx = planted(r, p, p, spectrum(r, 'mixing', p), false), My = planted(r, q, q, spectrum(r, 'mixing', q), false);
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    const lx = randArr(Float64Array, r, p, r.normal), ly = randArr(Float64Array, r, q, r.normal);
    for (let c = 0; c < k0; c++) ly[c] = rho[c] * lx[c] + Math.sqrt(1 - rho[c] ** 2) * ly[c];
    for (let j = 0; j < p; j++) for (let t = 0; t < p; t++) X[i * p + j] += lx[t] * Mx[t * p + j];
    for (let j = 0; j < q; j++) for (let t = 0; t < q; t++) Y[i * q + j] += ly[t] * My[t * q + j] + (t === 0 ? 3 : 0);
  }
  const rows = (i0, i1) => [{ data: X.subarray(i0 * p, i1 * p), rows: i1 - i0, cols: p }, { data: Y.subarray(i0 * q, i1 * q), rows: i1 - i0, cols: q }];
  const cuts = (i0, i1, count) => [i0, ...Array.from({ length: count - 1 }, () => r.int(i0 + 1, i1 - 1)).sort((x, y) => x - y), i1].filter((v, i, a) => i === 0 || v > a[i - 1]);
  const models = [], model = () => (models.push(new CCA({ components, regularization })), models.at(-1));
  const chunked = (i0, i1) => {
    const m = model(), c = cuts(i0, i1, r.int(1, Math.min(12, i1 - i0)));
    for (let t = 1; t < c.length; t++) m.partialFit(...rows(c[t - 1], c[t]));
    return m;
  };
  try {
    const whole = model().fit(...rows(0, n)), streamed = chunked(0, n), merged = model();
    const shardCuts = cuts(0, n, r.int(2, Math.min(6, n))), shards = [];
    for (let t = 1; t < shardCuts.length; t++) shards.push(chunked(shardCuts[t - 1], shardCuts[t]));
    for (const s of shards.sort(() => r.rnd() - 0.5)) merged.merge(s);
    const all = whole.allCorrelations, wx = whole.xWeights, wy = whole.yWeights;
    // weights of a component are defined to rounding only when its correlation is separated
    const separated = (c) => (c === 0 || all[c - 1] - all[c] > 1e-3) && (c === k0 - 1 || all[c] - all[c + 1] > 1e-3);
    let worst = 0;
    const cmp = (what, got, want, tol, col = null) => {
      for (let i = 0; i < want.length; i++) {
        if (col && !separated(i % components)) continue;
        const ratio = Math.abs(got[i] - want[i]) / tol;
        if (!(ratio <= 1)) fail(`${what}[${i}]: ${got[i]} vs fit ${want[i]} (tolerance ${tol})`);
        worst = Math.max(worst, ratio);
      }
    };
    const maxAbs = (a) => a.reduce((s, x) => Math.max(s, Math.abs(x)), 0);
    for (const [label, m] of [['partialFit', streamed], ['merge', merged]]) {
      cmp(`${label} correlations`, m.allCorrelations, all, 1e-10);
      cmp(`${label} xWeights`, m.xWeights.data, wx.data, 1e-10 * maxAbs(wx.data), true);
      cmp(`${label} yWeights`, m.yWeights.data, wy.data, 1e-10 * maxAbs(wy.data), true);
      cmp(`${label} xMeans`, m.xMeans, whole.xMeans, 1e-12 * Math.max(1, maxAbs(whole.xMeans)));
      cmp(`${label} yMeans`, m.yMeans, whole.yMeans, 1e-12 * Math.max(1, maxAbs(whole.yMeans)));
      // (a 1-column view is its own shrinkage target: δ is defined as 0 there)
      if (regularization === 'auto') cmp(`${label} shrinkage`, m.shrinkage, whole.shrinkage, 1e-10);
      if (m.nSamples !== n) fail(`${label} nSamples ${m.nSamples}, expected ${n}`);
    }
    record('cca', worst);
  } finally {
    for (const m of models) m.dispose();
  }
}

/** Stats kernels: oracle within a rounding bound, and bit-identical across builds. */
function statsCase(r) {
  const name = r.pick(['colmeans_f64', 'center_f64', 'ger_f64', 'fourth_moments_f64', 'colcorr_f64', 'first_nonfinite_f64', 'first_nonfinite_f32']);
  const n = size(r, 400), p = size(r, 64), ld = p + pad(r), ldo = p + pad(r), off = r.pick([0, 1, 1e3]);
  Object.assign(current, { name, n, p, ld, ldo, off });
  const X = padded(Float64Array, n, p, ld, NaN, () => off + r.normal()), col = (j) => Array.from({ length: n }, (_, i) => X[i * ld + j]);
  const mean = (c) => c.reduce((s, x) => s + x, 0) / c.length;
  let worst = 0;
  const near = (what, got, want, bound) => {
    const ratio = got === want ? 0 : Math.abs(got - want) / bound;
    if (!(ratio <= 1)) fail(`${what}: ${got}, expected ${want} (bound ${bound})`);
    worst = Math.max(worst, ratio);
  };
  if (name === 'colmeans_f64') {
    const got = both(name, { mean: new Float64Array(p), x: X }, (K, b) => K.colmeans_f64(b.mean, b.x, n, p, ld), ['mean']).mean;
    for (let j = 0; j < p; j++) near(`mean[${j}]`, got[j], mean(col(j)), 2 * (n + 2) * EPS * mean(col(j).map(Math.abs)));
  } else if (name === 'center_f64') {
    const mu = randArr(Float64Array, r, p, () => off + r.normal());
    const got = both(name, { out: new Float64Array(n * ldo).fill(NaN), x: X, mu }, (K, b) => K.center_f64(b.out, b.x, b.mu, n, p, ld, ldo), ['out']).out;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) near(`out[${i}][${j}]`, got[i * ldo + j], X[i * ld + j] - mu[j], 0.5 * EPS * Math.abs(X[i * ld + j] - mu[j]));
  } else if (name === 'ger_f64') {
    const x = randArr(Float64Array, r, n, r.normal), y = randArr(Float64Array, r, p, r.normal), alpha = r.normal();
    const got = both(name, { a: X, x, y }, (K, b) => K.ger_f64(b.a, b.x, b.y, n, p, ld, alpha), ['a']).a;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) near(`a[${i}][${j}]`, got[i * ld + j], X[i * ld + j] + alpha * x[i] * y[j], 3 * EPS * (Math.abs(X[i * ld + j]) + Math.abs(alpha * x[i] * y[j])));
  } else if (name === 'fourth_moments_f64') {
    const got = both(name, { t: new Float64Array(p), xc: X }, (K, b) => K.fourth_moments_f64(b.t, b.xc, n, p, ld), ['t']);
    let s4 = 0;
    const t = new Float64Array(p), ta = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      let s2 = 0;
      for (let j = 0; j < p; j++) s2 += X[i * ld + j] ** 2;
      s4 += s2 * s2;
      for (let j = 0; j < p; j++) (t[j] += s2 * X[i * ld + j]), (ta[j] += s2 * Math.abs(X[i * ld + j]));
    }
    near('s4', got.ret, s4, 2 * (n + p + 4) * EPS * s4);
    for (let j = 0; j < p; j++) near(`t[${j}]`, got.t[j], t[j], 2 * (n + p + 4) * EPS * ta[j]);
  } else if (name === 'colcorr_f64') {
    const mix = r.rnd(), V = X.map((x) => (Number.isNaN(x) ? x : mix * x + (1 - mix) * (off + r.normal())));
    const got = both(name, { out: new Float64Array(p), u: X, v: V }, (K, b) => K.colcorr_f64(b.out, b.u, b.v, n, p, ld, ld), ['out']).out;
    for (let j = 0; j < p && n > 1; j++) {
      const cu = col(j), cv = Array.from({ length: n }, (_, i) => V[i * ld + j]), mu = mean(cu), mv = mean(cv);
      let suv = 0, suu = 0, svv = 0;
      for (let i = 0; i < n; i++) (suv += (cu[i] - mu) * (cv[i] - mv)), (suu += (cu[i] - mu) ** 2), (svv += (cv[i] - mv) ** 2);
      near(`corr[${j}]`, got[j], suv / Math.sqrt(suu * svv), 1e-11 * (1 + off));
    }
  } else {
    const T = name.endsWith('f32') ? Float32Array : Float64Array, len = size(r, 2000), x = randArr(T, r, len, r.normal);
    for (let c = r.int(0, 3); c > 0; c--) x[r.int(0, len - 1)] = r.pick([NaN, Infinity, -Infinity]);
    const got = both(name, { x }, (K, b) => K[name](b.x, len), []).ret, want = x.findIndex((v) => !Number.isFinite(v));
    if (got !== want) fail(`returned ${got}, expected ${want} (len ${len})`);
  }
  record(name, worst);
}

/** f32 nn kernels: each case builds its buffers and call; outputs must be bit-identical across builds. */
const NN = {
  act_forward_f32: (r, len, act, slope, x) => [{ y: new Float32Array(len).fill(NaN), x }, (K, b) => K.act_forward_f32(b.y, b.x, len, act, slope), ['y']],
  act_backward_f32: (r, len, act, slope, x) => [{ dz: new Float32Array(len), dy: x, y: f32(r, len, 1) }, (K, b) => K.act_backward_f32(b.dz, b.dy, b.y, len, act, slope), ['dz']],
  dense_forward_f32: (r, _, act, slope) => {
    const n = size(r, 80), nin = size(r, 80), nout = size(r, 80);
    current.dims = [n, nin, nout];
    return [{ y: new Float32Array(n * nout).fill(NaN), x: f32(r, n * nin, 2), w: f32(r, nin * nout, 0.5), b: f32(r, nout, 1) }, (K, b) => K.dense_forward_f32(b.y, b.x, b.w, b.b, n, nin, nout, act, slope), ['y']];
  },
  dense_backward_f32: (r, _, act, slope) => {
    const n = size(r, 80), nin = size(r, 80), nout = size(r, 80), withDx = r.rnd() < 0.7;
    current.dims = [n, nin, nout, withDx];
    const bufs = { dx: new Float32Array(n * nin).fill(NaN), dw: f32(r, nin * nout, 1), db: f32(r, nout, 1), dy: f32(r, n * nout, 1), x: f32(r, n * nin, 2), w: f32(r, nin * nout, 0.5), y: f32(r, n * nout, 1) };
    const frozen = r.rnd() < 0.3; // dw == 0: no weight-gradient product, dw and db untouched
    current.dims.push(frozen);
    return [bufs, (K, b) => K.dense_backward_f32(withDx ? b.dx : 0, frozen ? 0 : b.dw, frozen ? 0 : b.db, b.dy, b.x, b.w, b.y, n, nin, nout, act, slope), ['dx', 'dw', 'db', 'dy']];
  },
  copy_block_f32: (r, _len, _a, _s, _x) => {
    const n = size(r, 60), w = size(r, 60), ldo = w + pad(r), ldx = w + pad(r), ldg = r.int(1, 3), gated = r.rnd() < 0.6;
    current.dims = [n, w, ldo, ldx, ldg, gated];
    const gate = Float32Array.from({ length: n * ldg }, () => r.pick([0, 1, 0.5, -3, r.normal()]));
    return [{ out: new Float32Array(n * ldo).fill(NaN), x: f32(r, n * ldx, 3), gate }, (K, b) => K.copy_block_f32(b.out, b.x, gated ? b.gate : 0, n, w, ldo, ldx, ldg), ['out']];
  },
  fill_block_f32: (r) => {
    const n = size(r, 60), w = size(r, 60), ld = w + pad(r);
    current.dims = [n, w, ld];
    return [{ out: new Float32Array(n * ld).fill(NaN) }, (K, b) => K.fill_block_f32(b.out, -1.5, n, w, ld), ['out']];
  },
  add_f32: (r, len, _a, _s, x) => [{ out: new Float32Array(len), a: x, b: f32(r, len, 2) }, (K, b) => K.add_f32(b.out, b.a, b.b, len), ['out']],
  // two f64 helpers of the DeepCCA objective, checked here for bit identity too
  add_diag_f64: (r) => {
    const n = size(r, 60), ld = n + pad(r);
    current.dims = [n, ld];
    return [{ a: Float64Array.from({ length: n * ld }, () => r.normal()) }, (K, b) => K.add_diag_f64(b.a, n, ld, 1e-3), ['a']];
  },
  scale_cols_f64: (r) => {
    const n = size(r, 60), p = size(r, 60), ldx = p + pad(r), ldo = p + pad(r);
    current.dims = [n, p, ldx, ldo];
    const x = Float64Array.from({ length: n * ldx }, () => r.normal()), sc = Float64Array.from({ length: p }, () => r.normal());
    return [{ out: new Float64Array(n * ldo).fill(NaN), x, sc }, (K, b) => K.scale_cols_f64(b.out, b.x, b.sc, n, p, ldx, ldo), ['out']];
  },
  f32_f64: (r, len, _a, _s, x) => {
    const scale = r.pick([1, -1, 0.37]);
    return [{ d: new Float64Array(len), x, back: new Float32Array(len), y: Float64Array.from({ length: len }, () => 100 * r.normal()) }, (K, b) => (K.f32_to_f64(b.d, b.x, len), K.f64_to_f32(b.back, b.y, len, scale)), ['d', 'back']];
  },
  mse_f32: (r, len, _a, _s, x) => [{ g: new Float32Array(len), yhat: x, y: f32(r, len, 3) }, (K, b) => K.mse_f32(b.g, b.yhat, b.y, len), ['g']],
  bce_logits_f32: (r, len, _a, _s, x) => [{ g: new Float32Array(len), z: x, t: Float32Array.from({ length: len }, () => r.pick([0, 1, r.rnd()])) }, (K, b) => K.bce_logits_f32(b.g, b.z, b.t, len), ['g']],
  softmax_xent_f32: (r, len, _a, _s, x) => {
    const c = r.int(1, 40), n = Math.max(1, Math.floor(len / c)), labels = Int32Array.from({ length: n }, () => r.int(0, c - 1));
    return [{ g: new Float32Array(n * c), z: f32(r, n * c, 4), labels }, (K, b) => K.softmax_xent_f32(b.g, b.z, b.labels, n, c), ['g']];
  },
  softmax_f32: (r, len, _a, _s, x) => {
    const c = r.int(1, 40), n = Math.max(1, Math.floor(len / c));
    return [{ out: new Float32Array(n * c), z: f32(r, n * c, 4) }, (K, b) => K.softmax_f32(b.out, b.z, n, c), ['out']];
  },
  adam_f32: (r, len, _a, _s, x) => {
    const h = [r.pick([1e-3, 0.1]), r.pick([0.9, 0.5]), r.pick([0.999, 0.9]), r.pick([1e-8, 1e-3]), r.pick([0, 0.01]), r.int(0, 1), r.int(1, 2000)];
    current.hyper = h;
    return [{ p: x, g: f32(r, len, 1), m: f32(r, len, 0.1), v: f32(r, len, 0.1).map(Math.abs) }, (K, b) => K.adam_f32(b.p, b.g, b.m, b.v, len, ...h), ['p', 'm', 'v']];
  },
  sgd_f32: (r, len, _a, _s, x) => {
    const h = [r.pick([1e-3, 0.1]), r.pick([0, 0.9]), r.pick([0, 0.01]), r.int(0, 1)], vel = r.rnd() < 0.8;
    current.hyper = [...h, vel];
    return [{ p: x, g: f32(r, len, 1), vel: f32(r, len, 0.1) }, (K, b) => K.sgd_f32(b.p, b.g, vel ? b.vel : 0, len, ...h), ['p', 'vel']];
  },
  ema_f32: (r, len, _a, _s, x) => {
    const decay = r.pick([0.99, 0.999, 0.5, 0, 1, r.rnd()]);
    current.hyper = [decay];
    return [{ avg: x, p: f32(r, len, 3) }, (K, b) => K.ema_f32(b.avg, b.p, len, decay), ['avg']];
  },
  sumsq_f32: (r, len, _a, _s, x) => [{ x }, (K, b) => K.sumsq_f32(b.x, len), []],
  masked_mse_f32: (r, len) => {
    const d = r.int(1, 9), n = Math.max(1, Math.floor(len / d)), m = r.int(1, 3), j = r.int(0, m - 1), w = r.pick([1, 0.5, 3]);
    current.dims = [n, d, m, j, w];
    const gates = Float32Array.from({ length: n * m }, () => r.pick([0, 1, 1]));
    return [{ g: new Float32Array(n * d).fill(NaN), yhat: f32(r, n * d, 4), y: f32(r, n * d, 1), gates: gates.subarray(j) }, (K, b) => K.masked_mse_f32(b.g, b.yhat, b.y, b.gates, n, d, m, w), ['g']];
  },
  modality_dropout_f32: (r) => {
    const n = size(r, 200), m = r.int(1, 6), s = r.int(0, 2 ** 32 - 1), prob = r.pick([0, 2 / 3, 1, r.rnd()]);
    current.dims = [n, m, prob];
    const present = Float32Array.from({ length: n * m }, () => r.pick([0, 1, 1, 1]));
    const call = (K, b) => {
      K.rng_seed(b.st, s);
      K.modality_dropout_f32(b.gates, b.present, n, m, prob, b.st);
    };
    return [{ st: new Uint32Array(4), gates: new Float32Array(n * m).fill(NaN), present }, call, ['st', 'gates']];
  },
  rng_f32: (r, len, _a, _s, x) => {
    const s = r.int(0, 2 ** 32 - 1), prob = r.pick([0, 0.1, 0.5]);
    const bufs = { st: new Uint32Array(4), u: new Float32Array(len), nrm: new Float32Array(len), mask: new Float32Array(len), y: x, idx: new Uint32Array(len) };
    const call = (K, b) => {
      K.rng_seed(b.st, s);
      K.rng_uniform_f32(b.u, len, -2, 3, b.st);
      K.rng_normal_f32(b.nrm, len, 1, 2, b.st);
      K.dropout_f32(b.y, b.mask, b.y, len, prob, b.st);
      K.shuffle_u32(b.idx, len, b.st);
    };
    return [bufs, call, ['st', 'u', 'nrm', 'mask', 'y', 'idx']];
  },
};
function f32(r, len, s) {
  return Float32Array.from({ length: len }, () => s * r.normal());
}
function nnCase(r) {
  const name = r.pick(Object.keys(NN)), len = size(r, 3000), act = r.int(0, 4), slope = Math.fround(0.3 * r.rnd()), scale = r.pick([0.1, 1, 4, 40]);
  Object.assign(current, { name, len, act, slope, scale });
  const [bufs, call, keys] = NN[name](r, len, act, slope, f32(r, len, scale));
  both(name, bufs, call, keys);
  record(name);
}

// ---- pieces (nn.Concat / Split / Fork) against plain-JS column-block oracles ----
function piecesCase(r) {
  const k = r.int(1, 4), widths = Array.from({ length: k }, () => size(r, 40)), n = size(r, 120), q = r.int(0, k);
  const total = widths.reduce((a, w) => a + w, 0), offs = widths.map((_, i) => widths.slice(0, i).reduce((a, w) => a + w, 0));
  Object.assign(current, { widths, n, q });
  const owned = [];
  const own = (o) => (owned.push(o), o);
  const cat = own(new nn.Concat(widths)), split = own(new nn.Split(widths)), fork = own(new nn.Fork());
  const exact = (what, got, want) => {
    for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) fail(`${what}[${i}]: ${got[i]}, expected ${want[i]}`);
  };
  try {
    const parts = widths.map((w) => f32(r, n * w, 3));
    const gates = Float32Array.from({ length: n * q }, () => r.pick([0, 1, 0.5, -2]));
    const gate = (i, j) => (j < q ? gates[i * q + j] : 1);
    const gated = (v, g) => (g === 0 ? 0 : Math.fround(v * g));
    const y = cat.forward(parts.map((d, j) => ({ data: d, rows: n, cols: widths[j] })), q ? { gates: { data: gates, rows: n, cols: q } } : {});
    const want = new Float32Array(n * total);
    for (let i = 0; i < n; i++) widths.forEach((w, j) => { for (let c = 0; c < w; c++) want[i * total + offs[j] + c] = gated(parts[j][i * w + c], gate(i, j)); });
    exact('concat', y.toFloat32Array(), want);
    split.forward(y).forEach((t, j) => exact(`split ${j}`, t.toFloat32Array(), Float32Array.from({ length: n * widths[j] }, (_, e) => want[Math.floor(e / widths[j]) * total + offs[j] + (e % widths[j])])));
    const dY = f32(r, n * total, 1);
    const grads = cat.backward({ data: dY, rows: n, cols: total });
    grads.forEach((g, j) => exact(`concat backward ${j}`, g.toFloat32Array(), Float32Array.from({ length: n * widths[j] }, (_, e) => { const i = Math.floor(e / widths[j]); return gated(dY[i * total + offs[j] + (e % widths[j])], gate(i, j)); })));
    const h = fork.forward(y), m = r.int(1, 3), gs = Array.from({ length: m }, () => f32(r, n * total, 1));
    const sum = fork.backward(gs.map((d) => ({ data: d, rows: n, cols: total })));
    exact('fork sum', sum.toFloat32Array(), Float32Array.from({ length: n * total }, (_, e) => gs.reduce((a, g, t) => (t === 0 ? g[e] : Math.fround(a + g[e])), 0)));
    // misuse: a typed error, never a trap or a silent result
    const misuse = r.pick(k > 1 ? ['width', 'rows', 'stale', 'twice'] : ['width', 'stale', 'twice']);
    current.misuse = misuse;
    const again = () => cat.forward(parts.map((d, j) => ({ data: d, rows: n, cols: widths[j] })));
    let error = null;
    try {
      if (misuse === 'twice') cat.backward({ data: dY, rows: n, cols: total });
      else if (misuse === 'stale') {
        const g = own(nn.mse(again(), { data: dY, rows: n, cols: total }).grad);
        again();
        cat.backward(g);
      } else {
        const bad = own(Tensor.zeros(n + (misuse === 'rows' ? 1 : 0), widths[0] + (misuse === 'width' ? 1 : 0)));
        cat.forward([bad, ...parts.slice(1).map((d, j) => ({ data: d, rows: n, cols: widths[j + 1] }))]);
      }
    } catch (e) {
      error = e;
    }
    const typed = misuse === 'twice' || misuse === 'stale' ? StaleForwardError : ShapeError;
    if (!(error instanceof typed)) fail(`${misuse}: expected a ${typed.name}, got ${error ?? 'no error'}`);
    void h;
    record('pieces', 0); // every value compared exactly
  } finally {
    for (const o of owned) o.dispose();
  }
}

// ---- the multimodal autoencoder: kernels against exact JS oracles, model invariants, misuse ----
async function autoencoderCase(r) {
  const m = r.int(2, 3), n = size(r, 80) + 4, widths = Array.from({ length: m }, () => r.int(1, 9));
  const missing = r.rnd() < 0.5;
  Object.assign(current, { m, n, widths, missing });
  const views = widths.map((w, j) => Array.from({ length: n }, (_, i) => (missing && j === 1 && i % 5 === 2 ? null : Array.from({ length: w }, () => r.rnd()))));
  // the masked MSE kernel, exactly: element-order f64 sum of f32 differences, f32 gradient
  const d = widths[0], yhat = f32(r, n * d, 1), y = f32(r, n * d, 1), gates = Float32Array.from({ length: n }, () => r.pick([0, 1])), wgt = r.pick([1, 0.25]);
  const { ret: got, grad } = run(BASE, { grad: new Float32Array(n * d), yhat, y, gates }, (K, p) => K.masked_mse_f32(p.grad, p.yhat, p.y, p.gates, n, d, 1, wgt));
  let rows = 0, total = 0;
  for (let i = 0; i < n; i++) rows += gates[i] ? 1 : 0;
  const c = rows * d, k = c ? Math.fround((2 * wgt) / c) : 0;
  for (let i = 0; i < n; i++)
    for (let e = 0; e < d; e++) {
      const t = i * d + e, diff = Math.fround(yhat[t] - y[t]), want = gates[i] ? Math.fround(diff * k) : 0;
      if (gates[i]) total += diff * diff;
      if (!Object.is(grad[t], want) && !(want === 0 && grad[t] === 0)) fail(`masked_mse grad[${t}]: ${grad[t]}, expected ${want}`);
    }
  if (got !== (c ? total / c : 0)) fail(`masked_mse: ${got}, expected ${c ? total / c : 0}`);
  const ae = new MultimodalAutoencoder({ hidden: [r.int(1, 6)], code: r.int(1, 4), epochs: r.int(1, 2), batchSize: r.int(2, n), outputActivation: r.pick(['sigmoid', 'identity']), seed: r.int(0, 1000) });
  try {
    const h = await ae.fit(views);
    if (!h.every((e) => Number.isFinite(e.loss))) fail(`non-finite loss ${h.map((e) => e.loss)}`);
    const given = views.map((v) => v.map((row) => row ?? v.find(Boolean).map(() => 0)));
    const full = given.map((v, j) => (j === 1 && missing ? null : v));
    const a = ae.reconstruct(full), b = ae.reconstruct(full);
    a.forEach((t, j) => {
      if (t.rows !== n || t.cols !== widths[j]) fail(`reconstruct ${j}: ${t.rows}×${t.cols}`);
      if (!t.data.every(Number.isFinite) || !t.data.every((v, e) => Object.is(v, b[j].data[e]))) fail(`reconstruct ${j}: not finite or not deterministic`);
    });
    // evaluate's one-modality rows are the MSE of what reconstruct gives from that modality alone
    const table = ae.evaluate(full);
    const alone = ae.reconstruct(full.map((v, j) => (j === 0 ? v : null)));
    for (let j = 0; j < m; j++) {
      if (!full[j]) continue;
      let s = 0;
      for (let e = 0; e < n * widths[j]; e++) s += Math.fround(alone[j].data[e] - Math.fround(full[j][Math.floor(e / widths[j])][e % widths[j]])) ** 2;
      const want = s / (n * widths[j]), gotE = table[0].mse[j];
      if (!(Math.abs(gotE - want) <= 1e-9 * (want + 1e-12))) fail(`evaluate given [0], modality ${j}: ${gotE}, expected ${want}`);
    }
    const again = MultimodalAutoencoder.fromJSON(JSON.stringify(ae));
    const c2 = again.encode(full), c1 = ae.encode(full);
    again.dispose();
    if (!c1.data.every((v, e) => Object.is(v, c2.data[e]))) fail('JSON round trip changed the code');
    // misuse: a typed error, and the fit stays
    const misuse = r.pick(full.filter(Boolean).length > 1 ? ['width', 'rows', 'count', 'none'] : ['width', 'count', 'none']); // mismatched rows need two views
    current.misuse = misuse;
    let error = null;
    try {
      if (misuse === 'width') ae.encode(full.map((v, j) => (j === 0 ? v.map((row) => [...row, 1]) : v)));
      else if (misuse === 'rows') ae.encode(full.map((v, j) => (j === 0 ? v.slice(1) : v)));
      else if (misuse === 'count') ae.encode(full.slice(1));
      else ae.encode(full.map(() => null));
    } catch (e) {
      error = e;
    }
    if (!(error instanceof ShapeError || error instanceof ValueError)) fail(`${misuse}: expected a ShapeError or ValueError, got ${error ?? 'no error'}`);
    const c3 = ae.encode(full);
    if (!c1.data.every((v, e) => Object.is(v, c3.data[e]))) fail('a failed call changed the fit');
    record('autoencoder', 0);
  } finally {
    ae.dispose();
  }
}

// ---- the conditional GAN and the sample metrics ----
async function cganCase(r) {
  const n = size(r, 60) + 6, p = r.int(1, 6), q = r.int(1, 4), d = r.int(1, 5);
  Object.assign(current, { n, p, q, d });
  const rowsOf = (m, w, f) => Array.from({ length: m }, () => Array.from({ length: w }, f));
  // precision/recall against a brute-force JS oracle (the same squared-distance radii)
  const A = rowsOf(n, d, () => r.normal()), B = rowsOf(size(r, 50) + 4, d, () => r.normal() + r.pick([0, 0.5]));
  const k = r.int(1, Math.min(A.length, B.length) - 1);
  current.k = k;
  const sq = (x, y) => x.reduce((s, v, j) => s + (v - y[j]) ** 2, 0);
  const rad = (X) => X.map((x, i) => X.filter((_, j) => j !== i).map((y) => sq(x, y)).sort((a, b) => a - b)[k - 1]);
  const share = (P, Q, rq) => P.filter((x) => Q.some((y, j) => sq(x, y) <= rq[j] * (1 + 1e-12) + 1e-300)).length / P.length;
  const pr = metrics.precisionRecall(A, B, { k }), want = { precision: share(B, A, rad(A)), recall: share(A, B, rad(B)) };
  // distances near a ball's edge can round either way between the two computations: allow one point
  if (Math.abs(pr.precision - want.precision) > 1.5 / B.length || Math.abs(pr.recall - want.recall) > 1.5 / A.length) fail(`precisionRecall k=${k}: ${JSON.stringify(pr)}, expected ${JSON.stringify(want)}`);
  // KID on whole sets (every subset is the whole set) against the direct unbiased MMD²
  const A2 = rowsOf(n, d, () => r.normal() + r.pick([0, 1]));
  const cube = (x, y) => { const t = x.reduce((s, v, j) => s + v * y[j], 0) / d + 1; return t * t * t; };
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i !== j) (sxx += cube(A[i], A[j])), (syy += cube(A2[i], A2[j]));
    sxy += cube(A[i], A2[j]);
  }
  const kidWant = (sxx + syy) / (n * (n - 1)) - (2 * sxy) / (n * n), kid = metrics.kernelDistance(A, A2, { subsets: 2, subsetSize: n, seed: r.int(0, 99) });
  if (!(Math.abs(kid.mean - kidWant) <= 1e-9 * (Math.abs(sxx / (n * (n - 1))) + Math.abs(syy / (n * (n - 1))) + 1))) fail(`kernelDistance: ${kid.mean}, expected ${kidWant}`);
  const fdSelf = metrics.frechetDistance(A, A);
  if (!(Math.abs(fdSelf) <= 1e-9 * (1 + A.flat().reduce((s, v) => s + v * v, 0)))) fail(`frechetDistance(a, a) = ${fdSelf}`);
  // a small GAN: deterministic samples, JSON round trip, misuse typed and harmless, no leak
  const x = rowsOf(n, p, () => r.rnd()), c = rowsOf(n, q, () => r.pick([0, 1]));
  const gan = new ConditionalGAN({ noise: r.int(1, 4), hidden: [r.int(1, 6)], epochs: 1, batchSize: r.int(1, n), labelSmoothing: r.pick([0, 0.1]), discriminatorSteps: r.int(1, 2), seed: r.int(0, 1000) });
  try {
    const h = await gan.fit(x, c);
    if (!Number.isFinite(h[0].loss)) fail(`non-finite loss ${h[0].loss}`);
    const s = r.int(0, 99), g1 = gan.generate(c, { seed: s }), g2 = gan.generate(c, { seed: s });
    if (!g1.data.every((v, e) => Object.is(v, g2.data[e]) && v >= 0 && v <= 1)) fail('generate: not deterministic or outside the sigmoid range');
    const again = ConditionalGAN.fromJSON(JSON.stringify(gan));
    const g3 = again.generate(c, { seed: s });
    again.dispose();
    if (!g1.data.every((v, e) => Object.is(v, g3.data[e]))) fail('JSON round trip changed the samples');
    let error = null;
    try {
      gan.generate(rowsOf(2, q + 1, () => 0));
    } catch (e) {
      error = e;
    }
    if (!(error instanceof ShapeError)) fail(`generate with a wrong width: expected a ShapeError, got ${error ?? 'no error'}`);
    record('cgan', 0);
  } finally {
    gan.dispose();
  }
}

// ---- driver ----
const FAMILIES = { gemm: gemmCase, eigh: eighCase, svd: svdCase, cca: ccaCase, stats: statsCase, nn: nnCase, pieces: piecesCase, autoencoder: autoencoderCase, cgan: cganCase };
const WEIGHTS = [['gemm', 4], ['eigh', 2], ['svd', 2], ['cca', 1], ['stats', 2], ['nn', 3], ['pieces', 1], ['autoencoder', 1], ['cgan', 1]].filter(([f]) => !family || f === family);

await instances();
const live0 = [BASE.live(), SCALAR.live()];
console.log(`fuzz: seed ${seed}, ${only ? `case ${only}` : `${seconds} s`} (baseline ${BASE.build} vs ${SCALAR.build})`);
const master = prng(seed), t0 = Date.now(), deadline = t0 + seconds * 1000;
let iter = 0;
try {
  do {
    let family, caseSeed;
    if (only) [family, caseSeed] = [only.split(':')[0], Number(only.split(':')[1]) >>> 0];
    else {
      let w = master.rnd() * WEIGHTS.reduce((s, [, x]) => s + x, 0);
      family = WEIGHTS.find(([, x]) => (w -= x) < 0)[0];
      caseSeed = master.int(0, 2 ** 32 - 1);
    }
    current = { family, caseSeed };
    iter++;
    await FAMILIES[family](prng(caseSeed));
    if (BASE.live() !== live0[0] || SCALAR.live() !== live0[1])
      fail(`leak: live bytes ${BASE.live()} (baseline, was ${live0[0]}), ${SCALAR.live()} (scalar, was ${live0[1]})`);
  } while (!only && Date.now() < deadline);
} catch (e) {
  console.log(`FAIL at iteration ${iter}, seed ${seed}: ${e instanceof Fail ? e.message : e.stack}`);
  console.log(`case: ${JSON.stringify(current)}`);
  console.log(`replay: node scripts/fuzz.mjs --case ${current.family}:${current.caseSeed}`);
  process.exit(1);
}
const mismatched = [];
for (const [name, s] of Object.entries(stats).sort()) {
  const worst = s.worst === null ? 'bit-identity only' : `worst ratio ${s.worst.toPrecision(3)} (limit ${s.limit})`;
  console.log(`${name.padEnd(20)} ${String(s.cases).padStart(6)} cases  ${worst.padEnd(30)} ${s.same + s.diff ? `scalar≡baseline ${s.same}/${s.same + s.diff}` : "(baseline only)"}`);
  if (s.diff) mismatched.push(name);
}
console.log(`${iter} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s, live bytes back to ${live0[0]} (baseline) / ${live0[1]} (scalar)`);
if (mismatched.length) {
  console.log(`FAIL: not bit-identical between the scalar and baseline builds: ${mismatched.join(', ')} (seed ${seed})`);
  process.exit(1);
}
