import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, DeepCCA, ValueError, ShapeError, NotFittedError, FormatError } from '../src/index.js';
import { digits, uniform, normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const train = (v: number[][]) => v.slice(0, 1500);
const test = (v: number[][]) => v.slice(1500);

describe('DeepCCA on the digits halves (towers 256-256 LeakyReLU, Adam 1e-3, batch 500, 200 epochs)', () => {
  for (const seed of [0, 1]) {
    it(`held-out sum of the 10 correlations ≥ 7.6 (seed ${seed}); linear CCA gives 5.53`, async () => {
      const t0 = performance.now();
      const model = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs: 200, seed });
      let epochs = 0;
      await model.fit(train(digits.left), train(digits.right), { onEpoch: () => void epochs++ });
      const held = sum(model.score(test(digits.left), test(digits.right)));
      const secs = (performance.now() - t0) / 1000;
      console.log(`DeepCCA seed ${seed}: held-out sum ${held.toFixed(4)}, training sum ${sum(model.correlations).toFixed(4)}, ${secs.toFixed(1)} s`);
      expect(epochs).toBe(200);
      expect(held).toBeGreaterThanOrEqual(7.6);
      model.dispose();
    });
  }
});

/** Two nonlinear views of a 2-d latent z ~ U(−1, 1)², with noise. */
function synthetic(n: number, seed: number) {
  const u = uniform(seed), g = normal(seed + 1);
  const X: number[][] = [], Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z1 = 2 * u() - 1, z2 = 2 * u() - 1;
    // z2 reaches X only through even or product terms and Y through an odd one, so no
    // linear map of one view correlates with z2 in the other
    X.push([Math.sin(Math.PI * z1), z1 * z2, Math.cos(Math.PI * z2), g()].map((v) => v + 0.1 * g()));
    Y.push([z1 ** 3, Math.tanh(3 * z2), g()].map((v) => v + 0.1 * g()));
  }
  return { X, Y };
}

describe('DeepCCA properties', () => {
  it('beats linear CCA by at least 0.3 (held-out sum of the top 2) on nonlinear views of a shared latent', async () => {
    const { X, Y } = synthetic(4000, 5);
    const [Xtr, Xte, Ytr, Yte] = [X.slice(0, 2000), X.slice(2000), Y.slice(0, 2000), Y.slice(2000)];
    const linear = new CCA({ components: 2, regularization: 1e-6 }).fit(Xtr, Ytr);
    const lin = sum(linear.score(Xte, Yte));
    linear.dispose();
    const deep = new DeepCCA({ components: 2, hidden: [64, 64], epochs: 60, batchSize: 400, learningRate: 2e-3, seed: 0 });
    await deep.fit(Xtr, Ytr);
    const dcc = sum(deep.score(Xte, Yte));
    console.log(`synthetic: linear CCA ${lin.toFixed(3)}, DeepCCA ${dcc.toFixed(3)} (held-out top-2 sums)`);
    expect(dcc - lin).toBeGreaterThanOrEqual(0.3);
    // transform gives uncorrelated, unit-variance variates ordered by correlation on the training rows
    const [u] = deep.transform(Xtr, null);
    let m0 = 0, v0 = 0, c01 = 0;
    for (let i = 0; i < u!.rows; i++) m0 += u!.data[i * 2]! / u!.rows;
    for (let i = 0; i < u!.rows; i++) {
      v0 += (u!.data[i * 2]! - m0) ** 2 / (u!.rows - 1);
      c01 += ((u!.data[i * 2]! - m0) * u!.data[i * 2 + 1]!) / (u!.rows - 1);
    }
    expect(v0).toBeCloseTo(1, 3);
    expect(Math.abs(c01)).toBeLessThan(1e-3);
    expect(deep.correlations[0]!).toBeGreaterThanOrEqual(deep.correlations[1]!);
    deep.dispose();
  });

  for (const objective of ['trace', 'squared'] as const) {
    it(`same seed, same result, run after run (${objective} objective); memory returns after dispose`, async () => {
      const { X, Y } = synthetic(300, 9);
      const before = memoryStats().liveBytes;
      const run = async () => {
        const m = new DeepCCA({ components: 2, outputs: 3, hidden: [16], epochs: 4, batchSize: 100, objective, seed: 3 });
        const h = await m.fit(X, Y);
        const out = { corr: Array.from(m.correlations), loss: h.map((e) => e.loss), json: JSON.stringify(m) };
        m.dispose();
        return out;
      };
      const a = await run(), b = await run();
      expect(b).toEqual(a);
      expect(memoryStats().liveBytes).toBe(before);
    });
  }

  it('validation reports a held-out correlation each epoch and early stopping keeps the best towers', async () => {
    const { X, Y } = synthetic(1200, 13);
    const m = new DeepCCA({ components: 2, hidden: [32], epochs: 40, batchSize: 200, learningRate: 5e-3, seed: 1 });
    const seen: number[] = [];
    const h = await m.fit(X.slice(0, 800), Y.slice(0, 800), {
      validation: { X: X.slice(800), Y: Y.slice(800), patience: 3 },
      onEpoch: (e) => void seen.push(e.losses.validation!),
    });
    expect(seen.length).toBe(h.length);
    expect(seen.every((v) => Number.isFinite(v))).toBe(true);
    const best = Math.max(...seen);
    expect(sum(m.score(X.slice(800), Y.slice(800)))).toBeCloseTo(best, 10);
    m.dispose();
  });

  it('toJSON / fromJSON round-trips the towers and the final CCA', async () => {
    const { X, Y } = synthetic(300, 21);
    const m = new DeepCCA({ components: 2, hidden: [8], epochs: 2, batchSize: 100, seed: 2 });
    await m.fit(X, Y);
    const r = DeepCCA.fromJSON(JSON.stringify(m));
    expect(Array.from(r.score(X, Y))).toEqual(Array.from(m.score(X, Y)));
    const bad = m.toJSON();
    expect(() => DeepCCA.fromJSON({ ...bad, towers: [(bad.towers as unknown[])[0]] })).toThrow(FormatError);
    m.dispose();
    r.dispose();
  });
});

