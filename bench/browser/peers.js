// The page side of bench/browser_peers.mjs: f32 matrix products of the threaded browser peers
// (TF.js 4.22 wasm backend, jax-js wasm device) and, through the hook below, crossmodal.
// Bundled by esbuild at run time (the peers' ESM has bare imports); served with COOP/COEP.
//
// Query string: ?lib=tfjs|jax|crossmodal&threads=N&mode=...&reps=R&warmup=W&shapes=1024x1024x1024,800x1024x1024
//   lib=tfjs        threads=N : setThreadsCount(N) before the backend starts (one page load per N,
//                               since the emscripten pthread pool is sized once, at init)
//   lib=jax mode=async        : `await c.data()`: kernels dispatched to jax-js's worker pool, one worker
//                               per navigator.hardwareConcurrency (the driver may override that
//                               getter before the page runs to get a 1-worker pool)
//   lib=jax mode=sync         : `c.dataSync()`: jax-js runs the same kernel on the page's main thread
//   lib=crossmodal threads=N  : crossmodalRows(shapes, threads): init({ threads: N }) on the main thread
// Shapes are m×k×n. Layouts: nn = A(m×k)·B(k×n), tn = Aᵀ·B with A stored k×m,
// nt = A·Bᵀ with B stored n×k. Every layout's result is spot-checked against a float64 dot product.
// Timing: `warmup` untimed runs, then `reps` timed runs; the row carries the median and the best.
// The result goes to window.result = { info, rows, failures }.

const query = new URLSearchParams(location.search);
// a parameter given twice: the last one wins (the driver appends per-run overrides)
const params = { get: (name) => query.getAll(name).at(-1) ?? null };
const LIB = params.get('lib') ?? 'tfjs';
const THREADS = Number(params.get('threads') ?? 2);
const MODE = params.get('mode') ?? 'async';
const REPS = Number(params.get('reps') ?? 7);
const WARMUP = Number(params.get('warmup') ?? 2);
const SHAPES = (params.get('shapes') ?? '1024x1024x1024,800x1024x1024').split(',').map((s) => s.split('x').map(Number));
const LAYOUTS = (params.get('layouts') ?? 'nn,tn,nt').split(',');

const log = (s) => {
  document.getElementById('log').textContent += s + '\n';
};

// ---------------------------------------------------------------- shared helpers

/** Deterministic uniform ±1 data (xorshift32), so every library multiplies the same matrices. */
function randomF32(len, seed) {
  const out = new Float32Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x / 4294967296) * 2 - 1;
  }
  return out;
}

/** The operands of one (shape, layout): A and B as stored, with their stored shapes. */
export function operands([m, k, n], layout) {
  const a = randomF32(m * k, 0x9e3779b9 ^ (m * 31 + k));
  const b = randomF32(k * n, 0x85ebca6b ^ (k * 17 + n));
  const aShape = layout === 'tn' ? [k, m] : [m, k];
  const bShape = layout === 'nt' ? [n, k] : [k, n];
  return { a, b, aShape, bShape };
}

/** A(i,p) and B(p,j) of the logical product, whatever the stored layout. */
function refEntry({ a, b }, [m, k, n], layout, i, j) {
  let s = 0;
  for (let p = 0; p < k; p++) {
    const av = layout === 'tn' ? a[p * m + i] : a[i * k + p];
    const bv = layout === 'nt' ? b[j * k + p] : b[p * n + j];
    s += av * bv;
  }
  return s;
}

/** Spot-checks 32 entries of C (m×n, row-major) against float64 sums; returns the worst relative error. */
export function check(c, ops, shape, layout) {
  const [m, , n] = shape;
  if (c.length !== m * n) throw new Error(`result has ${c.length} entries, expected ${m * n}`);
  let worst = 0;
  for (let t = 0; t < 32; t++) {
    const i = (t * 7919 + 13) % m;
    const j = (t * 104729 + 7) % n;
    const want = refEntry(ops, shape, layout, i, j);
    const err = Math.abs(c[i * n + j] - want) / Math.max(1, Math.abs(want));
    worst = Math.max(worst, err);
  }
  if (!(worst < 1e-3)) throw new Error(`${layout} ${shape.join('x')}: wrong result, relative error ${worst}`);
  return worst;
}

