// Faults in the thread pool (init({ threads }), issue 41): a worker that dies during a call —
// it throws, or its thread ends without a word as when the host terminates it — never hangs
// the caller: the call throws ThreadError within a second, the pool ends, `threadsFallback`
// says why, later calls run on the calling thread with the same bits as before, and
// init({ threads }) starts a new pool. The deaths during a job are injected through the
// kernels' test hook pool_inject (the worker dies as it takes the job: mode 1 throws, mode 2
// ends its thread with process.exit, as worker.terminate() does): during a job the calling
// thread is inside the kernel, so no JS on it can terminate a worker then. A death between
// calls is a real worker.terminate(). At the end the allocator holds the bytes it held before.
import { afterAll, describe, expect, it } from 'vitest';
import { init, shutdown, memoryStats, linalg, Matrix, DeepCCA, nn, ThreadError } from '../src/index.js';
import { kernels } from '../src/wasm/module.js';
import { terminatePoolWorker } from '../src/wasm/pool.js';
import { digits, hashOf, uniform } from './helpers.js';

const THROWS = 1;
const EXITS = 2;


const N = 1024;
const u = uniform(41);
let a: Matrix, b: Matrix;

function gemm(): string {
  const c = linalg.matmul(a, b);
  const out = hashOf(c.data);
  c.dispose();
  return out;
}

const left = digits.left.slice(0, 1000), right = digits.right.slice(0, 1000);
const pixels = digits.pixels.slice(0, 1000).map((r) => r.map((v) => v / 16));
const labels = digits.labels.slice(0, 1000);

async function deepccaEpoch(): Promise<string> {
  const m = new DeepCCA({ components: 4, hidden: [256, 256], activation: 'leaky_relu', batchSize: 500, epochs: 1, seed: 2 });
  try {
    const h = await m.fit(left, right);
    return hashOf(m.correlations, [h[0]!.loss]);
  } finally {
    m.dispose();
  }
}

async function mlpEpoch(): Promise<string> {
  const clf = new nn.Classifier({ layers: [64, 768, 512, 10], epochs: 1, batchSize: 500, learningRate: 2e-3, seed: 4 });
  try {
    const h = await clf.fit(pixels, labels);
    return hashOf(clf.net.parameters, h.map((e) => e.loss));
  } finally {
    clf.dispose();
  }
}

/** Runs `call` with worker 1 set to die `afterJobs` jobs from now; what it threw and how long it took. */
async function withFault(mode: number, afterJobs: number, call: () => unknown): Promise<{ error: unknown; ms: number }> {
  kernels().pool_inject(1, mode, afterJobs);
  const t0 = performance.now();
  let error: unknown = null;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  kernels().pool_inject(0, 0, 0); // (a fault that did not come does not linger)
  return { error, ms: performance.now() - t0 };
}

/** After a fault: one thread, the reason given, the kernels off the pool. */
async function expectFallback(reason: RegExp): Promise<void> {
  const info = await init();
  expect(info.threads).toBe(1);
  expect(info.threadsFallback).toMatch(reason);
  expect(kernels().pool_threads()).toBe(1);
}

const ref: Record<string, string> = {};
let live = 0;

afterAll(async () => {
  await shutdown();
});