describe('DeepCCA bad input', () => {
  it('rejects a batch below 2·outputs up front, and bad shapes or values with typed errors', async () => {
    const before = memoryStats().liveBytes;
    expect(() => new DeepCCA({ components: 10, batchSize: 16 })).toThrow(/batchSize: expected at least 2·outputs = 20 rows/);
    expect(() => new DeepCCA({ components: 3, outputs: 2 })).toThrow(ValueError);
    expect(() => new DeepCCA({ objective: 'max' as never })).toThrow(ValueError);
    const m = new DeepCCA({ components: 2, hidden: [8], epochs: 1, batchSize: 10 });
    const X = Array.from({ length: 20 }, (_, i) => [i, i % 3]), Y = Array.from({ length: 20 }, (_, i) => [i % 5, 1, i]);
    await expect(m.fit(X, Y.slice(1))).rejects.toThrow(ShapeError);
    await expect(m.fit(X.map((r, i) => (i === 7 ? [r[0]!, NaN] : r)), Y)).rejects.toThrow(/X: .*\[7\]\[1\] is NaN/);
    expect(() => m.score(X, Y)).toThrow(NotFittedError);
    // fewer rows than the batch: the batch is clamped, and reported
    const h = await m.fit(X.slice(0, 8), Y.slice(0, 8));
    expect(h[0]!.batchSize).toBe(8);
    await expect(m.fit(X.slice(0, 3), Y.slice(0, 3))).rejects.toThrow(/X: expected at least 2·outputs = 4 rows.*got 3 rows/);
    await m.fit(X, Y);
    expect(() => m.transform([[1, 2, 3]], null)).toThrow(/X: expected 2 columns/);
    m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('an output covariance the ridge cannot keep positive definite is a clear error, not NaNs', async () => {
    // identical rows in X make the first tower's output constant: its covariance is zero
    const { Y } = synthetic(200, 4);
    const X = Y.map(() => [0.5, -1, 2]);
    const m = new DeepCCA({ components: 2, hidden: [8], epochs: 1, batchSize: 100, regularization: 0, seed: 1 });
    await expect(m.fit(X, Y)).rejects.toThrow(/output covariance is not positive definite.*raise options.regularization/);
    expect(() => m.correlations).toThrow(NotFittedError);
    m.dispose();
  });

  it('aborts with the signal, keeping the towers, history and final CCA of the last finished epoch', async () => {
    const { X, Y } = synthetic(400, 3);
    const m = new DeepCCA({ components: 2, hidden: [8], epochs: 50, batchSize: 100 });
    const ctl = new AbortController();
    await expect(m.fit(X, Y, { signal: ctl.signal, onEpoch: (e) => void (e.epoch === 2 && ctl.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(m.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(m.correlations).toHaveLength(2);
    // the same two epochs without an abort give the same model
    const two = new DeepCCA({ components: 2, hidden: [8], epochs: 2, batchSize: 100 });
    await two.fit(X, Y);
    expect(Array.from(m.score(X, Y))).toEqual(Array.from(two.score(X, Y)));
    m.dispose();
    two.dispose();
  });
});