/** Runs `once` (which returns the result's Float32Array) warmup + reps times; the row for the table. */
/** (A slow product, over SLOW_MS in its first run, gets MIN_REPS timed runs and one warmup.) */
const SLOW_MS = 1000;
const MIN_REPS = 5;
/**
 * The first row of a page warms up for at least this long (and WARMUP runs): right after load
 * the engine still compiles in the background (V8 tiers each hot wasm function up on another
 * thread), which on a 2-core machine takes a core from a 2-thread product; 5 warm-up runs of
 * the first shape were not always enough (A·B 1024³ medians 41–57 GFLOP/s against 58–76 in
 * the same page's later rows, for TF.js and for us alike).
 */
const SETTLE_MS = 1500;
let settled = false;
export async function timeIt(library, threads, layout, shape, once, ops) {
  const w0 = performance.now();
  let last = await once();
  const slow = performance.now() - w0 > SLOW_MS;
  for (let i = 1; i < (slow ? 1 : WARMUP) || (!slow && !settled && performance.now() - w0 < SETTLE_MS); i++) last = await once();
  settled = true;
  const err = check(last, ops, shape, layout.slice(0, 2)); // "tn (…)" labels: base layout
  const reps = slow ? Math.min(REPS, MIN_REPS) : REPS;
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)];
  const [m, k, n] = shape;
  const flops = 2 * m * n * k;
  const row = {
    library,
    threads: String(threads),
    layout,
    shape: `${m}x${k}x${n}`,
    msMedian: median,
    msBest: times[0],
    gflopsMedian: flops / (median * 1e6),
    gflopsBest: flops / (times[0] * 1e6),
    relErr: err,
    reps,
  };
  log(JSON.stringify(row));
  return row;
}

// ---------------------------------------------------------------- TF.js 4.22, wasm backend

async function tfjsRows(shapes, threads, info) {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm'); // registers the 'wasm' backend
  wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: setBackend("wasm") failed');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`TF.js backend is ${tf.getBackend()}, expected wasm`);
  info.tfjs = {
    version: tf.version_core,
    backend: tf.getBackend(),
    WASM_HAS_SIMD_SUPPORT: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    WASM_HAS_MULTITHREAD_SUPPORT: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    threadsRequested: threads,
    threadsCount: wasm.getThreadsCount(),
  };
  // TF.js caps its XNNPACK pool at navigator.hardwareConcurrency / 2 (it assumes 2 hyperthreads a
  // core): on a 2-vCPU machine setThreadsCount(2) gives 1 thread unless the driver raises the getter
  const actual = wasm.getThreadsCount();
  const threadsLabel = actual === threads ? String(actual) : `${actual} (asked ${threads})`;
  const rows = [];
  for (const shape of shapes) {
    const [m, , n] = shape;
    for (const layout of LAYOUTS) {
      const ops = operands(shape, layout);
      const a = tf.tensor2d(ops.a, ops.aShape, 'float32');
      const b = tf.tensor2d(ops.b, ops.bShape, 'float32');
      // tf.matMul(a, b, transposeA, transposeB), as asked; then, for tn and nt, the same product
      // with the operand transposed explicitly first (tf.transpose, timed) and a plain matMul
      for (const explicit of layout === 'nn' ? [false] : [false, true]) {
        const once = () => {
          const c = tf.tidy(() =>
            explicit
              ? tf.matMul(layout === 'tn' ? tf.transpose(a) : a, layout === 'nt' ? tf.transpose(b) : b)
              : tf.matMul(a, b, layout === 'tn', layout === 'nt'),
          );
          if (c.shape[0] !== m || c.shape[1] !== n) throw new Error(`TF.js result shape ${c.shape}`);
          const out = c.dataSync();
          c.dispose();
          return out;
        };
        const label = explicit ? `${layout} (tf.transpose+matMul)` : layout;
        rows.push(await timeIt('tfjs-wasm', threadsLabel, label, shape, once, ops));
      }
      a.dispose();
      b.dispose();
    }
  }
  return rows;
}

// ---------------------------------------------------------------- jax-js 0.1.25, wasm device