describe('a pool worker that dies', () => {
  it('before the faults: reference bits on 2 threads (equal to one thread by design)', async () => {
    expect((await init({ threads: 2 })).threads).toBe(2);
    a = Matrix.from(Array.from({ length: N }, () => Array.from({ length: N }, () => u() - 0.5)));
    b = Matrix.from(Array.from({ length: N }, () => Array.from({ length: N }, () => u() - 0.5)));
    const d0 = kernels().pool_dispatches();
    ref.gemm = gemm();
    expect(kernels().pool_dispatches()).toBeGreaterThan(d0); // the product was split
    // the epochs with every job split (thresholds 0), so that the fault's job number is not
    // left to timing (the thresholds rise while the workers sleep); the bits do not change
    kernels().pool_set_thresholds(0, 0);
    const d1 = kernels().pool_dispatches();
    ref.deepcca = await deepccaEpoch();
    const d2 = kernels().pool_dispatches();
    ref.mlp = await mlpEpoch();
    expect(d2 - d1).toBeGreaterThan(80); // 85 jobs here (the towers' layers as pairs): the fault below comes at the 71st
    expect(kernels().pool_dispatches() - d2).toBeGreaterThan(30); // 42: at the 21st
    kernels().pool_set_thresholds(-1, -1);
    live = memoryStats().liveBytes;
  });

  it('ends its thread during a 1024×1024 GEMM: ThreadError within a second, then one thread with the same bits, and a new pool', async () => {
    const { error, ms } = await withFault(EXITS, 0, gemm);
    expect(error).toBeInstanceOf(ThreadError);
    expect(ms).toBeLessThan(1000);
    await expectFallback(/did not finish its share.*terminated by the host/);
    expect(gemm()).toBe(ref.gemm);
    const info = await init({ threads: 2 });
    expect(info.threads).toBe(2);
    expect(info.threadsFallback).toBeUndefined();
    expect(gemm()).toBe(ref.gemm);
  });

  it('throws during a 1024×1024 GEMM: ThreadError at once, naming the worker and its error', async () => {
    const { error, ms } = await withFault(THROWS, 0, gemm);
    expect(error).toBeInstanceOf(ThreadError);
    expect((error as Error).message).toMatch(/pool worker 1 died during a job \(it threw\)/);
    expect(ms).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 50)); // the worker's own report of its error
    await expectFallback(/worker 1 died.*fault injected by a test/);
    expect(gemm()).toBe(ref.gemm);
    expect((await init({ threads: 2 })).threads).toBe(2);
  });

  it('ends its thread during a DeepCCA training epoch: the fit rejects with ThreadError within a second; fitting again gives the same bits', async () => {
    kernels().pool_set_thresholds(0, 0);
    const { error, ms } = await withFault(EXITS, 70, deepccaEpoch);
    kernels().pool_set_thresholds(-1, -1);
    expect(error).toBeInstanceOf(ThreadError);
    expect(ms).toBeLessThan(1000);
    await expectFallback(/did not finish its share/);
    expect(await deepccaEpoch()).toBe(ref.deepcca);
    expect((await init({ threads: 2 })).threads).toBe(2);
  });

  it('throws during an MLP training epoch: the fit rejects with ThreadError; training again gives the same bits', async () => {
    kernels().pool_set_thresholds(0, 0);
    const { error } = await withFault(THROWS, 20, mlpEpoch);
    kernels().pool_set_thresholds(-1, -1);
    expect(error).toBeInstanceOf(ThreadError);
    await expectFallback(/worker 1 died during a job/);
    expect(await mlpEpoch()).toBe(ref.mlp);
    expect((await init({ threads: 2 })).threads).toBe(2);
  });

  it('is terminated by the host between calls: the pool ends on its exit event and the next calls run on one thread', async () => {
    await terminatePoolWorker(1);
    await new Promise((r) => setTimeout(r, 20));
    await expectFallback(/pool worker 1 exited/);
    expect(gemm()).toBe(ref.gemm);
    expect((await init({ threads: 2 })).threads).toBe(2);
  });

  it('is terminated by the host just before a call: the call gives the right bits or ThreadError within a second', async () => {
    void terminatePoolWorker(1); // the call below runs before the exit event can be seen
    const t0 = performance.now();
    let out: string | null = null;
    try {
      out = gemm();
    } catch (e) {
      expect(e).toBeInstanceOf(ThreadError);
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    if (out !== null) expect(out).toBe(ref.gemm);
    await new Promise((r) => setTimeout(r, 20));
    await expectFallback(/pool worker/); // its exit event, or the watchdog
    expect(gemm()).toBe(ref.gemm);
  });

  it('leaves the allocator whole: after all these faults and a new pool, the same bytes are live as before them', async () => {
    expect((await init({ threads: 2 })).threads).toBe(2);
    expect(gemm()).toBe(ref.gemm);
    expect(memoryStats().liveBytes).toBe(live);
  });
});
