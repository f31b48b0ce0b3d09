// MultimodalAutoencoder: gradients of the whole fused graph against finite differences of an
// independent f64 forward (test/reference/), modality dropout's distribution, a synthetic
// cross-modal check against ridge regression written here from the normal equations, bad
// input, the training contract, files, and the digits recipe against scikit-learn baselines
// (test/fixtures/autoencoder-baselines.json, from scripts/reference/autoencoder_baselines.py).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, Classifier, MultimodalAutoencoder, FormatError, NotFittedError, ShapeError, ValueError, DisposedError, Tensor } from '../src/index.js';
import * as W from '../src/wasm/index.js';
import { digits, normal, uniform } from './helpers.js';
import * as ref from './reference/nn_f64.js';
import { Params, concat64, flat, gradientError } from './reference/graph_f64.js';

beforeAll(async () => {
  await init();
});

const baselines = JSON.parse(readFileSync(new URL('./fixtures/autoencoder-baselines.json', import.meta.url), 'utf8')) as Record<'halves' | 'bands', { given: number; target: number; ridge: number; mean: number }[]>;

function rows(n: number, d: number, seed: number, lo = 0, hi = 1): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => lo + (hi - lo) * u()));
}

/** Mean over the rows with present[i] of the squared error (f64). */
function maskedMse64(yhat: Float64Array, y: Float64Array, present: number[], d: number): number {
  let s = 0, c = 0;
  present.forEach((p, i) => {
    if (!p) return;
    for (let k = 0; k < d; k++) s += (yhat[i * d + k]! - y[i * d + k]!) ** 2;
    c += d;
  });
  return c ? s / c : 0;
}

describe('gradients of the whole fused network match finite differences of an f64 forward', () => {
  for (const m of [2, 3]) {
    it(`m = ${m}: through the fusion layer into each encoder, with and without masked modalities`, async () => {
      const n = 6, widths = [3, 4, 2].slice(0, m), weights = [1, 0.5, 2].slice(0, m);
      const ae = new MultimodalAutoencoder({
        hidden: widths.map((_, j) => [4 + j]),
        code: 3,
        decoderHidden: [5],
        activation: 'tanh',
        outputActivation: (['sigmoid', 'identity', 'tanh'] as const).slice(0, m),
        lossWeights: weights,
        epochs: 1,
        batchSize: n,
        seed: 7,
      });
      const xs = widths.map((d, j) => rows(n, d, 10 + j));
      await ae.fit(xs);
      // modality 1 is missing from the data in row 2 (a null row): it leaves the loss there
      const views = xs.map((x, j) => (j === 1 ? x.map((r, i) => (i === 2 ? null : r)) : x));
      const present = Array.from({ length: n }, (_, i) => widths.map((_, j) => (j === 1 && i === 2 ? 0 : 1)));
      const masks = {
        'every modality given': present,
        'some modalities masked': present.map((r, i) => r.map((v, j) => (i % m === j ? v : i % 2 ? 0 : v))).map((r) => (r.some(Boolean) ? r : r.map((_, j) => (j === 0 ? 1 : 0)))),
      };
      const nets = new Params(ae._networks());
      const hidden = widths.map((_, j) => 4 + j);
      for (const [label, gates] of Object.entries(masks)) {
        const losses = ae._backpropagate(views, gates);
        const inputs = xs.map((x, j) => flat(x.map((r, i) => (present[i]![j] ? r : r.map(() => 0)))));
        const loss64 = (p: Float64Array) => {
          const enc = widths.map((_, j) => nets.forward(j, p, inputs[j]!, n));
          const f = concat64([...enc, flat(gates)], [...hidden, m], n, gates);
          const t = nets.forward(m + 1, p, nets.forward(m, p, f, n), n);
          return widths.reduce((s, d, j) => s + weights[j]! * maskedMse64(nets.forward(m + 2 + j, p, t, n), flat(xs[j]!), present.map((r) => r[j]!), d), 0);
        };
        expect(Math.abs(losses.loss! - loss64(nets.values()))).toBeLessThan(1e-5);
        const err = gradientError(loss64, nets.values(), nets.gradients());
        console.log(`autoencoder m = ${m}, ${label}: worst relative gradient error ${err.toExponential(2)} over ${nets.size} parameters`);
        expect(err).toBeLessThan(2e-4);
      }
      // a masked modality's encoder gets no gradient from rows where it is masked: all masked → zero
      ae._backpropagate(views, present.map((r) => r.map((_, j) => (j === 0 ? 1 : 0))));
      expect(ae._networks()[1]!.gradients.every((g) => g === 0)).toBe(true);
      expect(ae._networks()[0]!.gradients.some((g) => g !== 0)).toBe(true);
      ae.dispose();
    });
  }
});

