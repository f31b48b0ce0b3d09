// DeepCCA's 'ey' and 'sdl' objectives (issue 36): their analytic gradients against central
// finite differences of independent f64 forwards written here in plain loops, their batch
// rules, warm starts of the running statistics, and the digits 'ey' recipe at batch 100.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, DeepCCA, ShapeError, ValueError } from '../src/index.js';
import { EYObjective } from '../src/models/neural/deepcca_ey.js';
import { SDLObjective, SDLStatistics } from '../src/models/neural/deepcca_sdl.js';
import { digits, normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

/** Covariance (n − 1) of columns i of a and j of b over rows r0 ≤ r < r1 (m×o row-major). */
function cov(a: Float64Array, b: Float64Array, o: number, r0: number, r1: number, i: number, j: number): number {
  let ma = 0, mb = 0;
  for (let r = r0; r < r1; r++) (ma += a[r * o + i]!), (mb += b[r * o + j]!);
  ma /= r1 - r0;
  mb /= r1 - r0;
  let s = 0;
  for (let r = r0; r < r1; r++) s += (a[r * o + i]! - ma) * (b[r * o + j]! - mb);
  return s / (r1 - r0 - 1);
}

/** The EY loss, from its definition: −2·tr(Cxy + Cyx) on the whole batch + tr(B₁B₂) of the halves [0, ⌊m/2⌋), [⌊m/2⌋, m). */
function eyLoss(h1: Float64Array, h2: Float64Array, m: number, o: number): number {
  const m1 = Math.floor(m / 2);
  let reward = 0;
  for (let i = 0; i < o; i++) reward += cov(h1, h2, o, 0, m, i, i) + cov(h2, h1, o, 0, m, i, i);
  const B = (r0: number, r1: number) => {
    const out: number[][] = [];
    for (let i = 0; i < o; i++) out.push(Array.from({ length: o }, (_, j) => cov(h1, h1, o, r0, r1, i, j) + cov(h2, h2, o, r0, r1, i, j)));
    return out;
  };
  const B1 = B(0, m1), B2 = B(m1, m);
  let pen = 0;
  for (let i = 0; i < o; i++) for (let j = 0; j < o; j++) pen += B1[i]![j]! * B2[j]![i]!;
  return -2 * reward + pen;
}

/** The SDL loss from its definition, on running statistics acc (2·o², x then y) and weight c. */
function sdlLoss(h1: Float64Array, h2: Float64Array, m: number, o: number, acc: Float64Array, c: number, alpha = 0.9, lambda = 0.1, eps = 1e-5) {
  const bn = (h: Float64Array) => {
    const z = new Float64Array(m * o);
    for (let j = 0; j < o; j++) {
      let mu = 0, v = 0;
      for (let r = 0; r < m; r++) mu += h[r * o + j]! / m;
      for (let r = 0; r < m; r++) v += (h[r * o + j]! - mu) ** 2 / m;
      for (let r = 0; r < m; r++) z[r * o + j] = (h[r * o + j]! - mu) / Math.sqrt(v + eps);
    }
    return z;
  };
  const z1 = bn(h1), z2 = bn(h2);
  let dist = 0;
  for (let i = 0; i < m * o; i++) dist += (z1[i]! - z2[i]!) ** 2 / (m * o);
  let dec = 0;
  [z1, z2].forEach((z, v) => {
    for (let i = 0; i < o; i++)
      for (let j = 0; j < o; j++) {
        if (i === j) continue;
        let s = 0;
        for (let r = 0; r < m; r++) s += (z[r * o + i]! * z[r * o + j]!) / m;
        dec += Math.abs((alpha * acc[v * o * o + i * o + j]! + s) / (alpha * c + 1));
      }
  });
  let corr = 0;
  for (let j = 0; j < o; j++) {
    let a = 0, b = 0, d = 0;
    for (let r = 0; r < m; r++) (a += z1[r * o + j]! * z2[r * o + j]!), (b += z1[r * o + j]! ** 2), (d += z2[r * o + j]! ** 2);
    corr += a / Math.sqrt(b * d);
  }
  return { loss: dist + lambda * dec, corr };
}

/** Two correlated views (m×o) with unequal column scales. */
function views(m: number, o: number, seed: number) {
  const g = normal(seed);
  const z = Float64Array.from({ length: m * o }, g);
  const h1 = Float64Array.from({ length: m * o }, (_, i) => (1 + (i % o) * 0.3) * (z[i]! + 0.7 * g()) + 0.5);
  const h2 = Float64Array.from({ length: m * o }, (_, i) => (i % o < 2 ? 0.8 * z[i]! : 0) + (0.6 + (i % o) * 0.2) * g() - 1);
  return { h1, h2 };
}

/** ‖G − G_fd‖₂ / ‖G_fd‖₂ of the gradient of −f (what the objectives maximise) by central differences. */
function relativeError(h1: Float64Array, h2: Float64Array, G1: Float64Array, G2: Float64Array, f: () => number, eps = 1e-6): number {
  let num = 0, den = 0;
  for (const [h, G] of [[h1, G1], [h2, G2]] as const)
    for (let i = 0; i < h.length; i++) {
      const save = h[i]!;
      h[i] = save + eps;
      const up = -f();
      h[i] = save - eps;
      const down = -f();
      h[i] = save;
      const fd = (up - down) / (2 * eps);
      num += (fd - G[i]!) ** 2;
      den += fd * fd;
    }
  return Math.sqrt(num / den);
}

describe("'ey' and 'sdl' gradients vs finite differences of independent f64 forwards", () => {
  // odd batches (the second half gets the extra row), a batch below the output width, o not a multiple of 4
  for (const [m, o] of [[23, 5], [10, 3], [5, 7], [4, 2]] as const) {
    it(`'ey', m = ${m}, o = ${o}: value as defined, relative gradient error below 1e-6`, () => {
      const { h1, h2 } = views(m, o, m * 31 + o);
      const obj = new EYObjective(m, o);
      obj.H1.data.set(h1);
      obj.H2.data.set(h2);
      const got = obj.evaluate();
      expect(obj.m1).toBe(Math.floor(m / 2));
      expect(got).toBeCloseTo(-eyLoss(h1, h2, m, o), 10);
      expect(obj.loss).toBe(-got);
      const G1 = obj.G1.data.slice(), G2 = obj.G2.data.slice();
      obj.dispose();
      expect(relativeError(h1, h2, G1, G2, () => eyLoss(h1, h2, m, o))).toBeLessThan(1e-6);
    });
  }

  for (const [m, o, c] of [[23, 5, 0], [10, 3, 2.71], [7, 6, 0.5]] as const) {
    it(`'sdl', m = ${m}, o = ${o}, running weight ${c}: value as defined, relative gradient error below 1e-6, statistics updated`, () => {
      const { h1, h2 } = views(m, o, m * 17 + o);
      const g = normal(99 + m);
      const acc = new Float64Array(2 * o * o);
      if (c > 0)
        for (let v = 0; v < 2; v++)
          for (let i = 0; i < o; i++)
            for (let j = 0; j <= i; j++) acc[v * o * o + i * o + j] = acc[v * o * o + j * o + i] = c * (i === j ? 1 : 0.3 * g());
      const stats = new SDLStatistics(o);
      stats.values.set(acc);
      stats.values[2 * o * o] = c;
      const before = stats.state;
      const obj = new SDLObjective(m, o, stats);
      obj.H1.data.set(h1);
      obj.H2.data.set(h2);
      const got = obj.evaluate();
      const want = sdlLoss(h1, h2, m, o, acc, c);
      expect(got).toBeCloseTo(want.corr, 10);
      expect(obj.loss).toBeCloseTo(want.loss, 10);
      // the batch joined the statistics: weight 0.9·c + 1
      expect(stats.values[2 * o * o]).toBeCloseTo(0.9 * c + 1, 14);
      const G1 = obj.G1.data.slice(), G2 = obj.G2.data.slice();
      // the same statistics again give the same values
      stats.state = before;
      obj.H1.data.set(h1);
      obj.H2.data.set(h2);
      expect(obj.evaluate()).toBe(got);
      expect(Array.from(obj.G1.data)).toEqual(Array.from(G1));
      obj.dispose();
      expect(relativeError(h1, h2, G1, G2, () => sdlLoss(h1, h2, m, o, acc, c).loss)).toBeLessThan(1e-6);
    });
  }
});

/** Two nonlinear views of a shared 2-d latent. */
function synthetic(n: number, seed: number) {
  const g = normal(seed);
  const X: number[][] = [], Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z1 = g(), z2 = g();
    X.push([Math.sin(z1), z1 * z2, Math.cos(z2), g()].map((v) => v + 0.1 * g()));
    Y.push([z1 ** 3, Math.tanh(z2), g()].map((v) => v + 0.1 * g()));
  }
  return { X, Y };
}

