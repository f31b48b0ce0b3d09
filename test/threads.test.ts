// The thread pool (init({ threads }); assembly/pool.ts dispatches the shares its kernel families
// hand it): every parallel kernel (GEMM, SYRK, centring, dense layers, activations, Adam, SGD)
// gives the same bits with 1, 2, 3, 4 and 8 threads, and the same bits as the baseline build
// (no threads, instantiated here on its own memory), on sizes that are not multiples of the
// tiles or of the thread count — with the size thresholds at 0, so that even 1×1 products are
// split (most shares empty). Then a whole MLP training run and a DeepCCA epoch at the default
// thresholds, and the pool's life cycle: resizing, refusals, fallback, shutdown.
// Processes started here (test/threads/*.mjs) cover what needs a fresh process: the
// InitError for scalar with threads (and for relaxed with threads where the engine lacks
// relaxed SIMD), the fallbacks, 100 init/work/shutdown cycles, a Node process exiting by
// itself with a pool running, and the relaxed threads build (node
// --experimental-wasm-relaxed-simd): 2 threads give the bits of the single-thread relaxed build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { init, shutdown, memoryStats, wasmFeatures, DeepCCA, MultimodalAutoencoder, MultimodalVAE, nn, ValueError } from '../src/index.js';
import { kernels, heapU8 } from '../src/wasm/module.js';
import type { Kernels, Ptr } from '../src/wasm/api.js';
import { INITIAL_PAGES } from '../src/wasm/memory_pages.js';
import { digits, hashOf, uniform } from './helpers.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const THREADS = [1, 2, 3, 4, 8];
const SIZES = [1, 2, 3, 5, 7, 17, 63, 257, 1000];

/** A kernel instance and its memory: the package's (pooled) one or a bare baseline one. */
interface Engine {
  k: Kernels;
  u8(): Uint8Array;
}

const pooled: Engine = { k: null as unknown as Kernels, u8: heapU8 };

async function baselineEngine(): Promise<Engine> {
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: 65536 });
  const abort = () => {
    throw new Error('abort');
  };
  const { instance } = await WebAssembly.instantiate(readFileSync(new URL('../build/kernels.wasm', import.meta.url)), { env: { memory, abort } });
  return { k: instance.exports as unknown as Kernels, u8: () => new Uint8Array(memory.buffer) };
}

// ---- deterministic inputs (made once, shared by every engine) ----

const inputs = new Map<string, Float32Array | Float64Array>();
function data(key: string, T: Float32ArrayConstructor | Float64ArrayConstructor, n: number, lo = -1, hi = 1): Float32Array | Float64Array {
  const id = `${key}:${T.name}:${n}:${lo}:${hi}`;
  let a = inputs.get(id);
  if (!a) {
    let h = 2166136261;
    for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    const u = uniform(h >>> 0);
    a = new T(n).map(() => lo + (hi - lo) * u());
    inputs.set(id, a);
  }
  return a;
}

/** Copies `a` into a new allocation of e. */
function put(e: Engine, a: Float32Array | Float64Array | Int32Array): Ptr {
  const p = e.k.mem_alloc(Math.max(16, a.byteLength));
  e.u8().set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p);
  return p;
}

function sha(e: Engine, ptrs: [Ptr, number][]): string {
  const h = createHash('sha256');
  for (const [p, bytes] of ptrs) h.update(e.u8().subarray(p, p + bytes));
  return h.digest('hex');
}

type Case = { name: string; run(e: Engine): string };
const cases: Case[] = [];

