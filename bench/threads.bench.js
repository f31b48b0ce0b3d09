// The thread pool: the same work on one thread and on a pool of two in one process (the
// threads build; "one thread" keeps the pool idle, see `variants`), alternating the two, the
// speedup, and the peers measured in the same run: TF.js's wasm backend on one thread (Node has no threaded
// TF.js: its threaded build needs Web Workers) for the f32 work, ml-matrix for the f64 GEMM.
// The threaded peers (TF.js and jax-js on 2 threads) run in Chromium: bench/browser_peers.mjs.
//
// Under `npm run bench` (which loads the baseline build) this file re-runs itself in a child
// process, where the first init asks for threads. Run directly: node bench/threads.bench.js
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const thisFile = fileURLToPath(import.meta.url);
const { init, isInitialized, shutdown, linalg, Matrix, DeepCCA } = await import('../dist/index.js');

if (isInitialized() && !process.env.CROSSMODAL_THREADS_CHILD) {
  // bench/run.js loaded the single-thread build: the threads build needs a process of its own
  const r = spawnSync(process.execPath, ['--expose-gc', thisFile], { stdio: 'inherit', env: { ...process.env, CROSSMODAL_THREADS_CHILD: '1' } });
  if (r.status !== 0) console.log(`threads bench child exited with status ${r.status}`);
} else {
  await main();
}

