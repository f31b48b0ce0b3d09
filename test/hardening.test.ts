// Memory and isolation guarantees of the whole model API (issue 12): the peak of live wasm
// bytes of a CCA fit does not grow with the row count (rows stream through the co-moments a
// block at a time), fit/transform/dispose cycles of every model return the allocator to where
// it started, a model dropped without dispose() is reclaimed by the finalisation safety net,
// and two models trained interleaved give the bits of the same two trained one after the other.
// Out-of-memory is in test/init-bytes.test.ts (it needs its own, capped, instance).
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, metrics, nn, columns, parseCsv, CCA, PLSRegression, PLSCanonical, PLSSVD, SparseCCA, Classifier, ConditionalGAN, DeepCCA, GCCA, KernelCCA, MCCA, MLP, Matrix, MultimodalAutoencoder, MultimodalVAE, NonFiniteError, ValueError, FitRunningError, SourceError } from '../src/index.js';
import { readFileSync } from 'node:fs';
import { uniform } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** n×p Gaussian-ish rows with a shared latent so that CCA has something to find. */
function views(n: number, p: number, q: number, seed: number) {
  const u = uniform(seed);
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    const z = u() - 0.5;
    for (let j = 0; j < p; j++) X[i * p + j] = z * (j % 3) + u() - 0.5;
    for (let j = 0; j < q; j++) Y[i * q + j] = z * ((j + 1) % 2) + u() - 0.5;
  }
  return { X: { data: X, rows: n, cols: p }, Y: { data: Y, rows: n, cols: q } };
}

describe('a Tensor where a Matrix is expected (and back)', () => {
  it('is read through a copy, even when the destination grows the memory under its live view', async () => {
    const { Tensor } = await import('../src/index.js');
    const n = 3000, p = 700; // the f64 copy needs 16.8 MB more: memory grows while reading (this runs first, on a small memory)
    const t = Tensor.from({ data: Float32Array.from({ length: n * p }, (_, i) => (i % 97) / 97), rows: n, cols: p });
    const grown = memoryStats().memoryBytes;
    const m = Matrix.from(t as never, 'X');
    expect(memoryStats().memoryBytes).toBeGreaterThan(grown);
    expect(m.get(n - 1, p - 1)).toBeCloseTo(((n * p - 1) % 97) / 97, 6);
    const y = Tensor.from(Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(i * 3)]));
    const cca = new CCA({ components: 1, regularization: 1e-3 }).fit(t as never, y as never);
    expect(cca.correlations[0]).toBeGreaterThan(0);
    for (const x of [t, m, y, cca]) x.dispose();
  });
});

describe('memoryStats().peakLiveBytes', () => {
  it('tracks the most bytes live at once and restarts from the live bytes on resetPeak', () => {
    memoryStats({ resetPeak: true });
    const start = memoryStats();
    expect(start.peakLiveBytes).toBe(start.liveBytes);
    const a = Matrix.zeros(100, 100);
    a.dispose();
    const after = memoryStats({ resetPeak: true });
    expect(after.liveBytes).toBe(start.liveBytes);
    expect(after.peakLiveBytes).toBe(start.liveBytes + 80_000);
    expect(memoryStats().peakLiveBytes).toBe(start.liveBytes);
    expect(() => memoryStats({ resetPeak: 1 as unknown as boolean })).toThrow(/^memoryStats options\.resetPeak: expected true or false, got 1$|^options\.resetPeak: expected true or false, got 1$/);
    expect(() => memoryStats({ reset: true } as never)).toThrow(ValueError);
  });
});