// GEMM, both precisions, three layouts, padded leading dimensions, alpha/beta ≠ 1/0
const cubic = SIZES.filter((s) => s < 1000).map((s) => [s, s, s] as const);
const mixed = [[1000, 5, 63], [3, 1000, 257], [17, 63, 1000], [1000, 257, 7], [257, 1000, 17], [2, 7, 1000], [1000, 1, 3], [1, 1000, 2]] as const;
for (const T of [Float32Array, Float64Array]) {
  const sz = T.BYTES_PER_ELEMENT, t = sz === 4 ? 'f32' : 'f64';
  for (const layout of ['nn', 'tn', 'nt'] as const) {
    for (const [m, n, k] of [...cubic, ...mixed]) {
      cases.push({
        name: `gemm_${t}_${layout} ${m}×${n}×${k}`,
        run(e) {
          const ta = layout === 'tn', tb = layout === 'nt';
          const lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
          const a = put(e, data('A', T, (ta ? k : m) * lda)), b = put(e, data('B', T, (tb ? n : k) * ldb)), c = put(e, data('C', T, m * ldc));
          e.k[`gemm_${t}_${layout}`](c, a, b, m, n, k, lda, ldb, ldc, 1.25, 0.5);
          const out = sha(e, [[c, m * ldc * sz]]);
          for (const p of [a, b, c]) e.k.mem_free(p);
          return out;
        },
      });
    }
  }
  // SYRK (covariances, co-moment updates): the upper triangle, the rest of C untouched
  for (const [n, k] of [...SIZES.filter((s) => s < 1000).map((s) => [s, 63] as const), [1000, 17], [63, 1000], [7, 1000], [257, 257]] as const) {
    cases.push({
      name: `syrk_${t}_tn n=${n} k=${k}`,
      run(e) {
        const lda = n + 1, ldc = n + 2;
        const a = put(e, data('A', T, k * lda)), c = put(e, data('C', T, n * ldc));
        e.k[`syrk_${t}_tn`](c, a, n, k, lda, ldc, 0.75, 1);
        const out = sha(e, [[c, n * ldc * sz]]);
        for (const p of [a, c]) e.k.mem_free(p);
        return out;
      },
    });
  }
}

// column means (on the calling thread, in the packing scratch) and centring (rows split)
for (const [n, p] of [...SIZES.map((s) => [s, 63] as const), ...SIZES.map((s) => [37, s] as const), [1000, 257], [257, 1000]] as const) {
  cases.push({
    name: `colmeans_f64 + center_f64 n=${n} p=${p}`,
    run(e) {
      const ldx = p + 1, ldo = p + 2;
      const x = put(e, data('x', Float64Array, n * ldx, -3, 5)), mean = put(e, data('m', Float64Array, p)), out = put(e, data('o', Float64Array, n * ldo));
      e.k.colmeans_f64(mean, x, n, p, ldx);
      e.k.center_f64(out, x, mean, n, p, ldx, ldo);
      const h = sha(e, [[mean, p * 8], [out, n * ldo * 8]]);
      for (const q of [x, mean, out]) e.k.mem_free(q);
      return h;
    },
  });
}

// dense layer forward and backward (bias + activation rows, dz, dW, db column sums, dx)
const denseShapes = [...SIZES.map((n, i) => [n, 7, 63, i % 5] as const), [1000, 63, 257, 2], [257, 17, 1000, 3], [3, 5, 1000, 4], [1000, 3, 5, 1], [63, 1000, 63, 0]] as const;
for (const [n, nin, nout, act] of denseShapes) {
  cases.push({
    name: `dense_f32 n=${n} nin=${nin} nout=${nout} act=${act}`,
    run(e) {
      const x = put(e, data('x', Float32Array, n * nin)), w = put(e, data('w', Float32Array, nin * nout)), b = put(e, data('b', Float32Array, nout));
      const y = put(e, data('y', Float32Array, n * nout));
      e.k.dense_forward_f32(y, x, w, b, n, nin, nout, act, 0.01);
      const dy = put(e, data('dy', Float32Array, n * nout)), dw = put(e, data('dw', Float32Array, nin * nout)), db = put(e, data('db', Float32Array, nout));
      const dx = put(e, data('dx', Float32Array, n * nin));
      e.k.dense_backward_f32(dx, dw, db, dy, x, w, y, n, nin, nout, act, 0.01);
      const out = sha(e, [[y, n * nout * 4], [dy, n * nout * 4], [dw, nin * nout * 4], [db, nout * 4], [dx, n * nin * 4]]);
      for (const p of [x, w, b, y, dy, dw, db, dx]) e.k.mem_free(p);
      return out;
    },
  });
}