describe("DeepCCA with objective 'ey' / 'sdl'", () => {
  it("'ey' below the component count is finite; each objective's batch rule is a typed error naming options.batchSize / X with the batch it needs", async () => {
    const before = memoryStats().liveBytes;
    const { X, Y } = synthetic(60, 3);
    // 6 components on 8 output columns, batches of 5 rows (below the component count; odd halves of 2 and 3): finite
    const m = new DeepCCA({ components: 6, outputs: 8, hidden: [8], epochs: 3, batchSize: 5, objective: 'ey', seed: 1 });
    const h = await m.fit(X, Y);
    expect(h.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.losses.correlation))).toBe(true);
    expect(h[0]!.losses.loss).toBe(-h[0]!.losses.correlation);
    expect(h[0]!.batchSize).toBe(5);
    expect(m.correlations).toHaveLength(6);
    expect(Array.from(m.score(X, Y)).every(Number.isFinite)).toBe(true);
    await m.fit(X.slice(0, 4), Y.slice(0, 4));
    await expect(m.fit(X.slice(0, 3), Y.slice(0, 3))).rejects.toThrow(/X: expected at least 4 rows for objective 'ey'.*got 3 rows/);
    m.dispose();
    expect(() => new DeepCCA({ components: 4, batchSize: 3, objective: 'ey' })).toThrow(/batchSize: expected at least 4 rows for objective 'ey'/);
    expect(() => new DeepCCA({ components: 4, batchSize: 1, objective: 'sdl' })).toThrow(/batchSize: expected at least 2 rows for objective 'sdl'/);
    expect(() => new DeepCCA({ components: 4, batchSize: 7, objective: 'trace' })).toThrow(ValueError);
    expect(() => new DeepCCA({ components: 4, batchSize: 7, objective: 'squared' })).toThrow(/at least 2·outputs = 8 rows/);
    const s = new DeepCCA({ components: 3, hidden: [8], epochs: 2, batchSize: 2, objective: 'sdl', seed: 2 });
    const hs = await s.fit(X, Y);
    expect(hs.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.losses.correlation))).toBe(true);
    await expect(s.fit(X.slice(0, 1), Y.slice(0, 1))).rejects.toThrow(ShapeError);
    s.dispose();
    const t = new DeepCCA({ components: 3, hidden: [8], epochs: 1, batchSize: 8, seed: 2 });
    await expect(t.fit(X.slice(0, 5), Y.slice(0, 5))).rejects.toThrow(/X: expected at least 2·outputs = 6 rows/);
    t.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  for (const objective of ['ey', 'sdl'] as const) {
    it(`'${objective}': two warm-started fits of 4 epochs equal one of 8, bit for bit; an abort keeps the last epoch's state; files round-trip`, async () => {
      const { X, Y } = synthetic(240, 8);
      const opts = { components: 2, outputs: 3, hidden: [16], epochs: 4, batchSize: 40, objective, seed: 5 };
      const a = new DeepCCA(opts), b = new DeepCCA({ ...opts, epochs: 8 });
      await a.fit(X, Y);
      await a.fit(X, Y, { warmStart: true });
      await b.fit(X, Y);
      expect(a.history.map((e) => e.loss)).toEqual(b.history.map((e) => e.loss));
      const towers = (m: DeepCCA) => JSON.stringify([m.toJSON().towers, m.toJSON().cca]);
      expect(towers(a)).toBe(towers(b));
      // a warm fit aborted after its 2nd epoch, then 4 more warm epochs: as 10 straight (the statistics were kept with the weights)
      const c = new DeepCCA(opts);
      await c.fit(X, Y);
      const ctl = new AbortController();
      await expect(c.fit(X, Y, { warmStart: true, signal: ctl.signal, onEpoch: (e) => void (e.epoch === 6 && ctl.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
      expect(c.history).toHaveLength(6);
      await c.fit(X, Y, { warmStart: true });
      const d = new DeepCCA({ ...opts, epochs: 10 });
      await d.fit(X, Y);
      expect(c.history.map((e) => e.loss)).toEqual(d.history.map((e) => e.loss));
      expect(towers(c)).toBe(towers(d));
      const r = DeepCCA.fromJSON(JSON.stringify(a));
      expect(r.objective).toBe(objective);
      expect(Array.from(r.score(X, Y))).toEqual(Array.from(a.score(X, Y)));
      expect(Array.from(r.transform(X, null)[0]!.data)).toEqual(Array.from(a.transform(X, null)[0]!.data));
      for (const m of [a, b, c, d, r]) m.dispose();
    });
  }
});

describe("fromTorch with objective 'ey' / 'sdl'", () => {
  it('the final CCA is fitted on the read towers as for any objective; a warm start trains them on with the objective (new optimisers and statistics)', async () => {
    const g = normal(3);
    const lin = (nin: number, nout: number) => ({ weight: { shape: [nout, nin], data: Float32Array.from({ length: nin * nout }, () => 0.3 * g()) }, bias: { shape: [nout], data: Float32Array.from({ length: nout }, () => 0.1 * g()) } });
    const seq = (pre: string, widths: number[]) => Object.fromEntries(widths.slice(1).flatMap((w, i) => Object.entries(lin(widths[i]!, w)).map(([k, v]) => [`${pre}${2 * i}.${k}`, v])));
    const towers = { ...seq('x.', [4, 6, 3]), ...seq('y.', [3, 6, 3]) };
    const { X, Y } = synthetic(60, 9);
    const trace = DeepCCA.fromTorch(towers, { components: 2, data: [X, Y] });
    for (const objective of ['ey', 'sdl'] as const) {
      const m = DeepCCA.fromTorch(towers, { components: 2, data: [X, Y], objective, batchSize: 5, epochs: 2 });
      expect(m.objective).toBe(objective);
      expect(Array.from(m.score(X, Y))).toEqual(Array.from(trace.score(X, Y)));
      const h = await m.fit(X, Y, { warmStart: true });
      expect(h.every((e) => Number.isFinite(e.loss))).toBe(true);
      const r = DeepCCA.fromJSON(JSON.stringify(m));
      expect(Array.from(r.transform(X, Y)[1]!.data)).toEqual(Array.from(m.transform(X, Y)[1]!.data));
      r.dispose();
      m.dispose();
    }
    trace.dispose();
  });
});

describe("the digits 'ey' recipe (towers 256-256 leaky_relu, Adam 1e-3, 10 components, batch 100, 100 epochs)", () => {
  it("held-out sum of the 10 correlations ≥ 7.6 (seed 0); the 'trace' recipe at batch 500 gives 8.14", async () => {
    const t0 = performance.now();
    const m = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 100, epochs: 100, seed: 0, objective: 'ey' });
    const h = await m.fit(digits.left.slice(0, 1500), digits.right.slice(0, 1500));
    const held = sum(m.score(digits.left.slice(1500), digits.right.slice(1500)));
    console.log(`DeepCCA 'ey' batch 100 seed 0: held-out sum ${held.toFixed(4)}, training sum ${sum(m.correlations).toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(h).toHaveLength(100);
    expect(held).toBeGreaterThanOrEqual(7.6);
    m.dispose();
  });
});