async function jaxRows(shapes, mode, info) {
  const jax = await import('@jax-js/jax');
  const { numpy: np } = jax;
  // Only the wasm backend: init('wasm') starts just that one (init() with no argument would also
  // try webgpu/webgl), and defaultDevice('wasm') makes new arrays live there.
  const devices = await jax.init('wasm');
  jax.defaultDevice('wasm');
  info.jax = {
    devices,
    defaultDevice: jax.defaultDevice(),
    mode,
    // the pool size jax-js reads (once, when the module loads): navigator.hardwareConcurrency
    poolSize: mode === 'async' ? navigator.hardwareConcurrency : 0,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
  };
  const threadsLabel = mode === 'async' ? `${navigator.hardwareConcurrency} (workers)` : '1 (main, dataSync)';
  const rows = [];
  for (const shape of shapes) {
    const [m, , n] = shape;
    for (const layout of LAYOUTS) {
      const ops = operands(shape, layout);
      const a = np.array(ops.a).reshape(ops.aShape);
      const b = np.array(ops.b).reshape(ops.bShape);
      if (a.device !== 'wasm' || a.dtype !== 'float32') throw new Error(`jax-js array on ${a.device} as ${a.dtype}`);
      // lazy transposes: jax-js folds them into the matmul kernel's indexing
      const lhs = () => (layout === 'tn' ? a.ref.transpose() : a.ref);
      const rhs = () => (layout === 'nt' ? b.ref.transpose() : b.ref);
      const once =
        mode === 'async'
          ? async () => {
              const c = np.matmul(lhs(), rhs());
              if (c.shape[0] !== m || c.shape[1] !== n) throw new Error(`jax-js result shape ${c.shape}`);
              return await c.data(); // data() disposes c
            }
          : () => {
              const c = np.matmul(lhs(), rhs());
              return c.dataSync();
            };
      rows.push(await timeIt('jax-js-wasm', threadsLabel, layout, shape, once, ops));
      a.dispose();
      b.dispose();
    }
  }
  return rows;
}

// ================================================================ crossmodal
//
// init({ threads }) on this page (its main thread: the calling thread spins while the pool's
// workers run their shares); linalg.matmul on Tensors made once, the product copied out of
// the shared wasm memory (`.data.slice()`) and freed, like the peers' read-back.
// CROSSMODAL_URL is a variable so esbuild leaves the import alone (the page's import map
// resolves the one bare import of dist/, @assemblyscript/loader).
const CROSSMODAL_URL = '/dist/browser.js';

async function crossmodalRows(shapes, threads = THREADS, info = {}) {
  const cm = await import(CROSSMODAL_URL);
  const r = await cm.init({ threads });
  info.crossmodal = r;
  if (r.threads !== threads) throw new Error(`crossmodal: asked for ${threads} threads, got ${JSON.stringify(r)}`);
  const rows = [];
  for (const shape of shapes) {
    for (const layout of LAYOUTS) {
      const ops = operands(shape, layout);
      const A = cm.Tensor.from({ data: ops.a, rows: ops.aShape[0], cols: ops.aShape[1] });
      const B = cm.Tensor.from({ data: ops.b, rows: ops.bShape[0], cols: ops.bShape[1] });
      const options = { transposeA: layout === 'tn', transposeB: layout === 'nt' };
      const once = () => {
        const c = cm.linalg.matmul(A, B, options);
        const out = c.data.slice();
        c.dispose();
        return out;
      };
      rows.push(await timeIt('crossmodal', r.threads, layout, shape, once, ops));
      A.dispose();
      B.dispose();
    }
  }
  await cm.shutdown();
  return rows;
}
// ================================================================ end of crossmodal hook

async function main() {
  const info = {
    lib: LIB,
    mode: MODE,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    realHardwareConcurrency: globalThis.__realHardwareConcurrency ?? navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    reps: REPS,
    warmup: WARMUP,
  };
  const result = { info, rows: [], failures: [] };
  try {
    if (self.crossOriginIsolated !== true) throw new Error('page is NOT cross-origin isolated (self.crossOriginIsolated !== true): no SharedArrayBuffer, no threads');
    if (LIB === 'tfjs') result.rows = await tfjsRows(SHAPES, THREADS, info);
    else if (LIB === 'jax') result.rows = await jaxRows(SHAPES, MODE, info);
    else if (LIB === 'crossmodal') result.rows = await crossmodalRows(SHAPES, THREADS, info);
    else throw new Error(`unknown lib ${LIB}`);
  } catch (e) {
    result.failures.push(String(e && e.stack ? e.stack : e));
  }
  info.workersCreated = globalThis.__workers ?? null;
  info.wasmFetched = performance
    .getEntriesByType('resource')
    .map((r) => r.name)
    .filter((u) => u.endsWith('.wasm'))
    .map((u) => new URL(u).pathname);
  window.result = result;
}

main();