// pairs of independent dense layers (dense_forward_pair_f32 / dense_backward_pair_f32): the
// baseline build runs them one after the other through the single kernels, so equal hashes say
// the pair job (one whole layer a thread on 2 threads, bands on 3+) gives those bits; balanced
// pairs, odd sizes, pairs too unequal to share (run one after the other), dx / dW left out
const pairShapes = [
  [[100, 33, 129, 2], [100, 35, 127, 1]],
  [[257, 63, 17, 3], [257, 61, 19, 0]],
  [[5, 7, 3, 4], [5, 7, 3, 2]],
  [[1000, 63, 257, 2], [1000, 63, 257, 2]],
  [[64, 3, 1000, 1], [64, 1000, 3, 0]],
  [[100, 256, 10, 0], [300, 256, 10, 0]],
] as const;
for (const [i, [A, B]] of pairShapes.entries()) {
  cases.push({
    name: `dense pair ${A.join('×')} | ${B.join('×')}${i % 3 === 1 ? ' (no dx)' : ''}${i % 3 === 2 ? ' (no dW, db)' : ''}`,
    run(e) {
      const layer = (tag: string, [n, nin, nout]: readonly number[]) => ({
        x: put(e, data(`${tag}x`, Float32Array, n! * nin!)), w: put(e, data(`${tag}w`, Float32Array, nin! * nout!)), b: put(e, data(`${tag}b`, Float32Array, nout!)),
        y: put(e, data(`${tag}y`, Float32Array, n! * nout!)), dy: put(e, data(`${tag}dy`, Float32Array, n! * nout!)),
        dw: put(e, data(`${tag}dw`, Float32Array, nin! * nout!)), db: put(e, data(`${tag}db`, Float32Array, nout!)), dx: put(e, data(`${tag}dx`, Float32Array, n! * nin!)),
      });
      const a = layer('pa', A), b = layer('pb', B);
      const slots = (r: number, v: number[]) => new Float64Array(e.u8().buffer).set(v, (r >>> 3));
      const rec = e.k.dense_pair_record();
      slots(rec, [a.y, a.x, a.w, a.b, A[0], A[1], A[2], A[3], 0.01]);
      slots(rec + 128, [b.y, b.x, b.w, b.b, B[0], B[1], B[2], B[3], 0.02]);
      e.k.dense_forward_pair_f32();
      const bw = (l: typeof a, s: readonly number[], slope: number) => [i % 3 === 1 ? 0 : l.dx, i % 3 === 2 ? 0 : l.dw, i % 3 === 2 ? 0 : l.db, l.dy, l.x, l.w, l.y, s[0]!, s[1]!, s[2]!, s[3]!, slope];
      slots(rec, bw(a, A, 0.01));
      slots(rec + 128, bw(b, B, 0.02));
      e.k.dense_backward_pair_f32();
      const bytes = (l: typeof a, [n, nin, nout]: readonly number[]): [Ptr, number][] => [[l.y, n! * nout! * 4], [l.dy, n! * nout! * 4], [l.dw, nin! * nout! * 4], [l.db, nout! * 4], [l.dx, n! * nin! * 4]];
      const out = sha(e, [...bytes(a, A), ...bytes(b, B)]);
      for (const l of [a, b]) for (const p of Object.values(l)) e.k.mem_free(p);
      return out;
    },
  });
}