async function main() {
  const info = await init({ threads: 2 });
  if (info.threads !== 2) throw new Error(`no thread pool here: ${JSON.stringify(info)}`);
  const { kernels, allocF64, free, heapF32, heapF64 } = await import('../dist/wasm/module.js');
  const { tf } = await import('./tfjs.js');
  const { Matrix: MLMatrix } = await import('ml-matrix');
  const { flops, oursStep, tfStep } = await import('./mlp_steps.js');
  const { parseDigits } = await import('../dist/datasets.js');
  const { rng } = await import('./util.js');
  console.log(`threads build, ${availableParallelism()} logical cores (${cpus()[0]?.model ?? 'unknown CPU'}); ceiling for 2 threads: 2× one thread (2 cores × 128-bit SIMD)`);

  const K = kernels();
  // node bench/threads.bench.js [filter]: only the rows whose name contains filter
  const filter = process.env.CROSSMODAL_THREADS_CHILD ? '' : (process.argv[2] ?? '');
  /**
   * "1 thread" keeps the pool but raises its size thresholds out of reach, so every kernel
   * runs on the calling thread: the code path of init({ threads: 1 }) (the workers sleep),
   * without restarting workers between samples. That lets the variants alternate: the other
   * core's load (this is a shared 2-vCPU machine) then weighs on all of them alike.
   */
  const variants = {
    one: () => K.pool_set_thresholds(1e300, 2 ** 31 - 1),
    two: () => K.pool_set_thresholds(-1, -1),
  };

  /**
   * Median ms of each variant (and the best, as `${name}Best`): `rounds` rounds, each a short
   * tinybench run of every variant in turn.
   */
  async function alternate(fns, { rounds = 7, iterations = 3 } = {}) {
    const per = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, { setup, fn }] of Object.entries(fns)) {
        setup?.();
        // short calls (many iterations): two untimed calls first, so that a round measures the
        // steady state with the workers awake rather than their wake-up after the other variant
        const bench = new Bench({ time: 0, iterations, warmupTime: 0, warmupIterations: iterations >= 10 ? 2 : r === 0 ? 1 : 0 });
        bench.add(name, fn);
        await bench.run();
        const res = bench.tasks[0].result;
        if (res?.error) throw res.error;
        per[name].push(res.latency.p50);
        (per[`${name}Best`] ??= []).push(res.latency.min);
      }
    }
    variants.two();
    const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
    return Object.fromEntries(Object.entries(per).map(([k, v]) => [k, k.endsWith('Best') ? Math.min(...v) : med(v)]));
  }

  const rate = (work, ms) => (work ? ` ${(work / (ms / 1000) / 1e9).toFixed(1)} GFLOP/s` : '');
  const summary = [];
  /** Prints ours on 1 and 2 threads, the speedup against its target, and the peer (one thread). */
  async function row(name, fn, { work = 0, target, peer, peerName, opts } = {}) {
    if (filter && !name.includes(filter)) return;
    const fns = { one: { setup: variants.one, fn }, two: { setup: variants.two, fn } };
    if (peer) fns.peer = { setup: variants.one, fn: peer };
    const { one, two, peer: p, oneBest, twoBest } = await alternate(fns, opts);
    let line = `${name.padEnd(44)} 1 thread ${one.toFixed(1)} ms${rate(work, one)} | 2 threads ${two.toFixed(1)} ms${rate(work, two)} | ${(one / two).toFixed(2)}× (best runs ${(oneBest / twoBest).toFixed(2)}×; target ≥ ${target}×)`;
    const out = { name, oneMs: +one.toFixed(2), twoMs: +two.toFixed(2), speedup: +(one / two).toFixed(3), bestSpeedup: +(oneBest / twoBest).toFixed(3), target };
    if (peer) {
      line += ` | ${peerName} ${p.toFixed(1)} ms${rate(work, p)}: 2 threads ${(p / two).toFixed(2)}× faster (1 thread ${(p / one).toFixed(2)}×)`;
      Object.assign(out, { peerName, peerMs: +p.toFixed(2), vsPeer: +(p / two).toFixed(3) });
    }
    console.log(line);
    summary.push(out);
  }


  // ---- f32 GEMM, three layouts ----
  for (const [m, k, n] of [[1024, 1024, 1024], [800, 1024, 1024]]) {
    for (const layout of ['nn', 'tn', 'nt']) {
      const ta = layout === 'tn', tb = layout === 'nt';
      const r = rng(m + n + k);
      const A = Float32Array.from({ length: m * k }, r), B = Float32Array.from({ length: k * n }, r);
      const pa = allocF64(m * k / 2), pb = allocF64(k * n / 2), pc = allocF64(m * n / 2);
      heapF32().set(A, pa / 4);
      heapF32().set(B, pb / 4);
      const fn = K[`gemm_f32_${layout}`];
      const lda = ta ? m : k, ldb = tb ? k : n;
      const a = tf.tensor2d(A, ta ? [k, m] : [m, k]), b = tf.tensor2d(B, tb ? [n, k] : [k, n]);
      // TF.js's transposed products take seconds (no XNNPACK path): its A·B only
      const peer = layout === 'nn' ? () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); } : undefined;
      await row(`f32 GEMM ${layout} ${m}×${k}·${k}×${n}`, () => fn(pc, pa, pb, m, n, k, lda, ldb, n, 1, 0), { work: 2 * m * n * k, target: 1.8, peer, peerName: 'TF.js wasm' });
      a.dispose();
      b.dispose();
      for (const p of [pa, pb, pc]) free(p);
    }
  }

  // ---- f64 GEMM 512³ and a covariance ----
  {
    const n = 512;
    const r = rng(5);
    const A = Float64Array.from({ length: n * n }, r), B = Float64Array.from({ length: n * n }, r);
    const pa = allocF64(n * n), pb = allocF64(n * n), pc = allocF64(n * n);
    heapF64().set(A, pa / 8);
    heapF64().set(B, pb / 8);
    const toRows = (x) => Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * n, (i + 1) * n)));
    const ma = new MLMatrix(toRows(A)), mb = new MLMatrix(toRows(B));
    for (const layout of ['nn', 'tn', 'nt']) {
      const fn = K[`gemm_f64_${layout}`];
      await row(`f64 GEMM ${layout} ${n}³`, () => fn(pc, pa, pb, n, n, n, n, n, n, 1, 0), {
        work: 2 * n ** 3,
        target: 1.7,
        ...(layout === 'nn' ? { peer: () => ma.mmul(mb), peerName: 'ml-matrix', opts: { rounds: 3, iterations: 2 } } : {}),
      });
    }
    for (const p of [pa, pb, pc]) free(p);
  }
  {
    const [rows, cols] = [10000, 784];
    const r = rng(6);
    const X = Matrix.from({ data: Float64Array.from({ length: rows * cols }, r), rows, cols });
    await row(`covariance ${rows}×${cols} (f64)`, () => linalg.covariance(X).dispose(), { work: rows * cols * cols, target: 1.7, opts: { rounds: 5, iterations: 1 } });
    X.dispose();
  }

  // ---- MLP training steps (forward, backward, Adam) ----
  for (const [layers, batch, target, rounds, iterations] of [[[392, 1024, 1024, 10], 800, 1.7, 5, 1], [[32, 256, 256, 10], 500, 1.0, 7, 10], [[32, 256, 256, 10], 128, 1.0, 7, 20]]) {
    const ours = oursStep(layers, batch, 1), peer = tfStep(layers, batch, 1);
    await row(`MLP step ${layers.join('-')} batch ${batch}`, ours.step, { work: flops(layers, batch), target, peer: peer.step, peerName: 'TF.js wasm', opts: { rounds, iterations } });
    ours.dispose();
    peer.dispose();
  }

  // ---- the digits DeepCCA recipe (test/deepcca.test.ts: 10 components, 256-256 towers, batch 500), 20 of its 200 epochs ----
  {
    const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
    const left = digits.left.slice(0, 1500), right = digits.right.slice(0, 1500);
    const fit = async () => {
      const m = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs: 20, seed: 0 });
      await m.fit(left, right);
      m.dispose();
    };
    await row('DeepCCA digits recipe, 20 epochs', fit, { target: 1.5, opts: { rounds: 3, iterations: 1 } });
  }

  await shutdown();
  console.log(`\nsummary ${JSON.stringify(summary)}`);
}