describe('a CCA fit streams its rows through the co-moments', () => {
  it('peak live bytes are the same for 5000 and 25000 rows of p = q = 400, and the fit equals one on a Matrix', () => {
    const peaks: number[] = [];
    let small: Float64Array | null = null;
    for (const n of [5000, 25000]) {
      const { X, Y } = views(n, 400, 400, n);
      const before = memoryStats({ resetPeak: true }).liveBytes;
      const cca = new CCA({ components: 3, regularization: 1e-3 }).fit(X, Y);
      peaks.push(memoryStats().peakLiveBytes - before);
      if (n === 5000) {
        small = cca.correlations.slice();
        // the same rows handed in as one wasm Matrix (row-block views, no copy) fit the same
        const mx = Matrix.from(X), my = Matrix.from(Y);
        const again = new CCA({ components: 3, regularization: 1e-3 }).fit(mx, my);
        for (let k = 0; k < 3; k++) expect(again.correlations[k]).toBeCloseTo(small[k]!, 12);
        for (const m of [again, mx, my]) m.dispose();
      }
      cca.dispose();
    }
    // the input alone would be 2·n·400·8 bytes: 32 MB at 5000 rows, 160 MB at 25000
    expect(peaks[1]! / peaks[0]!).toBeGreaterThan(0.9);
    expect(peaks[1]! / peaks[0]!).toBeLessThan(1.1);
    expect(peaks[1]!).toBeLessThan(64 * 2 ** 20);
    expect(small).not.toBeNull();
  });

  it('streamed fit and partialFit equal the one-block fit to rounding, and a bad cell far down is named by its row', () => {
    const { X, Y } = views(3000, 3, 2, 5); // blockRows(3, 2) > 3000 rows: one block…
    const one = new CCA({ components: 2 }).fit(X, Y);
    const parts = new CCA({ components: 2 });
    for (let s = 0; s < 3000; s += 700) {
      const e = Math.min(3000, s + 700);
      parts.partialFit({ data: X.data.subarray(s * 3, e * 3), rows: e - s, cols: 3 }, { data: Y.data.subarray(s * 2, e * 2), rows: e - s, cols: 2 });
    }
    for (let k = 0; k < 2; k++) expect(parts.correlations[k]).toBeCloseTo(one.correlations[k]!, 12);
    // …and 400 + 400 columns stream in blocks of 1310 rows
    const wide = views(3000, 400, 400, 6), bad = wide.X.data.slice();
    bad[2900 * 400 + 17] = NaN;
    const before = memoryStats().liveBytes;
    const failed = new CCA({ components: 1 });
    expect(() => failed.fit({ ...wide.X, data: bad }, wide.Y)).toThrow(NonFiniteError);
    expect(() => failed.fit({ ...wide.X, data: bad }, wide.Y)).toThrow(/^X: .*\[2900\]\[17\]/);
    // a failed partialFit counts none of its rows: the earlier fit stays as it was
    const c0 = parts.correlations.slice();
    expect(() => parts.partialFit([[1, 2, 3], [4, 5, NaN]], [[1, 2], [3, 4]])).toThrow(NonFiniteError);
    expect(parts.nSamples).toBe(3000);
    expect(Array.from(parts.correlations)).toEqual(Array.from(c0));
    expect(memoryStats().liveBytes).toBe(before);
    for (const m of [one, parts, failed]) m.dispose();
  });
});

/** Awaits a running fit after checking that another fit started meanwhile is refused. */
async function warmAndRefused(running: Promise<unknown>, another: () => Promise<unknown>): Promise<void> {
  const refused = await another().then(() => null, (e: unknown) => e);
  if (!(refused instanceof FitRunningError)) throw new Error(`a second fit was not refused: ${String(refused)}`);
  await running;
}