// flat elementwise loops: activations, Adam / AdamW, SGD with and without momentum
for (const [i, len] of [...SIZES, 100_003].entries()) {
  cases.push({
    name: `act_f32 len=${len} act=${i % 5}`,
    run(e) {
      const x = put(e, data('x', Float32Array, len, -3, 3)), y = put(e, data('y', Float32Array, len)), dy = put(e, data('dy', Float32Array, len));
      e.k.act_forward_f32(y, x, len, i % 5, 0.02);
      e.k.act_backward_f32(dy, dy, y, len, i % 5, 0.02);
      const out = sha(e, [[y, len * 4], [dy, len * 4]]);
      for (const p of [x, y, dy]) e.k.mem_free(p);
      return out;
    },
  });
  cases.push({
    name: `adam_f32 len=${len} decoupled=${i % 2}`,
    run(e) {
      const p = put(e, data('p', Float32Array, len)), g = put(e, data('g', Float32Array, len)), m = put(e, data('m', Float32Array, len)), v = put(e, data('v', Float32Array, len, 0, 1));
      e.k.adam_f32(p, g, m, v, len, 1e-3, 0.9, 0.999, 1e-8, 0.01, i % 2, 3);
      const out = sha(e, [[p, len * 4], [m, len * 4], [v, len * 4]]);
      for (const q of [p, g, m, v]) e.k.mem_free(q);
      return out;
    },
  });
  cases.push({
    name: `ema_f32 len=${len}`,
    run(e) {
      const a = put(e, data('a', Float32Array, len)), p = put(e, data('p', Float32Array, len));
      e.k.ema_f32(a, p, len, 0.99);
      const out = sha(e, [[a, len * 4]]);
      for (const q of [a, p]) e.k.mem_free(q);
      return out;
    },
  });
  cases.push({
    name: `sgd_f32 len=${len} momentum=${i % 3 !== 0} nesterov=${i % 3 === 2}`,
    run(e) {
      const p = put(e, data('p', Float32Array, len)), g = put(e, data('g', Float32Array, len));
      const vel = i % 3 === 0 ? 0 : put(e, data('vel', Float32Array, len));
      e.k.sgd_f32(p, g, vel, len, 0.05, 0.9, 1e-4, i % 3 === 2 ? 1 : 0);
      const out = sha(e, vel ? [[p, len * 4], [vel, len * 4]] : [[p, len * 4]]);
      for (const q of [p, g, vel]) if (q) e.k.mem_free(q);
      return out;
    },
  });
}

function runAll(e: Engine): Record<string, string> {
  return Object.fromEntries(cases.map((c) => [c.name, c.run(e)]));
}

// ---- models at the default thresholds ----

const pixels = digits.pixels.slice(0, 1000).map((r) => r.map((v) => v / 16));
const labels = digits.labels.slice(0, 1000);
const left = digits.left.slice(0, 1000), right = digits.right.slice(0, 1000);


async function mlpRun(): Promise<string> {
  // 500 × 768 activations and 450k parameters: the elementwise passes and Adam split as well
  const clf = new nn.Classifier({ layers: [64, 768, 512, 10], epochs: 2, batchSize: 500, learningRate: 2e-3, dropout: 0.1, seed: 4 });
  const history = await clf.fit(pixels, labels);
  const out = hashOf(clf.net.parameters, history.map((h) => h.loss), clf.predictProba(pixels.slice(0, 50)).data);
  clf.dispose();
  return out;
}

async function deepccaEpoch(): Promise<string> {
  const m = new DeepCCA({ components: 4, hidden: [256, 256], activation: 'leaky_relu', batchSize: 500, epochs: 1, seed: 2 });
  const h = await m.fit(left, right);
  const [u, v] = m.transform(left.slice(0, 50), right.slice(0, 50));
  const out = hashOf(m.correlations, [h[0]!.loss], u.data, v.data);
  m.dispose();
  return out;
}

/**
 * The models whose independent networks run side by side (nn/lockstep.ts: the layers of two
 * networks as one pair job on 2 threads): DCCAE's towers and decoders, the autoencoder's
 * encoders and heads, the VAE's encoders; two epochs each, parameters and losses hashed.
 */
