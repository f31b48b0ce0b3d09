// f32 matrix products: our gemm_f32_{nn,tn,nt} kernels (packed 4×8 f32x4 GEMM) against
// TF.js's wasm backend (XNNPACK, SIMD, one thread) in the same process.
//
// Ours: the kernel exports called directly on buffers allocated once (no copies).
// TF.js: tf.matMul(a, b, transposeA, transposeB) on tensors created once, with dataSync() so
// the product is really computed (that read copies C out of the wasm heap: < 2 % of the time
// at these sizes), then the result is disposed.
//
// Builds: the loaded build (baseline SIMD under `npm run bench`) runs in this process. When
// the engine also has relaxed SIMD (node --experimental-wasm-relaxed-simd) and the loaded
// build is not the relaxed one, the same benchmark is re-run for the relaxed build in a child
// process (init({ simd: 'relaxed' }) there, TF.js included), so one command reports both.
// Run directly: node [--experimental-wasm-relaxed-simd] bench/gemm_f32.bench.js
// (CROSSMODAL_BUILD=baseline|relaxed|scalar picks the build when nothing is loaded yet).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { init, wasmFeatures } from '../dist/index.js';
import { kernels, allocF64, free, heapF32 } from '../dist/wasm/module.js';
import { compare, rng } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const thisFile = fileURLToPath(import.meta.url);
const isChild = process.env.CROSSMODAL_GEMM_F32_CHILD === '1';

// CROSSMODAL_BUILD only matters when this file runs on its own (bench/run.js inits first)
const want = process.env.CROSSMODAL_BUILD;
const info = await init(want ? { simd: want === 'simd' ? 'baseline' : want } : {});
const build = info.build;

// ---- TF.js, wasm backend, SIMD, one thread ----
setWasmPaths(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
setThreadsCount(1);
const tfOk = await tf.setBackend('wasm');
await tf.ready();
const tfSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
const tfThreads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
if (!tfOk || tf.getBackend() !== 'wasm') throw new Error(`TF.js backend is ${tf.getBackend()}, expected wasm`);
console.log(
  `ours: ${build} build` +
    ` | peer: TF.js ${tf.version_core} wasm backend, SIMD ${tfSimd ? 'on' : 'OFF'}, ` +
    `${tfThreads ? 'multithread support present, threads set to 1' : 'one thread'}`,
);

function randomF32(len, seed) {
  const r = rng(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = r();
  return a;
}

/** Operands for C (m×n) = op(A)·op(B) on both sides; `dispose()` frees everything. */
function operands(m, k, n, ta, tb, seed) {
  const aShape = ta ? [k, m] : [m, k], bShape = tb ? [n, k] : [k, n];
  const A = randomF32(m * k, seed), B = randomF32(k * n, seed + 1);
  const pa = allocF64(Math.ceil((m * k) / 2)), pb = allocF64(Math.ceil((k * n) / 2)), pc = allocF64(Math.ceil((m * n) / 2));
  const h = heapF32();
  h.set(A, pa / 4);
  h.set(B, pb / 4);
  const ta_ = tf.tensor2d(A, aShape), tb_ = tf.tensor2d(B, bShape);
  return {
    pa, pb, pc,
    lda: aShape[1], ldb: bShape[1],
    a: ta_, b: tb_,
    dispose() {
      free(pa);
      free(pb);
      free(pc);
      ta_.dispose();
      tb_.dispose();
    },
  };
}

const layoutName = { nn: 'A·B', tn: 'Aᵀ·B', nt: 'A·Bᵀ' };

async function run(layout, m, k, n, seed) {
  const ta = layout === 'tn', tb = layout === 'nt';
  const o = operands(m, k, n, ta, tb, seed);
  const K = kernels();
  const fn = K[`gemm_f32_${layout}`];
  const work = 2 * m * n * k;
  // TF.js's transposed products take seconds per call (its wasm backend does not run them
  // through the fast XNNPACK path): fewer samples there
  const opts = layout !== 'nn' ? { time: 500, iterations: 3 } : work >= 1e9 ? { time: 1500, iterations: 5 } : {};
  const shape = m === n && n === k ? `${m}³` : `${m}×${k}·${k}×${n}`;
  try {
    return await compare(`${layoutName[layout]} ${shape} [${build}]`, {
      ours: () => fn(o.pc, o.pa, o.pb, m, n, k, o.lda, o.ldb, n, 1, 0),
      peer: () => {
        const c = tf.matMul(o.a, o.b, ta, tb);
        c.dataSync();
        c.dispose();
      },
      peerName: 'tfjs-wasm',
      work,
      ...opts,
    });
  } finally {
    o.dispose();
  }
}

const gflops = (work, ms) => (ms ? (work / (ms / 1000) / 1e9).toFixed(2) : '—');

// A·B: square sizes and an MNIST-like dense layer (batch 256, 784 → 1024)
const nnRatios = [];
for (const [m, k, n] of [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [256, 784, 1024]]) {
  const r = await run('nn', m, k, n, m + k + n);
  if (r.ratio) nnRatios.push(r.ratio);
}

// the backprop shapes: dW = Xᵀ·dZ and dX = dZ·Wᵀ against A·B, 800×1024 by 1024×1024
const [m, k, n] = [800, 1024, 1024];
const work = 2 * m * n * k;
const res = {};
for (const layout of ['nn', 'tn', 'nt']) res[layout] = await run(layout, m, k, n, 7);
console.log(
  `summary [${build}]: ours ${m}×${k}·${k}×${n}  A·B ${gflops(work, res.nn.ours)}  Aᵀ·B ${gflops(work, res.tn.ours)} ` +
    `(${(res.nn.ours / res.tn.ours).toFixed(2)}× our A·B)  A·Bᵀ ${gflops(work, res.nt.ours)} (${(res.nn.ours / res.nt.ours).toFixed(2)}× our A·B) GFLOP/s; ` +
    `A·B vs tfjs-wasm: ${nnRatios.map((x) => x.toFixed(2) + '×').join(' ')}`,
);

// ---- the relaxed-SIMD build in a child process, when this engine has relaxed SIMD ----
if (!isChild && build !== 'relaxed') {
  if (wasmFeatures().relaxedSimd) {
    console.log('\n(relaxed SIMD available: re-running for the relaxed build in a child process)');
    const r = spawnSync(process.execPath, [...process.execArgv, thisFile], {
      stdio: 'inherit',
      env: { ...process.env, CROSSMODAL_BUILD: 'relaxed', CROSSMODAL_GEMM_F32_CHILD: '1' },
    });
    if (r.status !== 0) console.log(`relaxed child exited with status ${r.status}`);
  } else {
    console.log('(relaxed build skipped: run with node --experimental-wasm-relaxed-simd to include it)');
  }
}