describe('modality dropout', () => {
  it('removes a uniformly random non-empty proper subset of the present modalities with probability p', () => {
    const n = 30000;
    for (const [m, p] of [[2, 2 / 3], [3, 0.5]] as const) {
      const present = Tensor.from({ data: new Float32Array(n * m).fill(1).map((_, i) => (Math.floor(i / m) % 10 === 9 && i % m !== 0 ? 0 : 1)), rows: n, cols: m });
      const gates = Tensor.zeros(n, m), rng = W.Rng.create(3);
      W.modalityDropout(gates, present, p, rng);
      const g = gates.toArray(), pr = present.toArray();
      const counts = new Map<string, number>();
      let full = 0;
      g.forEach((r, i) => {
        expect(r.every((v, j) => v <= pr[i]![j]!)).toBe(true); // never adds a modality
        expect(r.some((v) => v === 1)).toBe(true); // never removes them all
        if (pr[i]!.filter(Boolean).length < 2) expect(r).toEqual(pr[i]); // one present: kept
        else {
          const key = r.join('');
          counts.set(key, (counts.get(key) ?? 0) + 1);
          if (r.every((v) => v === 1)) full++;
        }
      });
      const eligible = [...counts.values()].reduce((s, c) => s + c, 0);
      // kept whole with probability 1 − p; each of the 2^m − 2 proper subsets p/(2^m − 2)
      expect(Math.abs(full / eligible - (1 - p))).toBeLessThan(0.015);
      for (const [key, c] of counts) if (key !== '1'.repeat(m)) expect(Math.abs(c / eligible - p / (2 ** m - 2))).toBeLessThan(0.015);
      expect(counts.size).toBe(2 ** m - 1);
      for (const t of [present, gates, rng]) t.dispose();
    }
  });
});

/** Ridge regression with intercept from the normal equations (f64, Gaussian elimination). */
function ridgePredict(X: number[][], Y: number[][], Xt: number[][], alpha: number): number[][] {
  const p = X[0]!.length, q = Y[0]!.length, n = X.length;
  const mx = Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / n);
  const my = Array.from({ length: q }, (_, j) => Y.reduce((s, r) => s + r[j]!, 0) / n);
  const A = Array.from({ length: p }, (_, a) => Array.from({ length: p + q }, (_, b) => {
    if (b < p) return X.reduce((s, r) => s + (r[a]! - mx[a]!) * (r[b]! - mx[b]!), 0) + (a === b ? alpha : 0);
    return X.reduce((s, r, i) => s + (r[a]! - mx[a]!) * (Y[i]![b - p]! - my[b - p]!), 0);
  }));
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < p + q; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  const B = A.map((r, c) => r.slice(p).map((v) => v / A[c]![c]!));
  return Xt.map((r) => my.map((m0, k) => m0 + r.reduce((s, v, j) => s + (v - mx[j]!) * B[j]![k]!, 0)));
}

const mse = (a: ArrayLike<number>, b: number[][]) => {
  let s = 0;
  const d = b[0]!.length;
  b.forEach((r, i) => r.forEach((v, k) => (s += (a[i * d + k]! - v) ** 2)));
  return s / (b.length * d);
};

describe('synthetic: two different nonlinear functions of one latent', () => {
  it('reconstructing one from the other beats the mean by 2× and ridge regression by 1/0.7', async () => {
    const n = 1200, z = Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.999), e = normal(5);
    const A = z.map((v) => [Math.sin(3 * v), Math.cos(3 * v), v * v].map((a) => 0.5 + 0.4 * a + 0.02 * e()));
    const B = z.map((v) => [Math.abs(v), Math.tanh(4 * v) * v, Math.cos(5 * v), v ** 3].map((b) => 0.5 + 0.4 * b + 0.02 * e()));
    const tr = 1000;
    const ae = new MultimodalAutoencoder({ hidden: [32], code: 4, epochs: 150, batchSize: 50, learningRate: 3e-3, seed: 1 });
    await ae.fit([A.slice(0, tr), B.slice(0, tr)]);
    const At = A.slice(tr), Bt = B.slice(tr);
    const [, fromA] = ae.reconstruct([At, null]);
    const ridge = mse(ridgePredict(A.slice(0, tr), B.slice(0, tr), At, 1e-2).flat(), Bt);
    const means = Bt[0]!.map((_, k) => B.slice(0, tr).reduce((s, r) => s + r[k]!, 0) / tr);
    const mean = mse(Bt.flatMap(() => means), Bt);
    const got = mse(fromA!.data, Bt);
    // evaluate() reports the same number for B given A alone
    const table = ae.evaluate([At, Bt]);
    expect(table.map((t) => t.given)).toEqual([[0], [1], [0, 1]]);
    expect(table[0]!.mse[1]).toBeCloseTo(got, 6);
    console.log(`synthetic B from A: ${got.toFixed(5)} (ridge ${ridge.toFixed(5)}, mean ${mean.toFixed(5)})`);
    expect(got).toBeLessThanOrEqual(0.5 * mean);
    expect(got).toBeLessThanOrEqual(0.7 * ridge);
    ae.dispose();
  });
});