async function pairedModels(): Promise<string> {
  const x = left.slice(0, 400), y = right.slice(0, 400);
  const dccae = new DeepCCA({ components: 3, hidden: [64, 48], batchSize: 200, epochs: 2, seed: 5, reconstruction: { weight: 0.2 } });
  const hd = await dccae.fit(x, y);
  const ae = new MultimodalAutoencoder({ hidden: [40], code: 8, batchSize: 100, epochs: 2, seed: 6 });
  const ha = await ae.fit([x, y]);
  const vae = new MultimodalVAE({ hidden: [40], latent: 4, batchSize: 100, epochs: 2, seed: 7 });
  const hv = await vae.fit([x, y]);
  const [dx] = dccae.reconstruct([x.slice(0, 20), y.slice(0, 20)]);
  const out = hashOf(dccae.correlations, dx!.data, ae.encode([x.slice(0, 20), y.slice(0, 20)]).data, vae.encode([x.slice(0, 20), y.slice(0, 20)]).mean.data, [...hd, ...ha, ...hv].map((h) => h.loss));
  for (const m of [dccae, ae, vae]) m.dispose();
  return out;
}

// ---- the tests ----

const byThreads: Record<number, Record<string, string>> = {};
const models: Record<number, { mlp: string; deepcca: string; dispatches: number }> = {};
let baseline: Record<string, string> = {};

beforeAll(async () => {
  const info = await init({ threads: 2 });
  expect(info).toMatchObject({ build: 'simd', threads: 2 });
  expect(info.threadsFallback).toBeUndefined();
  pooled.k = kernels();
  expect(pooled.k.build_threads()).toBe(1);
  baseline = runAll(await baselineEngine());
});

afterAll(async () => {
  await shutdown();
});

describe('every parallel kernel is bit-identical for every thread count', () => {
  for (const t of THREADS) {
    it(`${t} thread${t > 1 ? 's' : ''}: ${cases.length} kernel cases, split however small, equal the baseline build's bits`, async () => {
      const info = await init({ threads: t });
      expect(info.threads).toBe(t);
      expect(pooled.k.pool_threads()).toBe(t);
      const before = pooled.k.pool_dispatches();
      pooled.k.pool_set_thresholds(0, 0);
      try {
        byThreads[t] = runAll(pooled);
      } finally {
        pooled.k.pool_set_thresholds(-1, -1);
      }
      // with more than one thread every case went through the pool
      if (t > 1) expect(pooled.k.pool_dispatches() - before).toBeGreaterThanOrEqual(cases.length);
      const differ = cases.map((c) => c.name).filter((n) => byThreads[t]![n] !== baseline[n]);
      expect(differ, `cases whose bits differ from the baseline build with ${t} threads`).toEqual([]);
    });
  }
});

describe('training runs are bit-identical for every thread count', () => {
  let pairedRef = '';
  for (const t of [1, 2]) {
    it(`DCCAE, the autoencoder and the VAE (networks side by side as pair jobs) with ${t} thread${t > 1 ? 's' : ''} and every job split: the bits of one thread`, async () => {
      await init({ threads: t });
      pooled.k.pool_set_thresholds(0, 0);
      try {
        const before = pooled.k.pool_dispatches();
        const h = await pairedModels();
        if (t === 1) pairedRef = h;
        else {
          expect(pooled.k.pool_dispatches() - before).toBeGreaterThan(100);
          expect(h).toBe(pairedRef);
        }
      } finally {
        pooled.k.pool_set_thresholds(-1, -1);
      }
    });
  }
  for (const t of THREADS) {
    it(`an MLP training run and a DeepCCA epoch on the digits with ${t} thread${t > 1 ? 's' : ''}, at the default thresholds and with every job split`, async () => {
      await init({ threads: t });
      const before = pooled.k.pool_dispatches();
      const byDefault = { mlp: await mlpRun(), deepcca: await deepccaEpoch() };
      const dispatched = pooled.k.pool_dispatches() - before;
      pooled.k.pool_set_thresholds(0, 0);
      let forced;
      try {
        forced = { mlp: await mlpRun(), deepcca: await deepccaEpoch() };
      } finally {
        pooled.k.pool_set_thresholds(-1, -1);
      }
      models[t] = { ...byDefault, dispatches: pooled.k.pool_dispatches() - before };
      // the large products split at the defaults; with the thresholds at 0 every kernel call does
      if (t > 1) expect(dispatched, 'jobs split between the threads at the default thresholds').toBeGreaterThan(0);
      // (185 jobs on 2 threads, where the towers' layers go as pairs, one job for two layers)
      if (t > 1) expect(models[t]!.dispatches - dispatched, 'jobs split with the thresholds at 0').toBeGreaterThan(150);
      else expect(models[t]!.dispatches).toBe(0);
      for (const run of [byDefault, forced]) {
        expect(run.mlp).toBe(models[1]!.mlp);
        expect(run.deepcca).toBe(models[1]!.deepcca);
      }
    });
  }
});