describe('1,000 fit / use / dispose cycles of each model return the allocator to where it started', () => {
  const u = uniform(11);
  const x = Array.from({ length: 12 }, () => [u(), u(), u()]), y = x.map((r) => [r[0]! + u(), r[1]! - u()]);
  const labels = x.map((_, i) => i % 3), covariate = x.map(() => [u()]);
  // statistics of these rows as an SQL engine would give them (n, means, covariances by n − 1)
  const mean = (A: number[][]) => A[0]!.map((_, j) => A.reduce((t, r) => t + r[j]!, 0) / A.length);
  const cov = (A: number[][], B: number[][]) => mean(A).map((ma, i) => mean(B).map((mb, j) => A.reduce((t, r, k) => t + (r[i]! - ma) * (B[k]![j]! - mb), 0) / (A.length - 1)));
  const moments = { n: x.length, xMeans: mean(x), yMeans: mean(y), xx: cov(x, x), yy: cov(y, y), xy: cov(x, y) };
  let fm2: CCA | null = null; // made by the first (warm-up) cycle, kept for the rest
  // [name, cycle, repetitions (default 1000)]
  const cycles: [string, () => Promise<void> | void, number?][] = [
    ['CCA', () => {
      const m = new CCA({ components: 2 }).fit(x, y);
      m.transform(x, y);
      m.permutationTest(x, y, { permutations: 3, seed: 1, covariates: covariate });
      m.bootstrap(x, y, { resamples: 3, seed: 1 });
      m.dispose();
      CCA.crossValidate(x, y, { folds: 3, regularization: [1e-3, [0.1, 1]] });
      const cv = new CCA({ components: 2, regularization: 'cv', crossValidation: { folds: 3, regularization: [1e-2, 1] } }).fit(x, y);
      CCA.fromJSON(cv.toJSON()).dispose();
      cv.dispose();
      // unit-free 'auto' with scale: chunks, a file of statistics (Q, T, F), a shard, a bootstrap, a refused merge
      const au = new CCA({ components: 2, regularization: 'auto', scale: true }).partialFit(x.slice(0, 6), y.slice(0, 6));
      const shard = new CCA({ components: 2, regularization: 'auto' }).fit(x.slice(6), y.slice(6));
      const back = CCA.fromJSON(au.toJSON({ statistics: true })).merge(shard);
      void back.correlations;
      back.bootstrap(x, y, { resamples: 3, seed: 1 });
      const ridge = new CCA({ components: 2, regularization: 0.1 }).fit(x, y);
      try {
        back.merge(ridge);
      } catch {
        // refused: the ridge model keeps no fourth-order sums
      }
      for (const m of [au, shard, back, ridge]) m.dispose();
      const fm = CCA.fromMoments(moments, { components: 1, regularization: 1e-3 });
      fm2 ??= CCA.fromMoments(moments, { components: 1, regularization: 1e-3 });
      void fm.merge(fm2).correlations;
      CCA.fromJSON(fm.toJSON({ statistics: true })).dispose();
      fm.dispose();
    }],
    // partial CCA (covariates in chunks, a shard, a file of statistics), prediction and interpretation, and their refusals
    ['CCA covariates, predict, interpretation', () => {
      const p = new CCA({ components: 2, regularization: 0.01 }).partialFit(x.slice(0, 7), y.slice(0, 7), { covariates: covariate.slice(0, 7) });
      const shard = new CCA({ components: 2, regularization: 0.01 }).fit(x.slice(7), y.slice(7), { covariates: covariate.slice(7) });
      const back = CCA.fromJSON(p.toJSON({ statistics: true })).merge(shard);
      back.transform(x, y, { covariates: covariate });
      back.score(x, y, { covariates: covariate });
      back.predict(x, null, { covariates: covariate });
      back.inverseTransform(back.transform(x, null, { covariates: covariate })[0], null, { covariates: covariate });
      back.structureCorrelations(x, y, { covariates: covariate });
      void back.explainedVariance, back.redundancy, back.significance({ test: 'all' });
      for (const bad of [() => back.transform(x, y), () => back.predict(x, null, { covariates: covariate.slice(1) }), () => back.fit(x, y, covariate as never), () => back.inverseTransform([[1, 2, 3]])])
        try {
          bad();
        } catch {
          // refused, nothing kept
        }
      const auto = new CCA({ components: 2, regularization: 'auto' }).fit(x, y, { covariates: covariate });
      auto.predict(null, y, { covariates: covariate });
      for (const m of [p, shard, back, auto]) m.dispose();
    }, 300],
    // columns and parseCsv allocate no wasm (plain Float64Arrays); a fit on what they read, and their refusals, leave nothing behind
    ['columns / parseCsv', () => {
      const csv = parseCsv(['a,b,c,d,e', ...x.map((r, i) => [...r, ...y[i]!].join(','))].join('\n'));
      const m = new CCA({ components: 2, regularization: 'auto', scale: true }).fit(columns(csv, ['a', 'b', 'c']), columns(x.map((r) => ({ a: r[0], b: r[1], c: r[2] })), ['a', 'b']));
      m.transform(columns({ a: x.map((r) => r[0]!), b: x.map((r) => r[1]!), c: x.map((r) => r[2]!) }, ['a', 'b', 'c']), null);
      m.dispose();
      for (const bad of [() => parseCsv('a,b\n1,x'), () => columns(csv, ['z']), () => new CCA().fit(x.map((r) => ({ a: r[0] })) as never, y)])
        try {
          bad();
        } catch {
          // a ValueError or ShapeError
        }
    }],
    ['MCCA', () => {
      const m = new MCCA({ components: 2, regularization: 1e-3 }).fit([x, y, x]);
      m.transform([x, null, x]);
      m.dispose();
      MCCA.crossValidate([x, y, x], { folds: 3, regularization: [1e-3, [1e-3, 0.1, 1e-2]] });
      // scale: a fit and its file
      const scaled = new MCCA({ components: 2, regularization: 1e-3, scale: true }).fit([x, y, x]);
      const back = MCCA.fromJSON(scaled.toJSON());
      back.transform([x, null, null]);
      // prediction and interpretation (issue 35), and their refusals
      back.predict([x, null, null]);
      back.inverseTransform(back.transform([null, y, null]));
      back.structureCorrelations([x, y, x]);
      void back.explainedVariance, back.redundancy(0, 1);
      for (const bad of [() => back.predict([x, y, x]), () => back.predict([x.slice(1), null, x]), () => back.inverseTransform([[[1, 2, 3]], null, null]), () => back.structureCorrelations([x, y, x.slice(1)])])
        try {
          bad();
        } catch {
          // refused, nothing kept
        }
      back.dispose();
      scaled.dispose();
      MCCA.fromMoments({ n: moments.n, means: [moments.xMeans, moments.yMeans, moments.xMeans], blocks: [[moments.xx, moments.xy, moments.xx], [null, moments.yy, cov(y, x)], [null, null, moments.xx]] }, { components: 1, regularization: 1e-3 }).dispose();
      void GCCA.fromMoments({ n: moments.n, means: [moments.xMeans, moments.yMeans], blocks: [[moments.xx, moments.xy], [null, moments.yy]] }, { components: 1, regularization: 1e-3 }).dispose();
    }],
    ['GCCA', () => {
      const m = new GCCA({ components: 2, regularization: 1e-3 }).fit([x, y, x]);
      m.shared([x, y, null]);
      m.dispose();
      const scaled = new GCCA({ components: 1, regularization: 1e-3, scale: true }).partialFit([x, y, x]);
      const back = GCCA.fromJSON(scaled.toJSON());
      back.shared([x, null, x]);
      back.predict([x, null, x]);
      back.dispose();
      scaled.dispose();
    }],
    ['PLS (regression, canonical, SVD)', () => {
      const r = new PLSRegression({ components: 2 }).partialFit(x.slice(0, 6), y.slice(0, 6));
      const other = new PLSRegression({ components: 2 }).fit(x.slice(6), y.slice(6));
      const back = PLSRegression.fromJSON(r.toJSON({ statistics: true })).merge(other);
      back.predict(x);
      back.score(x, y);
      back.transform(x, y);
      try {
        back.fit(x, y.slice(1)); // refused: Y has a row fewer
      } catch {
        // the earlier fit stays
      }
      const c = new PLSCanonical({ components: 1 }).fit(x, y), s = new PLSSVD({ components: 2 }).fit(x, y);
      c.transform(x, y);
      PLSSVD.fromJSON(s.toJSON()).dispose();
      for (const m of [r, other, back, c, s]) m.dispose();
    }],
    // chunks, a file with statistics merged with a shard, transform / score, a refused fit, the two penalty selections
    ['SparseCCA', () => {
      const r = new SparseCCA({ components: 2, penalty: [0.7, 0.8] }).partialFit(x.slice(0, 6), y.slice(0, 6));
      const other = new SparseCCA({ components: 2, penalty: [0.7, 0.8] }).fit(x.slice(6), y.slice(6));
      const back = SparseCCA.fromJSON(r.toJSON({ statistics: true })).merge(other);
      back.transform(x, y);
      back.score(x, y);
      back.fit(x, y);
      try {
        back.fit(x.map((row) => [row[0]!]), y); // refused: 2 components of a 1-column X
      } catch {
        // the earlier fit stays
      }
      const d = new SparseCCA({ scale: false }).fit(x, y);
      SparseCCA.fromJSON(d.toJSON()).dispose();
      d.dispose();
      SparseCCA.permute(x, y, { penalties: [0.8, 1], permutations: 2 });
      SparseCCA.crossValidate(x, y, { penalties: [[0.7, 0.8]], folds: 2, components: 2 });
      for (const m of [r, other, back]) m.dispose();
    }, 200],
    ['KernelCCA', () => {
      const m = new KernelCCA({ components: 2 }).fit(x, y);
      m.transform(x, null);
      // issue 35: structure correlations, the shares of an exact fit, and predict refused
      m.structureCorrelations(x, y);
      void m.explainedVariance, m.redundancy;
      try {
        m.predict(x);
      } catch {
        // an UnsupportedError
      }
      KernelCCA.fromJSON(m.toJSON()).dispose();
      m.dispose();
      const nys = new KernelCCA({ components: 2, kernel: 'polynomial', degree: 2, approximation: { nystrom: 6, seed: 1 } }).fit(x, y);
      nys.score(x, y);
      nys.structureCorrelations(x, y);
      try {
        void nys.explainedVariance; // refused: a Nyström fit keeps only its landmarks
      } catch {
        // an UnsupportedError
      }
      nys.dispose();
      // scale with a given γ, its file, and a transform refused midway (standardised rows that overflow)
      const given = new KernelCCA({ components: 2, gamma: 0.5, scale: true }).fit(x, y);
      const back = KernelCCA.fromJSON(given.toJSON());
      back.transform(null, y);
      back.dispose();
      try {
        given.transform([[1e308, 0, 0], [-1e308, 0, 0]]);
      } catch {
        // an OverflowError naming X
      }
      given.dispose();
    }],
    // each neural cycle: a fit, a warm-started one with a second fit refused while it runs, another optimiser and clipping
    ['DeepCCA', async () => {
      const m = new DeepCCA({ components: 1, hidden: [3], epochs: 1, batchSize: 12, seed: 1, optimizer: 'adamw', maxGradNorm: 1 });
      await m.fit(x, y);
      await warmAndRefused(m.fit(x, y, { warmStart: true }), () => m.fit(x, y));
      m.transform(x, y);
      m.dispose();
    }],
    // objectives 'ey' and 'sdl' (issue 36): batches below 2·outputs, the 'sdl' running statistics warm-started with the optimisers, files read back
    ['DeepCCA ey / sdl', async () => {
      for (const objective of ['ey', 'sdl'] as const) {
        const m = new DeepCCA({ components: 1, outputs: 3, hidden: [3], epochs: 1, batchSize: 5, seed: 1, objective, maxGradNorm: 1 });
        await m.fit(x, y);
        await warmAndRefused(m.fit(x, y, { warmStart: true }), () => m.fit(x, y));
        const r = DeepCCA.fromJSON(m.toJSON());
        r.transform(x, y);
        r.dispose();
        m.dispose();
      }
    }, 400],
    // DCCAE (issue 36): the decoders trained, warm-started, read back and used from each view alone
    ['DeepCCA with reconstruction', async () => {
      const m = new DeepCCA({ components: 1, hidden: [3], epochs: 1, batchSize: 12, seed: 1, scale: true, maxGradNorm: 1, reconstruction: { hidden: [2], weight: 0.5 } });
      await m.fit(x, y);
      await warmAndRefused(m.fit(x, y, { warmStart: true }), () => m.fit(x, y));
      m.reconstruct([x, null]);
      m.reconstruct([null, y]);
      const r = DeepCCA.fromJSON(m.toJSON());
      r.reconstruct([x, y]);
      r.dispose();
      m.dispose();
    }, 400],
    // DeepCCA from a source (issue 37): the shuffle buffer, the statistics pass and the streamed final CCA,
    // a warm start with a second fit refused; a source that throws mid-epoch and one with a ragged row
    // (SourceErrors: the previous fit kept) free what they took
    ['DeepCCA from a source', async () => {
      const src = () => (function* () {
        for (let i = 0; i < x.length; i += 5) yield [x.slice(i, i + 5), y.slice(i, i + 5)] as const;
      })();
      const m = new DeepCCA({ components: 1, hidden: [3], epochs: 1, batchSize: 6, seed: 1, scale: true, maxGradNorm: 1, objective: 'ey' });
      await m.fit(src, { shuffleBuffer: 7 });
      await warmAndRefused(m.fit(src, { warmStart: true, shuffleBuffer: 7 }), () => m.fit(src));
      const throws = () => (function* () {
        yield [x.slice(0, 6), y.slice(0, 6)] as const;
        throw new Error('disk gone');
      })();
      const ragged = () => [[x.slice(0, 6), y.slice(0, 6)], [[...x.slice(6, 9), [1]], y.slice(6, 10)]] as const;
      for (const bad of [throws, ragged]) {
        const e = await m.fit(bad as never, { shuffleBuffer: 3 }).then(() => null, (e: unknown) => e);
        if (!(e instanceof SourceError)) throw new Error(`a failing source gave ${String(e)}`);
      }
      // a validation source, and one that throws after epoch 1 (the previous fit kept)
      await m.fit(src, { validation: { source: src } });
      const v = await m.fit(src, { validation: { source: throws as never } }).then(() => null, (e: unknown) => e);
      if (!(v instanceof SourceError)) throw new Error(`a failing validation source gave ${String(v)}`);
      m.transform(x, y);
      m.dispose();
    }, 200],
    // the autoencoder, the VAE, the cGAN and the Classifier from a source (issue 37): a fit through the shuffle buffer
    // and a source that throws mid-epoch (a SourceError, the previous fit kept) free what they took
    ['other neural models from a source', async () => {
      const chunks = (a: readonly unknown[], b: readonly unknown[]) => () => (function* () {
        for (let i = 0; i < a.length; i += 5) yield [a.slice(i, i + 5), b.slice(i, i + 5)] as const;
      })();
      const broken = (a: readonly unknown[], b: readonly unknown[]) => () => (function* () {
        yield [a.slice(0, 6), b.slice(0, 6)] as const;
        throw new Error('disk gone');
      })();
      const ae = new MultimodalAutoencoder({ hidden: [3], code: 2, epochs: 1, batchSize: 6, seed: 1, outputActivation: 'identity' });
      const gan = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 6, seed: 1 });
      const clf = new Classifier({ layers: [3, 4, 3], epochs: 1, batchSize: 6, seed: 1 });
      const vae = new MultimodalVAE({ latent: 2, hidden: [3], likelihood: ['bernoulli', 'gaussian'], epochs: 1, batchSize: 6, seed: 1 });
      const fits: [{ fit(s: never, o: object): Promise<unknown>; dispose(): void }, () => unknown, () => unknown][] = [
        [ae as never, chunks(x, y), broken(x, y)],
        [vae as never, chunks(x, y.map((r, i) => (i % 4 === 0 ? null : r))), broken(x, y)],
        [gan as never, chunks(x, y), broken(x, y)],
        [clf as never, chunks(x, labels), broken(x, labels)],
      ];
      for (const [m, good, bad] of fits) {
        await m.fit(good as never, { shuffleBuffer: 7 });
        const e = await m.fit(bad as never, { shuffleBuffer: 3 }).then(() => null, (err: unknown) => err);
        if (!(e instanceof SourceError)) throw new Error(`a failing source gave ${String(e)}`);
        m.dispose();
      }
      // missing modalities (null rows) with the statistics' passes, and a validation source that fails after epoch 1
      const ys = y.map((r, i) => (i % 4 === 0 ? null : r));
      const sae = new MultimodalAutoencoder({ hidden: [3], code: 2, epochs: 1, batchSize: 6, seed: 1, outputActivation: 'identity', scale: true });
      await sae.fit(chunks(x, ys) as never, { shuffleBuffer: 7, validation: { source: chunks(x, ys) as never } });
      const v = await sae.fit(chunks(x, ys) as never, { validation: { source: broken(x, ys) as never } }).then(() => null, (err: unknown) => err);
      if (!(v instanceof SourceError)) throw new Error(`a failing validation source gave ${String(v)}`);
      sae.dispose();
    }, 200],
    ['MultimodalAutoencoder', async () => {
      const m = new MultimodalAutoencoder({ hidden: [3], code: 2, epochs: 1, batchSize: 12, seed: 1, optimizer: 'sgd', maxGradNorm: 1, outputActivation: 'identity' }); // y is not in [0, 1]
      await m.fit([x, y]);
      await warmAndRefused(m.fit([x, y], { warmStart: true }), () => m.fit([x, y]));
      m.reconstruct([x, null]);
      m.dispose();
    }],
    // the multimodal VAE (issue 38): a Bernoulli view (x in [0, 1)) and a Gaussian one of learned scale, a null
    // row; warm-started with a second fit refused, every inference method, the file, and fits that throw (a
    // callback, cold and warm; y as a Bernoulli view: a ValueError), each keeping the previous fit
    ['MultimodalVAE', async () => {
      const ys = y.map((r, i) => (i === 4 ? null : r));
      const m = new MultimodalVAE({ fusion: 'mopoe', latent: 2, hidden: [3], likelihood: ['bernoulli', 'gaussian'], epochs: 1, batchSize: 6, seed: 1, maxGradNorm: 1 });
      await m.fit([x, ys]);
      await warmAndRefused(m.fit([x, ys], { warmStart: true }), () => m.fit([x, ys]));
      m.encode([x, null]);
      m.reconstruct([null, y]);
      m.sample([x, null], { seed: 1, samples: 2 });
      m.sample(3);
      m.logLikelihood([x, ys], { samples: 4 });
      m.evaluate([x, y]);
      const r = MultimodalVAE.fromJSON(m.toJSON());
      r.logLikelihood([x, null], { samples: 2 });
      r.dispose();
      const stop = { onEpoch: () => { throw new Error('stop'); } };
      for (const bad of [() => m.fit([x, y], stop), () => m.fit([x, y], { ...stop, warmStart: true }), () => m.fit([y, x]), () => m.fit([x, y.slice(1)])]) {
        const e = await bad().then(() => null, (err: unknown) => err);
        if (!(e instanceof Error)) throw new Error('a fit that should throw resolved');
      }
      m.reconstruct([x, null]);
      m.dispose();
    }, 400],
    ['ConditionalGAN', async () => {
      const m = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 12, seed: 1, optimizer: 'adamw', weightDecay: 1e-2, maxGradNorm: 1 });
      await m.fit(x, y);
      await warmAndRefused(m.fit(x, y, { warmStart: true }), () => m.fit(x, y));
      m.generate(y, { seed: 1 });
      m.dispose();
    }],
    // the stabilisers of issue 39 together: the moving average, hinge, TTUR, spectral normalisation, the projection discriminator
    ['ConditionalGAN, stabilised', async () => {
      const m = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 12, seed: 1, maxGradNorm: 1, ema: 0.9, loss: 'hinge', discriminatorLearningRate: 4e-4, spectralNorm: true, discriminator: 'projection' });
      await m.fit(x, y);
      await warmAndRefused(m.fit(x, y, { warmStart: true }), () => m.fit(x, y));
      m.generate(y, { seed: 1 });
      ConditionalGAN.fromJSON(m.toJSON()).dispose();
      const e = await m.fit(x, y, { onEpoch: () => { throw new Error('stop'); } }).then(() => null, (err: unknown) => err);
      if (!(e instanceof Error)) throw new Error('a fit that should throw resolved');
      m.dispose();
    }],
    // scale: true: the scaler computed, kept through a warm start, applied and undone
    ['neural models, scale: true', async () => {
      const d = new DeepCCA({ components: 1, hidden: [3], epochs: 1, batchSize: 12, seed: 1, scale: true });
      await d.fit(x, y);
      await warmAndRefused(d.fit(x, y, { warmStart: true }), () => d.fit(x, y));
      d.transform(x, y);
      d.dispose();
      const a = new MultimodalAutoencoder({ hidden: [3], code: 2, epochs: 1, batchSize: 12, seed: 1, scale: true });
      await a.fit([x, y]);
      await warmAndRefused(a.fit([x, y], { warmStart: true }), () => a.fit([x, y]));
      a.reconstruct([x, null]);
      MultimodalAutoencoder.fromJSON(a.toJSON()).dispose();
      a.dispose();
      const g = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 12, seed: 1, scale: true });
      await g.fit(y, x);
      await warmAndRefused(g.fit(y, x, { warmStart: true }), () => g.fit(y, x));
      g.generate(x, { seed: 1 });
      ConditionalGAN.fromJSON(g.toJSON()).dispose();
      g.dispose();
      const v = new MultimodalVAE({ latent: 2, hidden: [3], likelihood: 'gaussian', epochs: 1, batchSize: 12, seed: 1, scale: true, maxGradNorm: 1 });
      await v.fit([x, y]);
      await warmAndRefused(v.fit([x, y], { warmStart: true }), () => v.fit([x, y]));
      v.reconstruct([x, null]);
      v.logLikelihood([x, y], { samples: 3 });
      MultimodalVAE.fromJSON(v.toJSON()).dispose();
      v.dispose();
    }],
    ['PyTorch loaders (readSafetensors, MLP / DeepCCA / autoencoder / cGAN fromTorch)', () => {
      const read = (name: string) => nn.readSafetensors(readFileSync(new URL(`./fixtures/torch/${name}.safetensors`, import.meta.url)));
      const deep = JSON.parse(readFileSync(new URL('./fixtures/torch/deepcca.json', import.meta.url), 'utf8'));
      const net = MLP.fromTorch(read('readme'), { activation: 'tanh' });
      net.predict([[0.5, -1]]);
      net.dispose();
      const d = DeepCCA.fromTorch(read('deepcca'), { data: deep.data, finalRegularization: 1e-3 });
      d.transform(deep.heldOut[0], null);
      d.dispose();
      const ae = MultimodalAutoencoder.fromTorch(read('autoencoder'), { outputActivation: ['sigmoid', 'identity', 'tanh'] });
      ae.dispose();
      const g = ConditionalGAN.fromTorch(read('cgan'));
      g.dispose();
      try {
        MLP.fromTorch(read('cgan'));
      } catch {
        // refused (no Linear chain at the root): what a failed load leaves behind is what this cycle measures
      }
    }],
    ['Classifier', async () => {
      const m = new Classifier({ layers: [3, 4, 3], epochs: 1, batchSize: 12, seed: 1 });
      await m.fit(x, labels);
      m.predict(x);
      m.dispose();
      const h = new Classifier({ hidden: [4], epochs: 1, batchSize: 12, seed: 1, optimizer: 'sgd', maxGradNorm: 1 });
      await h.fit(x, labels);
      await warmAndRefused(h.fit(x, labels, { warmStart: true }), () => h.fit(x, labels));
      Classifier.fromJSON(h.toJSON()).dispose();
      h.dispose();
    }],
    // retrieval (issue 40): the metric paired and by labels, both metrics, refused calls, and each model's retrieve
    ['retrieval (metrics.retrieval; retrieve on CCA, KernelCCA, DeepCCA, MultimodalVAE)', async () => {
      metrics.retrieval(x, x, { k: [1, 3], relevance: labels });
      metrics.retrieval(x.slice(0, 5), x, { k: 2, metric: 'euclidean' });
      for (const bad of [() => metrics.retrieval(x, y), () => metrics.retrieval(x, x, { k: 13 }), () => metrics.retrieval(x, x.map((r, i) => (i === 7 ? [0, 0, 0] : r)))]) {
        try {
          bad();
        } catch {
          // refused (widths, k, a zero row for the cosine): what a failed call leaves behind is what this cycle measures
        }
      }
      const c = new CCA({ components: 2 }).fit(x, y);
      c.retrieve(x, y, { k: 3 });
      c.retrieve(y, x, { k: 2, from: 'y', metric: 'euclidean' });
      try {
        c.retrieve(y, y);
      } catch {
        // the query's widths: refused
      }
      c.dispose();
      const k = new KernelCCA({ components: 1 }).fit(x, y);
      k.retrieve(x, y, { k: 2 });
      k.dispose();
      const d = new DeepCCA({ components: 1, hidden: [3], epochs: 1, batchSize: 12, seed: 1 });
      await d.fit(x, y);
      d.retrieve(x, y, { k: 2 });
      d.dispose();
      const v = new MultimodalVAE({ latent: 2, hidden: [3], likelihood: 'gaussian', epochs: 1, batchSize: 12, seed: 1 });
      await v.fit([x, y]);
      v.retrieve(y, x, { k: 2, from: 'y' });
      v.dispose();
    }, 300],
    // missing 'drop' (issue 33): a fit of every model on rows with holes, and one where every row has one (refused)
    ['missing: drop (every model)', async () => {
      const xh = x.map((r, i) => (i === 2 ? [r[0]!, NaN, r[2]!] : r)), yh = y.map((r, i) => (i === 5 ? [null, r[1]!] : r)) as number[][];
      const o = { missing: 'drop' as const };
      new CCA({ components: 1, ...o }).fit(xh, yh).partialFit(xh, yh).dispose();
      new MCCA({ components: 1, ...o }).fit([xh, yh, covariate]).dispose();
      new GCCA({ components: 1, ...o }).fit([xh, yh]).dispose();
      new KernelCCA({ components: 1, ...o }).fit(xh, yh).dispose();
      try {
        new CCA(o).fit(xh.map((r) => [NaN, ...r.slice(1)]), yh);
      } catch {
        // every row dropped: a ShapeError
      }
      const nets = { hidden: [3], epochs: 1, batchSize: 12, seed: 1, ...o };
      for (const [m, fit] of [
        [new DeepCCA({ components: 1, ...nets }), (m: DeepCCA) => m.fit(xh, yh)],
        [new MultimodalAutoencoder({ code: 2, outputActivation: 'identity', ...nets }), (m: MultimodalAutoencoder) => m.fit([xh, yh])],
        [new ConditionalGAN({ noise: 2, ...nets }), (m: ConditionalGAN) => m.fit(xh, yh)],
        [new Classifier(nets), (m: Classifier) => m.fit(xh, labels)],
        [new MultimodalVAE({ latent: 2, likelihood: 'gaussian', ...nets }), (m: MultimodalVAE) => m.fit([xh, yh])],
      ] as [{ dispose(): void }, (m: never) => Promise<unknown>][]) {
        await fit(m as never);
        m.dispose();
      }
    }, 200], // nine models a cycle: 200 cycles are 1,800 fits, and a leak of a byte a fit shows
  ];
  for (const [name, cycle, repetitions = 1000] of cycles)
    it(name, async () => {
      await cycle(); // first use may set up lasting state (none expected, but not this test's claim)
      const before = memoryStats();
      for (let i = 0; i < repetitions; i++) await cycle();
      const after = memoryStats();
      expect(after.liveBytes).toBe(before.liveBytes);
      expect(after.liveBlocks).toBe(before.liveBlocks);
    });
});