describe('bad input is a typed error naming the view', () => {
  it('wrong number of views, all missing, mismatched rows, widths that differ from fit, bad masks and options', async () => {
    const a = rows(20, 3, 1), b = rows(20, 2, 2);
    const ae = new MultimodalAutoencoder({ hidden: [4], code: 2, epochs: 1, batchSize: 10 });
    const start = memoryStats().liveBytes;
    await expect(ae.fit([a])).rejects.toThrow(/^views: expected at least 2 views \(one per modality\), got 1 view$/);
    await expect(ae.fit([a, b.slice(1)])).rejects.toThrow(/^views\[1\]: expected 20 rows \(as views\[0\]\), got 19 rows$/);
    await expect(ae.fit([a, null])).rejects.toThrow(/^views\[1\]: expected the rows of every modality in fit/);
    await expect(ae.fit([a, b], { present: rows(20, 3, 3) })).rejects.toThrow(/^options\.present: expected 20×2/);
    await expect(ae.fit([a, b], { present: a.map(() => [0.5, 1]) })).rejects.toThrow(/^options\.present\[0\]\[0\]: expected 0 or 1, got 0\.5$/);
    await expect(ae.fit([a.map(() => null), b])).rejects.toThrow(/^views\[0\]: expected at least one row that is not null/);
    await expect(ae.fit([a.map((r, i) => (i === 3 ? null : r)), b.map((r, i) => (i === 3 ? null : r))])).rejects.toThrow(/^views row 3: expected at least one modality present/);
    await expect(ae.fit([a, b], { epoch: 2 } as object)).rejects.toThrow(/fit options\.epoch: .*did you mean "onEpoch"|fit options\.epoch/);
    await expect(ae.fit([a, b], { validation: { views: [a, rows(20, 4, 4)] } })).rejects.toThrow(/^options\.validation\.views\[1\]: expected 2 columns \(as in fit\), got 4 columns$/);
    expect(() => ae.encode([a, b])).toThrow(NotFittedError);
    expect(memoryStats().liveBytes).toBe(start); // every failed fit freed what it made
    await ae.fit([a, b]);
    ae.encode([a, b]); // the forward buffers exist before the failing calls are measured
    const fitted = memoryStats().liveBytes;
    expect(() => ae.encode([a])).toThrow(/^views: expected 2 views \(one per modality, null for a missing one\), got 1 views$/);
    expect(() => ae.encode([null, null])).toThrow(/^views: expected at least one view that is not null, got every view null$/);
    expect(() => ae.reconstruct([a, rows(5, 2, 9)])).toThrow(/^views\[1\]: expected 20 rows \(as views\[0\]\), got 5 rows$/);
    expect(() => ae.reconstruct([rows(5, 4, 9), null])).toThrow(/^views\[0\]: expected 3 columns \(as in fit\), got 4 columns$/);
    expect(() => ae.evaluate([a, [['x', 1]] as unknown as number[][]])).toThrow(ShapeError);
    expect(() => ae.encode([a, b], { gates: 1 } as object)).toThrow(ValueError);
    expect(() => new MultimodalAutoencoder({ hiden: [3] } as object)).toThrow(/options\.hiden: expected a known option \(did you mean "hidden"\?/);
    expect(() => new MultimodalAutoencoder({ modalityDropout: 1.5 })).toThrow(/^options\.modalityDropout: expected a probability in \[0, 1\], got 1\.5$/);
    expect(() => new MultimodalAutoencoder({ lossWeights: [0, 0] })).toThrow(ValueError);
    const three = new MultimodalAutoencoder({ hidden: [[3], [3]], epochs: 1 });
    await expect(three.fit([a, b, b])).rejects.toThrow(/^options\.hidden: expected one list per modality \(3\), got 2 lists$/);
    expect(memoryStats().liveBytes).toBe(fitted);
    // after all that, the fit in place is intact
    expect(ae.encode([a, null]).rows).toBe(20);
    for (const o of [ae, three]) o.dispose();
  });
});

describe('the training contract and files', () => {
  const a = rows(200, 3, 1), b = a.map((r) => [r[0]! * r[1]!, 1 - r[2]!]);

  it('an abort keeps the last finished epoch; a refit that fails keeps the previous fit; no memory is lost', async () => {
    const before = memoryStats().liveBytes;
    const ae = new MultimodalAutoencoder({ hidden: [8], code: 3, epochs: 50, batchSize: 20, seed: 2 });
    const ctl = new AbortController();
    await expect(ae.fit([a, b], { signal: ctl.signal, onEpoch: (e) => void (e.epoch === 3 && ctl.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(ae.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(Object.keys(ae.history[0]!.losses).sort()).toEqual(['loss', 'mse0', 'mse1']);
    const three = new MultimodalAutoencoder({ hidden: [8], code: 3, epochs: 3, batchSize: 20, seed: 2 });
    await three.fit([a, b]);
    expect(Array.from(ae.encode([a, b]).data)).toEqual(Array.from(three.encode([a, b]).data));
    const code = Array.from(ae.encode([a, null]).data);
    await expect(ae.fit([a, b.slice(1)])).rejects.toThrow(ShapeError);
    await expect(ae.fit([a, b], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(ae.encode([a, null]).data)).toEqual(code);
    expect(ae.history).toHaveLength(3);
    // early stopping on validation keeps the best networks and reports the validation loss
    const v = await three.fit([a.slice(0, 150), b.slice(0, 150)], { validation: { views: [a.slice(150), b.slice(150)], patience: 2 } });
    expect(v.every((e) => typeof e.losses.validation === 'number')).toBe(true);
    for (const o of [ae, three]) o.dispose();
    expect(() => ae.encode([a, b])).toThrow(DisposedError);
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a missing modality declared by null rows or by the present mask trains the same model', async () => {
    const missing = (i: number) => i % 7 === 3;
    const make = () => new MultimodalAutoencoder({ hidden: [6], code: 3, epochs: 3, batchSize: 25, seed: 4 });
    const byNull = make(), byMask = make();
    await byNull.fit([a, b.map((r, i) => (missing(i) ? null : r))]);
    // the mask's rows keep garbage in the missing cells: it must never be read
    await byMask.fit([a, b.map((r, i) => (missing(i) ? [1e6, -1e6] : r))], { present: a.map((_, i) => [1, missing(i) ? 0 : 1]) });
    expect(Array.from(byMask.encode([a, b]).data)).toEqual(Array.from(byNull.encode([a, b]).data));
    expect(byMask.history.map((e) => e.loss)).toEqual(byNull.history.map((e) => e.loss));
    for (const o of [byNull, byMask]) o.dispose();
  });

  it('round-trips through JSON; every damaged file is a FormatError', async () => {
    const ae = new MultimodalAutoencoder({ hidden: [[5], [4]], code: 3, outputActivation: ['sigmoid', 'identity'], lossWeights: [1, 2], epochs: 2, batchSize: 50 });
    await ae.fit([a, b]);
    const text = JSON.stringify(ae);
    const again = MultimodalAutoencoder.fromJSON(text);
    expect(Array.from(again.reconstruct([a, null])[1]!.data)).toEqual(Array.from(ae.reconstruct([a, null])[1]!.data));
    expect(again.widths).toEqual([3, 2]);
    const before = memoryStats().liveBytes;
    const o = JSON.parse(text);
    const damaged: [string, unknown][] = [
      ['truncated', text.slice(0, text.length - 40)],
      ['another version', { ...o, version: 2 }],
      ['another model', { ...o, format: 'crossmodal.DeepCCA' }],
      ['missing head', { ...o, heads: o.heads.slice(0, 1) }],
      ['widths that do not match', { ...o, widths: [4, 2] }],
      ['options that do not match', { ...o, options: { ...o.options, code: 4 } }],
      ['swapped heads', { ...o, heads: [o.heads[1], o.heads[0]] }],
    ];
    // a flipped character in every network's weights
    for (const key of ['encoders', 'heads']) {
      for (let j = 0; j < 2; j++) {
        const c = JSON.parse(text);
        const s: string = c[key][j].parameters;
        c[key][j].parameters = s.slice(0, 8) + (s[8] === 'A' ? 'B' : 'A') + s.slice(9);
        damaged.push([`${key}[${j}] flipped`, c]);
      }
    }
    for (const key of ['fusion', 'trunk']) {
      const c = JSON.parse(text);
      c[key].parameters = c[key].parameters.replace(/^(.{12})./, (_m: string, p: string) => `${p}${c[key].parameters[12] === 'A' ? 'B' : 'A'}`);
      damaged.push([`${key} flipped`, c]);
    }
    for (const [label, file] of damaged) expect(() => MultimodalAutoencoder.fromJSON(file), label).toThrow(FormatError);
    expect(memoryStats().liveBytes).toBe(before);
    for (const m of [ae, again]) m.dispose();
  });
});

describe('the digits halves (encoders 128, code 32, trunk 256, sigmoid heads, batch 100, 300 epochs, seed 0)', () => {
  const half = baselines.halves.find((r) => r.given === 0 && r.target === 1)!;
  it(`right from left alone ≤ 0.047 (ridge ${half.ridge.toFixed(4)}, mean ${half.mean.toFixed(4)}); both given ≤ 0.010; the code from the left half classifies within 0.03 of the raw half`, async () => {
    const tr = (v: number[][]) => v.slice(0, 1500), te = (v: number[][]) => v.slice(1500);
    const t0 = performance.now();
    const ae = new MultimodalAutoencoder({ batchSize: 100, epochs: 300, seed: 0 });
    await ae.fit([tr(digits.left), tr(digits.right)]);
    const secs = (performance.now() - t0) / 1000;
    const table = ae.evaluate([te(digits.left), te(digits.right)]);
    const fromLeft = table.find((t) => t.given.join() === '0')!.mse[1]!, both = table.find((t) => t.given.join() === '0,1')!;
    console.log(`autoencoder digits seed 0: right from left ${fromLeft.toFixed(4)}, both given ${both.mse[0]!.toFixed(4)} / ${both.mse[1]!.toFixed(4)}, ${secs.toFixed(1)} s`);
    expect(fromLeft).toBeLessThanOrEqual(0.047);
    expect(Math.max(both.mse[0]!, both.mse[1]!)).toBeLessThanOrEqual(0.01);

    const labels = digits.labels;
    const codeTr = ae.encode([tr(digits.left), null]), codeTe = ae.encode([te(digits.left), null]);
    const asRows = (r: { data: Float32Array; rows: number; cols: number }) => Array.from({ length: r.rows }, (_, i) => Array.from(r.data.subarray(i * r.cols, (i + 1) * r.cols)));
    let gap = 0;
    for (const seed of [0, 1, 2]) {
      const acc = async (Xtr: number[][], Xte: number[][]) => {
        const c = new Classifier({ layers: [Xtr[0]!.length, 128, 10], epochs: 100, batchSize: 100, learningRate: 1e-3, seed });
        await c.fit(Xtr, labels.slice(0, 1500));
        const a = c.accuracy(Xte, labels.slice(1500));
        c.dispose();
        return a;
      };
      const onCode = await acc(asRows(codeTr), asRows(codeTe)), onRaw = await acc(tr(digits.left), te(digits.left));
      console.log(`  classifier seed ${seed}: on the code ${onCode.toFixed(4)}, on the raw left half ${onRaw.toFixed(4)}`);
      gap += (onRaw - onCode) / 3;
    }
    expect(gap).toBeLessThanOrEqual(0.03);
    ae.dispose();
  });

  it('three bands (pixel rows 0–2, 3–5, 6–7): any one band reconstructs the other two below ridge regression', async () => {
    const px = digits.pixels.map((r) => r.map((v) => v / 16));
    const bands = [[0, 24], [24, 48], [48, 64]].map(([s, e]) => px.map((r) => r.slice(s, e)));
    const ae = new MultimodalAutoencoder({ batchSize: 100, epochs: 300, seed: 0 });
    await ae.fit(bands.map((b) => b.slice(0, 1500)));
    const table = ae.evaluate(bands.map((b) => b.slice(1500)));
    for (const r of baselines.bands) {
      const got = table.find((t) => t.given.join() === String(r.given))!.mse[r.target]!;
      console.log(`  band ${r.target} from band ${r.given}: ${got.toFixed(4)} (ridge ${r.ridge.toFixed(4)})`);
      expect(got).toBeLessThan(r.ridge);
    }
    ae.dispose();
  });
});