describe('the pool', () => {
  it("'auto' uses every logical core; a bad thread count is refused with the pool left running", async () => {
    expect((await init({ threads: 'auto' })).threads).toBe(Math.min(256, availableParallelism()));
    await init({ threads: 3 });
    for (const bad of [0, -1, 1.5, 257, NaN, '4', 'all', null]) {
      const e = await init({ threads: bad as never }).catch((x: unknown) => x);
      expect(e, String(bad)).toBeInstanceOf(ValueError);
      expect((e as Error).message).toMatch(/options\.threads: expected a whole number from 1 to 256, or 'auto'/);
    }
    expect(pooled.k.pool_threads()).toBe(3);
    expect((await init()).threads).toBe(3); // init() without threads keeps the pool
  });

  it('shutdown ends the pool, frees its memory and keeps the results; init({ threads }) starts it again', async () => {
    await shutdown();
    expect(pooled.k.pool_threads()).toBe(1);
    const live = memoryStats().liveBytes;
    const one = await mlpRun();
    await shutdown(); // twice is harmless
    const info = await init({ threads: 4 });
    expect(info.threads).toBe(4);
    expect(memoryStats().liveBytes).toBeGreaterThan(live); // the control block and 3 scratches
    expect(await mlpRun()).toBe(one);
    await shutdown();
    expect(memoryStats().liveBytes).toBe(live);
    expect((await init()).threads).toBe(1);
  });

  it('in fresh processes: scalar with threads is an InitError, relaxed with threads where relaxed SIMD is missing the error of relaxed alone; fallbacks say why; the memory cap holds; 100 init/work/shutdown cycles leak nothing; a running pool does not keep Node alive', async () => {
    const names = ['relaxed', 'scalar', 'nosab', 'plain-module', 'threads-module', 'cap', 'late', 'exit', 'cycles'];
    const script = fileURLToPath(new URL('./threads/fresh.mjs', import.meta.url));
    // 'exit' never calls shutdown: the process must end by itself (the timeout would kill it)
    const outs = await Promise.all(names.map((n) => run(process.execPath, [script, n], { cwd: repo, timeout: 120_000 })));
    const r = Object.fromEntries(names.map((n, i) => [n, JSON.parse(outs[i]!.stdout.trim().split('\n').pop()!)])) as Record<string, Record<string, unknown>>;
    // this process and the child run the same node without --experimental-wasm-relaxed-simd
    if (wasmFeatures().relaxedSimd) expect(r.relaxed!.error).toBe('resolved');
    else {
      expect(r.relaxed!.error).toMatch(/^InitError: init\(\{ simd: 'relaxed' \}\): this engine does not support relaxed SIMD/);
      expect(r.relaxed!.after).toMatchObject({ build: 'simd', threads: 1 }); // init still works after the refusal
    }
    expect(r.scalar!.error).toMatch(/^InitError: init\(\{ simd: 'scalar', threads: 2 \}\): there is no scalar threads build/);
    expect(r.scalar!.after).toMatchObject({ build: 'simd', threads: 1 });
    expect(r.nosab!.info).toEqual({ build: 'simd', maximumMemory: 2 ** 32, threads: 1, threadsFallback: 'this engine has no SharedArrayBuffer' });
    expect(r.nosab!.again).toEqual(r.nosab!.info);
    expect(r.nosab!.one).toEqual({ build: 'simd', maximumMemory: 2 ** 32, threads: 1 });
    expect(r['plain-module']!.info).toMatchObject({ threads: 1, threadsFallback: 'the module given is not the threads build (kernels.threads.wasm)' });
    expect(r['threads-module']!.info).toMatchObject({ threads: 2 });
    // threads asked of a realm whose first init loaded the single-thread build: a typed error, not a silent fallback
    expect(r.late!.error).toMatch(/^InitError: init\(\{ threads: 2 \}\): crossmodal is already initialised with threads 1 .*pass threads to it/);
    expect(r.late!.again).toEqual(r.late!.info);
    expect(r.exit!.info).toMatchObject({ threads: 3 });
    expect(r.cycles!.cycles).toMatchObject({ count: 100, liveGrowth: 0, threadsLeft: 0 });
    expect(r.cycles!.hashes, 'one result, with 1 to 4 threads').toBe(1);
    expect(r.exit!.hash).toBe(r['threads-module']!.hash);
    expect(r.cap).toMatchObject({ info: { threads: 2, maximumMemory: 16 * 1024 * 1024 }, error: 'MemoryLimitError', hash: r.exit!.hash, liveGrowth: 0 });
  }, 240_000);

  it("the relaxed threads build (node --experimental-wasm-relaxed-simd): init({ simd: 'relaxed', threads: 2 }) loads it, and GEMMs of odd sizes, a DeepCCA fit and an MLP fit give the bits of init({ simd: 'relaxed' }) on one thread; without shared memory, one thread of the relaxed build", async () => {
    const names = ['single', 'pooled', 'nosab'];
    const script = fileURLToPath(new URL('./threads/relaxed.mjs', import.meta.url));
    const outs = await Promise.all(names.map((n) => run(process.execPath, ['--experimental-wasm-relaxed-simd', script, n], { cwd: repo, timeout: 120_000 })));
    type Out = { info: unknown; flavor: number; sharedBuild?: number; work: Record<string, string> } & Record<string, unknown>;
    const [single, pooled, nosab] = outs.map((o) => JSON.parse(o.stdout.trim().split('\n').pop()!) as Out);
    expect(single!.info).toEqual({ build: 'relaxed', maximumMemory: 2 ** 32, threads: 1 });
    // the relaxed threads build: relaxed SIMD (build_flavor 2) over a shared memory
    expect(pooled!.info).toEqual({ build: 'relaxed', maximumMemory: 2 ** 32, threads: 2 });
    expect([pooled!.flavor, pooled!.sharedBuild]).toEqual([2, 1]);
    expect(pooled!.again).toEqual(pooled!.info);
    expect(pooled!.baseline).toMatch(/^InitError: init\(\{ simd: 'baseline' \}\): crossmodal is already initialised with simd build 'relaxed' \(asked: build 'simd'\)/);
    expect(pooled!.dispatched, 'jobs split between the threads at the default thresholds').toBeGreaterThan(0);
    expect(pooled!.one).toEqual({ build: 'relaxed', maximumMemory: 2 ** 32, threads: 1 });
    for (const run of ['work', 'split', 'alone']) expect(pooled![run], run).toEqual(single!.work);
    expect(nosab!.info).toEqual({ build: 'relaxed', maximumMemory: 2 ** 32, threads: 1, threadsFallback: 'this engine has no SharedArrayBuffer' });
    expect([nosab!.flavor, nosab!.sharedBuild]).toEqual([2, 0]);
  }, 240_000);
});