describe('the finalisation safety net', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  it.skipIf(!gc)('reclaims a model dropped without dispose() (run with --expose-gc)', async () => {
    const collect = async () => {
      for (let i = 0; i < 5; i++) {
        gc!();
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await collect(); // what earlier tests dropped goes first
    const before = memoryStats().liveBytes;
    await (async () => {
      const m = new MultimodalAutoencoder({ hidden: [64], code: 8, epochs: 1, batchSize: 20, seed: 2, outputActivation: 'identity' }); // counts, not in [0, 1]
      const rows = Array.from({ length: 40 }, (_, i) => [i % 7, i % 5, i % 3]);
      await m.fit([rows, rows]);
      const c = new CCA({ components: 1 }).fit(rows, rows.map((r) => [r[0]! + r[1]!]));
      expect(memoryStats().liveBytes).toBeGreaterThan(before + 64 * 3 * 4);
      void c;
    })();
    for (let i = 0; i < 50 && memoryStats().liveBytes !== before; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('concurrency: two models trained interleaved in one module', () => {
  it('give the bits of the same two trained one after the other', async () => {
    const u = uniform(21);
    const x = Array.from({ length: 60 }, () => [u(), u(), u(), u()]), c = x.map((r) => [r[0]! > 0.5 ? 1 : 0, r[1]!]);
    const make = () => [
      new ConditionalGAN({ noise: 3, hidden: [8], epochs: 6, batchSize: 16, seed: 4 }),
      new MultimodalAutoencoder({ hidden: [8], code: 3, epochs: 6, batchSize: 16, seed: 5 }),
    ] as const;
    const out = (g: ConditionalGAN, a: MultimodalAutoencoder) => [Array.from(g.generate(c, { seed: 1 }).data), Array.from(a.reconstruct([x, null])[1]!.data)];
    const [g1, a1] = make();
    await g1.fit(x, c);
    await a1.fit([x, c]);
    const sequential = out(g1, a1);
    // each epoch ends by handing the event loop over, so the two fits take turns
    const order: string[] = [];
    const turn = (who: string) => ({ onEpoch: async () => { order.push(who); await new Promise((r) => setTimeout(r, 0)); } });
    const [g2, a2] = make();
    await Promise.all([g2.fit(x, c, turn('g')), a2.fit([x, c], turn('a'))]);
    expect(order.slice(0, 4).sort()).toEqual(['a', 'a', 'g', 'g']); // they did interleave
    expect(out(g2, a2)).toEqual(sequential);
    for (const m of [g1, a1, g2, a2]) m.dispose();
  });
});

describe('f32 inputs (the neural models)', () => {
  it('a finite value beyond the float32 range is a typed error naming its cell, on every path into a Tensor', async () => {
    const { Tensor } = await import('../src/index.js');
    expect(() => Tensor.from([[1, 2], [3, 1e300]], 'x')).toThrow(/^x\[1\]\[1\]: expected a number within the float32 range \(\|x\| ≤ 3\.4028e38\), got 1e\+300$/);
    expect(() => Tensor.from({ data: [-1e39, 0], rows: 1, cols: 2 }, 'x')).toThrow(ValueError);
    const m = Matrix.from([[0, 5e38]]);
    expect(() => Tensor.from(m, 'x')).toThrow(/^x\[0\]\[1\]: expected a number within the float32 range/);
    m.dispose();
    const before = memoryStats().liveBytes;
    const gan = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 4 });
    await expect(gan.fit([[1], [2], [3], [4]], [[0], [1], [0], [1e40]])).rejects.toThrow(/^c\[3\]\[0\]: expected a number within the float32 range/);
    gan.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('errors from inside a computation name the arguments it was computing from', () => {
  it('a decomposition that gives up inside a metric says which arguments', async () => {
    const { finiteAs } = await import('../src/wasm/index.js');
    const { ConvergenceError } = await import('../src/index.js');
    const fail = () => {
      throw new ConvergenceError('eigh: the QL iteration did not converge (code 1) for a 3×3 matrix');
    };
    expect(() => finiteAs(['a', 'b'], fail)).toThrow(/^a, b: eigh: the QL iteration did not converge/);
    expect(() => finiteAs(['a', 'b'], () => finiteAs(['a', 'b'], fail))).toThrow(/^a, b: eigh: the QL/); // not twice
  });

  it('the Fréchet distance of a rank-1 class of 257 integer columns (the fuzz case that broke eigh) is 0 to itself', async () => {
    const { metrics } = await import('../src/index.js');
    const { readFileSync } = await import('node:fs');
    const { rows } = JSON.parse(readFileSync(new URL('./fixtures/fd-rank1-257.json', import.meta.url), 'utf8')) as { rows: number[][] };
    // its covariance has rank 1; the rounding noise of √S·S·√S reached 1e-160 in the tridiagonalisation
    expect(Math.abs(metrics.frechetDistance(rows, rows))).toBeLessThan(1e-6);
  });
});
