// The API contract, class by class of fault: unknown options are refused by name, bad cells
// and shapes say what they are, training keeps what it finished, statistics that are
// undefined say so, saved models are protected by checksums and old files still load.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  init, memoryStats, nn, linalg, significance, metrics, MLP, Tensor, Matrix, CCA, MCCA, GCCA, KernelCCA, DeepCCA, Classifier, MultimodalAutoencoder, MultimodalVAE, ConditionalGAN, PLSRegression, PLSCanonical, PLSSVD, SparseCCA,
  ValueError, ShapeError, NonFiniteError, NotFittedError, FormatError, DivergenceError,
} from '../src/index.js';
import { Checkpoint } from '../src/nn/checkpoint.js';
import { encodeF64 } from '../src/serialize.js';
import { digits, randn, reference } from './helpers.js';

beforeAll(async () => {
  await init();
});

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const L = digits.left.slice(0, 1500), R = digits.right.slice(0, 1500), Lt = digits.left.slice(1500), Rt = digits.right.slice(1500);

/** Resolves to the error fn throws (or its promise rejects with), or null. */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return null;
  } catch (e) {
    return e;
  }
}

describe('unknown option keys are refused, naming the key and the nearest known one', () => {
  it('in every constructor, fit, call and init', async () => {
    const net = new MLP({ layers: [3, 2], seed: 1 });
    const cca = new CCA({ components: 1 }).fit(randn(20, 3, 1), randn(20, 2, 2));
    const dcca = new DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 20 });
    const clf = new Classifier({ layers: [3, 2], epochs: 1 });
    const cat = new nn.Concat([3, 2]);
    const ae = new MultimodalAutoencoder({ hidden: [3], code: 2, epochs: 1, batchSize: 10, outputActivation: 'identity' }); // normal data, not in [0, 1]
    const X = randn(20, 3, 3), Y = randn(20, 2, 4), g = Tensor.zeros(20, 2);
    await ae.fit([X, Y]);
    net.forward(X); // the batch buffers exist before the failing calls are measured
    const cases: [() => unknown, string, string | null][] = [
      [() => init({ thread: 2 } as never), 'options.thread', 'threads'],
      [() => init({ simdd: 'auto' } as never), 'options.simdd', 'simd'],
      [() => new CCA({ component: 1 } as never), 'options.component', 'components'],
      [() => new DeepCCA({ epoch: 3 } as never), 'options.epoch', 'epochs'],
      [() => new Classifier({ layers: [2, 2], batch_size: 4 } as never), 'options.batch_size', 'batchSize'],
      [() => new MLP({ layers: [2, 2], activaton: 'tanh' } as never), 'options.activaton', 'activation'],
      [() => new nn.Adam(net, { lr: 1 } as never), 'options.lr', 'learningRate'],
      [() => new nn.SGD(net, { momentun: 0.9 } as never), 'options.momentun', 'momentum'],
      [() => new nn.AdamW(net, { beta: 0.9 } as never), 'options.beta', 'beta1'],
      [() => dcca.fit(X, Y, { onEpochs: () => {} } as never), 'fit options.onEpochs', 'onEpoch'],
      [() => dcca.fit(X, Y, { validation: { X, Y, patiense: 2 } } as never), 'options.validation.patiense', 'patience'],
      [() => clf.fit(X, X.map(() => 0), { signl: undefined } as never), 'fit options.signl', 'signal'],
      [() => (net.forward(X), net.backward(g, { inputGradients: false } as never)), 'backward options.inputGradients', 'inputGradient'],
      [() => net.predict(X, { batchsize: 2 } as never), 'predict options.batchsize', 'batchSize'],
      [() => nn.mse(X, X, { gard: g } as never), 'options.gard', 'grad'],
      [() => linalg.matmul(X, Y, { transposA: true } as never), 'options.transposA', 'transposeA'],
      [() => cat.forward([X, Y], { gate: Y } as never), 'forward options.gate', 'gates'],
      [() => cca.toJSON({ statistic: true } as never), 'toJSON options.statistic', 'statistics'],
      [() => new MultimodalAutoencoder({ modality_dropout: 0.5 } as never), 'options.modality_dropout', 'modalityDropout'],
      [() => new ConditionalGAN({ labelSmothing: 0.1 } as never), 'options.labelSmothing', 'labelSmoothing'],
      [() => new ConditionalGAN({ epochs: 1 }).fit(X, Y, { onEpochs: () => {} } as never), 'fit options.onEpochs', 'onEpoch'],
      [() => metrics.kernelDistance(X, X, { subset: 2 } as never), 'options.subset', 'subsets'],
      [() => metrics.precisionRecall(X, X, { K: 3 } as never), 'options.K', 'k'],
      [() => ae.fit([X, Y], { presence: g } as never), 'fit options.presence', 'present'],
      [() => ae.fit([X, Y], { validation: { view: [X, Y] } } as never), 'options.validation.view', 'views'],
      [() => ae.reconstruct([X, null], { presnt: g } as never), 'reconstruct options.presnt', 'present'],
      [() => net.toJSON({ optimiser: null } as never), 'toJSON options.optimiser', 'optimizer'],
      [() => nn.trainLoop({ rows: 1, epochs: 1, batchSize: 1, seed: 0, step: () => 0, shufle: false } as never), 'trainLoop options.shufle', 'shuffle'],
    ];
    const before = memoryStats().liveBytes;
    for (const [call, key, near] of cases) {
      const e = await caught(call);
      expect(e, key).toBeInstanceOf(ValueError);
      expect((e as ValueError).argument).toBe(key);
      if (near) expect((e as Error).message, key).toContain(`did you mean "${near}"`);
    }
    expect(memoryStats().liveBytes).toBe(before);
    expect(() => new CCA(5 as never)).toThrow(/options: expected an options object/);
    for (const o of [net, cca, dcca, clf, cat, g, ae]) o.dispose();
  });
});

describe('input that is not numbers in rows says what it is', () => {
  it('strings, booleans, null and objects in cells name the cell; NaN stays a NonFiniteError', () => {
    const cca = new CCA({ components: 1 });
    const Y = [[1], [2], [3]];
    expect(() => cca.fit([[1, 2], [3, '4'], [5, 6]] as never, Y)).toThrow(/X\[1\]\[1\]: expected a number \(text such as a CSV cell: convert it first, e\.g\. rows\.map\(\(r\) => r\.map\(Number\)\)\), got "4"/);
    expect(() => cca.fit([[1, true], [3, 4], [5, 6]] as never, Y)).toThrow(/X\[0\]\[1\]: expected a number, got true/);
    expect(() => cca.fit([[1, 2], [null, 4], [5, 6]] as never, Y)).toThrow(/X\[1\]\[0\]: expected a number, got null/);
    expect(() => cca.fit([[1, 2], [3, {}], [5, 6]] as never, Y)).toThrow(/X\[1\]\[1\]: expected a number, got an Object/);
    expect(() => cca.fit({ data: [1, 2, 'x', 4, 5, 6], rows: 3, cols: 2 } as never, Y)).toThrow(/X\[1\]\[0\]: expected a number/);
    expect(() => cca.fit([[1, 2], [NaN, 4], [5, 6]], Y)).toThrow(NonFiniteError);
    expect(() => new MLP({ layers: [2, 1] }).forward(['1', '2'] as never)).toThrow(ShapeError);
    cca.dispose();
  });

  it('a flat array gets a hint to pass rows; typed-array and readonly rows are accepted', () => {
    expect(() => linalg.colMeans([1, 2, 3] as never)).toThrow(/X: expected rows \(an array of arrays\): pass \[\[x₀\], \[x₁\], …\] for one column or \[\[x₀, x₁, …\]\] for one row, got a flat array of 3 numbers/);
    expect(() => linalg.colMeans(new Float64Array(4) as never)).toThrow(/X: expected rows, or \{ data, rows, cols \} for a flat typed array, got a flat Float64Array of 4 values/);
    const rows: readonly (readonly number[])[] = [[1, 2], [3, 5]];
    expect(Array.from(linalg.colMeans(rows))).toEqual([2, 3.5]);
    expect(Array.from(linalg.colMeans([Float64Array.of(1, 2), Float32Array.of(3, 5)]))).toEqual([2, 3.5]);
    expect(Array.from(linalg.colMeans([{ length: 2, 0: 1, 1: 2 }, { length: 2, 0: 3, 1: 5 }]))).toEqual([2, 3.5]);
  });

  it('class labels are checked the same way at every entry point that takes them', async () => {
    const X = [[0.1, 0.2], [0.3, 0.1], [0.5, 0.9], [0.7, 0.2], [0.2, 0.4], [0.9, 0.3]];
    const bad: [unknown, RegExp][] = [
      [[0, 1, 0.5, 1, 0, 1], /labels\[2\]: expected an integer class/],
      [[0, 1, -1, 1, 0, 1], /labels\[2\]: expected an integer class/],
      [['0', 1, 0, 1, 0, 1], /labels\[0\]: expected an integer class/],
      [[0, 1, 0], /labels: expected 6 labels \(one per row\), got 3 labels/],
      [null, /labels: expected 6 labels \(one per row\), got null/],
      ['010101', /labels: expected 6 labels \(one per row\), got "010101"/],
    ];
    const clf = new Classifier({ layers: [2, 4, 2], epochs: 1 });
    await clf.fit(X, [0, 1, 0, 1, 0, 1]);
    for (const [labels, message] of bad) {
      await expect(clf.fit(X, labels as number[])).rejects.toThrow(message);
      expect(() => clf.accuracy(X, labels as number[])).toThrow(message);
      expect(() => nn.softmaxCrossEntropy(Tensor.from([[0, 1], [1, 0], [0, 1], [1, 0], [0, 1], [1, 0]]), labels as number[])).toThrow(message);
      expect(() => metrics.conditionalAccuracy(clf, X, labels as number[])).toThrow(message);
      // two sets: the real labels are checked first
      expect(() => metrics.intraFrechetDistance(X, labels as number[], X, [0, 1, 0, 1, 0, 1])).toThrow(message.source.startsWith('labels') ? new RegExp('real' + message.source.replace('labels', 'Labels')) : message);
    }
    // a large label is refused before it sizes anything; so are too many one-hot cells
    expect(() => metrics.intraFrechetDistance(X, [0, 0, 1, 1, 2 ** 31, 0], X, [0, 0, 1, 1, 1, 0])).toThrow(/realLabels\[4\]: expected an integer class ≥ 0, got 2147483648/);
    expect(() => metrics.intraFrechetDistance(X, [0, 0, 1, 1, 1e6, 0], X, [0, 0, 1, 1, 1, 0])).toThrow(/realLabels, fakeLabels: expected at least 2 real and 2 generated rows of every class 0\.\.1000000, got 0 real, 0 generated of class 2/);
    expect(() => ConditionalGAN.oneHot([0, 1, 2], 1e9)).toThrow(/^classes: expected at most 44739242 classes for 3 labels/);
    expect(() => ConditionalGAN.oneHot([0, 1.5], 3)).toThrow(/^labels\[1\]: expected an integer class in 0\.\.2, got 1\.5$/);
    expect(() => metrics.conditionalAccuracy({} as never, X, [0])).toThrow(/^classifier: expected a Classifier/);
    expect(memoryStats().liveBytes).toBeGreaterThan(0);
    clf.dispose();
  });

  it('significance checks its correlations and counts', () => {
    expect(() => significance([0.5, 1.2], 50, 3, 3)).toThrow(/^rho\[1\]: expected a canonical correlation in \[0, 1\], got 1\.2$/);
    expect(() => significance([0.5, NaN], 50, 3, 3)).toThrow(/^rho\[1\]: expected a canonical correlation in \[0, 1\], got NaN$/);
    expect(() => significance([0.5, 0.4, 0.3], 50, 2, 3)).toThrow(/^rho: expected at most min\(p, q\) = 2 correlations, got 3$/);
    expect(() => significance([0.5], 50.5, 2, 3)).toThrow(/^n: expected a positive integer, got 50\.5$/);
    expect(() => significance(null as never, 50, 2, 3)).toThrow(/^rho: expected an array of canonical correlations, got null$/);
    // a correlation of exactly 1: Wilks' Λ 0, an infinite chi-square with p-value 0
    const [row] = significance([1], 50, 2, 3);
    expect(row!.wilksLambda).toBe(0);
    expect(row!.chiSquarePValue).toBe(0);
  });

  it('constructors that are not meant to be called say which factory to use', () => {
    const Ctor = (c: unknown) => c as new (...a: unknown[]) => unknown;
    // what came is said in words, not quoted as if it were a string the caller passed
    expect(() => new (Ctor(Tensor))([[1, 2]])).toThrow(/^Tensor: expected to be made by Tensor\.from\(rows\) or Tensor\.zeros\(rows, cols\) \(the constructor is internal\), got new Tensor\(…\)$/);
    expect(() => new (Ctor(Matrix))([[1, 2]])).toThrow(/^Matrix: expected to be made by Matrix\.from\(rows\) or Matrix\.zeros\(rows, cols\) .*, got new Matrix\(…\)$/);
    const net = new MLP({ layers: [2, 1] });
    expect(() => new (Ctor(nn.Optimizer))(net, {}, 1)).toThrow(/^nn\.Optimizer: expected a concrete optimiser: new nn\.SGD, nn\.Adam or nn\.AdamW \(pieces, options\), got new nn\.Optimizer\(…\)$/);
    expect(() => new nn.Adam([net, undefined as unknown as MLP])).toThrow(/^pieces\[1\]: expected a network piece \(MLP, Concat, …\), got undefined$/);
    expect(() => new nn.Adam(new nn.Fork())).toThrow(/^pieces: expected at least one piece with parameters, got pieces with none$/);
    const cca = new CCA().fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1, 0], [2, 1], [3, 3], [4, 2]]);
    expect(() => cca.merge(cca)).toThrow(/, got this same CCA$/);
    // a string the caller did pass is quoted
    expect(() => new CCA({ components: '2' as unknown as number })).toThrow(/^options\.components: expected a positive integer, got "2"$/);
    cca.dispose();
    net.dispose();
  });
});

describe('training keeps what it finished', () => {
  const x = Array.from({ length: 400 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i), (i % 7) / 7]);
  const y = x.map((r) => (r[0]! * r[1]! > 0 ? 1 : 0));
  const make = () => new Classifier({ layers: [3, 16, 2], epochs: 5000, batchSize: 4, learningRate: 5e-3, seed: 3 });

  it('an abort in the middle of an epoch returns to the last finished epoch: the network equals one trained that many epochs', async () => {
    const clf = make();
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 40); // the loop yields to timers between batches
    await expect(clf.fit(x, y, { signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const done = clf.history.length;
    expect(done).toBeLessThan(5000);
    const fresh = new Classifier({ layers: [3, 16, 2], epochs: Math.max(done, 1), batchSize: 4, learningRate: 5e-3, seed: 3 });
    if (done > 0) {
      await fresh.fit(x, y);
      expect(Array.from(clf.net.parameters)).toEqual(Array.from(fresh.net.parameters));
      expect(clf.history.every((e, i) => e.epoch === i + 1 && e.batchSize === 4)).toBe(true);
      expect(clf.accuracy(x, y)).toBe(fresh.accuracy(x, y));
    } else {
      expect(Array.from(clf.net.parameters)).toEqual(Array.from(fresh.net.parameters)); // untouched: no epoch finished
      expect(() => clf.predict(x)).toThrow(NotFittedError);
    }
    clf.dispose();
    fresh.dispose();
  });

  it('a loss that turns NaN stops with DivergenceError and keeps the weights of the last good epoch (the shared loop)', async () => {
    const train = async (epochs: number, poisonEpoch: number | null) => {
      const net = new MLP({ layers: [3, 4, 1], seed: 5 }), opt = new nn.Adam(net, { learningRate: 1e-2 });
      const checkpoint = new Checkpoint([net], [opt]);
      const xb = Tensor.zeros(8, 3), tb = Tensor.zeros(8, 1), G = Tensor.zeros(8, 1);
      const history: nn.EpochInfo[] = [];
      let epoch = 1, batches = 0;
      const error = await caught(() =>
        nn.trainLoop(
          {
            rows: x.length, epochs, batchSize: 8, seed: 1, checkpoint,
            onEpoch: (e) => void (epoch = e.epoch + 1),
            step: (batch) => {
              const ids = batch.toArray();
              xb.data.set(ids.flatMap((i) => x[i]!));
              tb.data.set(ids.map((i) => x[i]![0]!));
              opt.zeroGrad();
              const { loss } = nn.mse(net.forward(xb), tb, { grad: G });
              net.backward(G, { inputGradient: false });
              opt.step(); // a NaN step still updates: the loop must undo it
              return epoch === poisonEpoch && ++batches === 5 ? NaN : loss;
            },
          },
          history,
        ),
      );
      const out = { error, epochs: history.length, params: net.parameters.slice(), steps: opt.steps };
      for (const o of [net, opt, checkpoint, xb, tb, G]) o.dispose();
      return out;
    };
    const diverged = await train(10, 3), two = await train(2, null);
    expect(diverged.error).toBeInstanceOf(DivergenceError);
    expect((diverged.error as Error).message).toMatch(/training diverged at epoch 3, batch 5: the loss is NaN; the checkpoint of the last finished epoch \(2\) is restored/);
    expect(diverged.epochs).toBe(2);
    expect(Array.from(diverged.params)).toEqual(Array.from(two.params));
    expect(diverged.steps).toBe(two.steps);
  });

  it('a Classifier that diverges in its first epoch is left as it was before the fit', async () => {
    const clf = new Classifier({ layers: [3, 8, 2], epochs: 20, batchSize: 10, learningRate: 1e12, optimizer: 'sgd', seed: 1 });
    const before = clf.net.parameters.slice();
    const e = await caught(() => clf.fit(x, y));
    expect(e).toBeInstanceOf(DivergenceError);
    expect((e as Error).message).toMatch(/training diverged at epoch 1, batch \d+: .* became NaN/);
    expect(Array.from(clf.net.parameters)).toEqual(Array.from(before));
    expect(clf.history).toEqual([]);
    expect(() => clf.predict(x)).toThrow(NotFittedError);
    clf.dispose();
  });

  it('a refit that fails, or is aborted before an epoch finishes, leaves the previous fit in place (DeepCCA, Classifier, CCA)', async () => {
    const X = randn(200, 3, 10), Y = X.map((r) => [r[0]! + 0.1 * r[1]!, Math.tanh(r[2]!)]);
    const m = new DeepCCA({ components: 1, hidden: [8], epochs: 2, batchSize: 100, regularization: 0, seed: 1 });
    await m.fit(X, Y);
    const score = Array.from(m.score(X, Y)), history = m.history;
    // constant first view: its tower's output covariance is singular without a ridge
    await expect(m.fit(X.map(() => [0.5, -1, 2]), Y)).rejects.toThrow(/not positive definite/);
    const ctl = new AbortController();
    ctl.abort();
    await expect(m.fit(X, Y, { signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(m.fit(X, Y.slice(1))).rejects.toThrow(ShapeError);
    expect(Array.from(m.score(X, Y))).toEqual(score);
    expect(m.history).toEqual(history);
    m.dispose();

    const clf = new Classifier({ layers: [3, 4, 2], epochs: 2, batchSize: 20, seed: 2 });
    await clf.fit(X, X.map((r) => (r[0]! > 0 ? 1 : 0)));
    const params = clf.net.parameters.slice();
    await expect(clf.fit(X, X.map(() => 5))).rejects.toThrow(/labels\[0\]: expected an integer class in 0\.\.1/);
    await expect(clf.fit(X, X.map(() => 0), { signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(clf.net.parameters)).toEqual(Array.from(params));
    expect(clf.predict(X)).toHaveLength(200);
    clf.dispose();

    const cca = new CCA({ components: 1 }).fit(X, Y);
    const rho = cca.correlations[0];
    expect(() => cca.fit(X.map(() => [1, 2, 3]), Y)).toThrow(/singular|not positive definite/i);
    expect(cca.correlations[0]).toBe(rho);
    cca.dispose();
  });

  it('validation data is checked before the first epoch, under its own name', async () => {
    const X = randn(200, 3, 11), Y = randn(200, 2, 12);
    const m = new DeepCCA({ components: 1, hidden: [4], epochs: 5, batchSize: 100 });
    let epochs = 0;
    const onEpoch = () => void epochs++;
    await expect(m.fit(X, Y, { onEpoch, validation: { X: randn(10, 4, 13), Y: randn(10, 2, 14) } })).rejects.toThrow(/options\.validation\.X: expected 3 columns \(as X\), got 4 columns/);
    await expect(m.fit(X, Y, { onEpoch, validation: { X: randn(10, 3, 13), Y: randn(9, 2, 14) } })).rejects.toThrow(/options\.validation\.Y: expected 10 rows/);
    await expect(m.fit(X, Y, { onEpoch, validation: { X: [[1, NaN, 3]], Y: [[1, 2]] } })).rejects.toThrow(/options\.validation\.X: every value must be finite/);
    await expect(m.fit(X, Y, { onEpoch, validation: { X, Y, patience: 0 } })).rejects.toThrow(/options\.validation\.patience: expected a positive integer/);
    expect(epochs).toBe(0);
    m.dispose();
  });

  it('a batch larger than the data is clamped and reported in every history entry', async () => {
    const X = randn(300, 4, 15), Y = X.map((r) => [r[0]! - r[1]!, r[2]! * r[3]!]);
    const m = new DeepCCA({ components: 2, hidden: [8], epochs: 2, seed: 1 }); // default batch 500
    const h = await m.fit(X, Y);
    expect(h.map((e) => e.batchSize)).toEqual([300, 300]);
    m.dispose();
    const clf = new Classifier({ layers: [4, 2], epochs: 1, batchSize: 1000 });
    expect((await clf.fit(X, X.map((r) => (r[0]! > 0 ? 1 : 0))))[0]!.batchSize).toBe(300);
    clf.dispose();
  });
});

describe('statistics that are undefined for the data say so', () => {
  it('partialFit and merge on a model restored without statistics throw; merging a model with itself throws', () => {
    const X = randn(50, 3, 20), Y = randn(50, 2, 21);
    const a = new CCA({ components: 2 }).fit(X, Y);
    const bare = CCA.fromJSON(JSON.stringify(a));
    expect(() => bare.partialFit(X, Y)).toThrow(/partialFit: this CCA was restored without its statistics/);
    expect(() => bare.merge(a)).toThrow(NotFittedError);
    expect(bare.nSamples).toBe(50);
    const full = CCA.fromJSON(a.toJSON({ statistics: true }));
    full.partialFit(X, Y);
    expect(full.nSamples).toBe(100);
    expect(() => a.merge(a)).toThrow(/other: expected another CCA \(merging a model with itself would count its rows twice\)/);
    expect(a.nSamples).toBe(50);
    for (const m of [a, bare, full]) m.dispose();
  });

  it('significance needs more than p + q + 1 rows: fewer is a ShapeError, never a negative chi-square', () => {
    const p = 3, q = 2;
    const small = new CCA({ components: 2, regularization: 1e-3 }).fit(randn(6, p, 22), randn(6, q, 23));
    expect(() => small.significance()).toThrow(/the data: expected more than p \+ q \+ 1 = 6 rows for the significance tests.*got 6 rows/);
    expect(() => significance([0.5, 0.2], 6, p, q)).toThrow(ShapeError);
    const ok = new CCA({ components: 2, regularization: 1e-3 }).fit(randn(7, p, 22), randn(7, q, 23));
    for (const r of ok.significance()) {
      expect(r.chiSquare).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(r.chiSquarePValue)).toBe(true);
    }
    small.dispose();
    ok.dispose();
  });

  it('the correlation of constant variates is NaN (documented), not rounding noise', () => {
    const X = randn(60, 3, 24), Y = randn(60, 2, 25);
    const cca = new CCA({ components: 2 }).fit(X, Y);
    // every row of X the same: each x-variate is constant on these rows
    const s = cca.score(X.map(() => [0.3, -1.7, 2.9]), Y);
    expect(Array.from(s).every((v) => Number.isNaN(v))).toBe(true);
    expect(Array.from(cca.score(X, Y)).every((v) => Number.isFinite(v))).toBe(true);
    cca.dispose();
  });

  it('scale: true standardises the columns first (numpy reference), and the fit no longer depends on the columns\' units', () => {
    const ref = fixture('cca-scale-reference.json');
    const m = new CCA({ components: 5, regularization: ref.ridge, scale: true }).fit(L, R);
    Array.from(m.correlations).forEach((r, i) => expect(Math.abs(r - ref.train_correlations[i])).toBeLessThan(1e-8));
    Array.from(m.score(Lt, Rt)).forEach((r, i) => expect(Math.abs(r - ref.test_correlations[i])).toBeLessThan(1e-8));
    // columns in other units (×1000, ×0.001): the same correlations and variates
    const f = (r: number[]) => r.map((v, j) => v * (j % 2 ? 1000 : 0.001));
    const u = new CCA({ components: 5, regularization: ref.ridge, scale: true }).fit(L.map(f), R);
    Array.from(u.correlations).forEach((r, i) => expect(Math.abs(r - m.correlations[i]!)).toBeLessThan(1e-9));
    const [a] = m.transform(Lt, null), [b] = u.transform(Lt.map(f), null);
    a!.data.forEach((v, i) => expect(Math.abs(v - b!.data[i]!)).toBeLessThan(1e-7));
    // without scale, a ridge is not unit-free
    const plain = new CCA({ components: 5, regularization: ref.ridge }).fit(L.map(f), R);
    expect(Math.abs(plain.correlations[0]! - m.correlations[0]!)).toBeGreaterThan(1e-3);
    const back = CCA.fromJSON(JSON.stringify(m));
    expect(back.scale).toBe(true);
    expect(Array.from(back.score(Lt, Rt))).toEqual(Array.from(m.score(Lt, Rt)));
    // 'auto' is unit-free with or without scale (issue 32; it used to refuse scale)
    expect(new CCA({ regularization: 'auto', scale: true }).scale).toBe(true);
    for (const c of [m, u, plain, back]) c.dispose();
  });
});

describe('saved models are protected: every damaged file is a FormatError', () => {
  /** Changes one base64 character in the middle of a string field at `path`. */
  function flip(json: Record<string, unknown>, path: string): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(json));
    const keys = path.split('.');
    let o = copy;
    for (const k of keys.slice(0, -1)) o = o[k];
    const last = keys.at(-1)!;
    const v = o[last];
    if (typeof v === 'number') o[last] = v * (1 + 1e-12) + 1e-300;
    else {
      const i = Math.floor(v.length / 2) - (Math.floor(v.length / 2) % 4) + 1;
      o[last] = v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
    }
    return copy;
  }

  it('flipped bytes in any weights, truncation, another version, another model, wrong shapes, NaN weights', async () => {
    const X = randn(80, 4, 30), Y = X.map((r) => [r[0]! + r[1]!, r[2]! * r[3]!, r[3]!]);
    const cca = new CCA({ components: 2, regularization: 'auto' }).fit(X, Y);
    const net = new MLP({ layers: [4, 5, 3], seed: 1 });
    const opt = new nn.Adam(net);
    opt.step();
    const clf = new Classifier({ layers: [4, 3, 2], epochs: 1, batchSize: 20 });
    await clf.fit(X, X.map((r) => (r[0]! > 0 ? 1 : 0)));
    const dcca = new DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 40 });
    await dcca.fit(X, Y);
    // scale: true: the scaler (base64 float64, one CRC-32) joins each neural file
    const dccaS = new DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 40, scale: true }), aeS = new MultimodalAutoencoder({ hidden: [3], code: 2, epochs: 1, batchSize: 40, scale: true }), ganS = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 40, scale: true });
    await dccaS.fit(X, Y);
    // objective 'ey' (issue 36): a batch below 2·outputs, which only its rule allows
    const dccaE = new DeepCCA({ components: 1, outputs: 3, hidden: [4], epochs: 1, batchSize: 5, objective: 'ey' });
    await dccaE.fit(X, Y);
    // DCCAE (issue 36): the decoders join the file (version 2), as the towers
    const dccaR = new DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 40, reconstruction: { weight: 0.5 } });
    await dccaR.fit(X, Y);
    await aeS.fit([X, Y]);
    await ganS.fit(Y, X);
    // the cGAN's stabilisers (issue 39): the generator's moving average joins the file (averageGenerator), the hinge loss, D's own learning rate, D's spectral normalisation (its vectors u in the file)
    const ganE = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 40, outputActivation: 'identity', ema: 0.99, loss: 'hinge', discriminatorLearningRate: 1e-3, spectralNorm: true, discriminator: 'concat' });
    await ganE.fit(Y, X);
    // the projection discriminator (issue 39): ψ and V in the file (each with its CRC-32), with spectralNorm ψ's vector u
    const ganP = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 40, outputActivation: 'identity', discriminator: 'projection', spectralNorm: true });
    await ganP.fit(Y, X);
    // the multimodal VAE (issue 38): a Bernoulli view (X through a logistic, in [0, 1]) and a Gaussian one of learned scale (its logScale in the file)
    const vae = new MultimodalVAE({ fusion: 'moe', latent: 2, hidden: [3], likelihood: ['bernoulli', 'gaussian'], epochs: 1, batchSize: 40 });
    await vae.fit([X.map((r) => r.map((v) => 1 / (1 + Math.exp(-v)))), Y]);
    const Z = X.map((r) => [r[1]! - r[0]!, r[2]!]);
    const mcca = new MCCA({ components: 2, regularization: 1e-3 }).fit([X, Y, Z]), gcca = new GCCA({ components: 2, regularization: 1e-3 }).fit([X, Y, Z]);
    const kcca = new KernelCCA({ components: 2, gamma: 0.5 }).fit(X, Y), nys = new KernelCCA({ components: 2, approximation: { nystrom: 12, seed: 1 } }).fit(X, Y);
    const cv = new CCA({ components: 2, regularization: 'cv', crossValidation: { regularization: [1e-3, [0.1, 1]], folds: 4 } }).fit(X, Y);
    // statistics from moments (no fourth moments: stored as null)
    const fm = CCA.fromMoments({ n: 80, means: [[0, 0, 0, 0], [0, 0, 0]], covariance: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (i === j ? 2 : i + j === 6 ? 0.5 : 0))) }, { components: 2, regularization: 1e-3 });
    const plsR = new PLSRegression({ components: 2 }).fit(X, Y), plsC = new PLSCanonical({ components: 2, scale: false }).fit(X, Y), plsS = new PLSSVD({ components: 2 }).fit(X, Y);
    const scca = new SparseCCA({ components: 2, penalty: [0.7, 0.8] }).fit(X, Y), sccaD = new SparseCCA({ scale: false }).fit(X, Y);
    const files: [string, (j: unknown) => { dispose(): void }, Record<string, unknown>, string[]][] = [
      ['PLSRegression', PLSRegression.fromJSON, plsR.toJSON({ statistics: true }), ['xWeights', 'coefficients', 'intercept', 'xMean', 'yStd', 'xRotations', 'n']],
      ['PLSCanonical', PLSCanonical.fromJSON, plsC.toJSON(), ['xWeights', 'yWeights', 'yRotations', 'yLoadings', 'xMean']],
      ['PLSSVD', PLSSVD.fromJSON, plsS.toJSON(), ['xWeights', 'yWeights', 'xStd']],
      ['SparseCCA', SparseCCA.fromJSON, scca.toJSON({ statistics: true }), ['xWeights', 'yWeights', 'correlations', 'xMean', 'yStd', 'iterations', 'converged', 'appliedPenalty', 'tol', 'n', 'statistics.Mxy', 'statistics.xM', 'statistics.n']],
      ['SparseCCA default penalty', SparseCCA.fromJSON, sccaD.toJSON(), ['xWeights', 'appliedPenalty', 'maxIterations']],
      ['KernelCCA', KernelCCA.fromJSON, kcca.toJSON(), ['basisX', 'basisY', 'coefX', 'coefY', 'offsetX', 'offsetY', 'correlations', 'n']],
      ['KernelCCA (Nyström)', KernelCCA.fromJSON, nys.toJSON(), ['landmarks', 'basisX', 'coefY', 'offsetX', 'correlations', 'nb', 'meanX', 'sdY']],
      ['MCCA', MCCA.fromJSON, mcca.toJSON(), ['means.0', 'weights.1', 'weights.2', 'eigenvalues', 'correlations', 'pairwise.1', 'n', 'structure.0', 'structure.2', 'scales.1']],
      ['GCCA', GCCA.fromJSON, gcca.toJSON(), ['means.2', 'weights.0', 'eigenvalues', 'n', 'structure.1', 'scales.2']],
      ['CCA', CCA.fromJSON, cca.toJSON(), ['correlations', 'xMeans', 'yMeans', 'xWeights', 'yWeights', 'n']],
      ['CCA cross-validated', CCA.fromJSON, cv.toJSON(), ['xWeights', 'correlations', 'selected.0', 'selected.1', 'crossValidation.folds', 'crossValidation.seed', 'crossValidation.regularization.0', 'crossValidation.regularization.1.1']],
      ['CCA from moments with statistics', CCA.fromJSON, fm.toJSON({ statistics: true }), ['xWeights', 'statistics.x.M', 'statistics.Mxy', 'statistics.y.mean', 'statistics.n']],
      ['CCA with statistics', CCA.fromJSON, cca.toJSON({ statistics: true }), ['xWeights', 'statistics.x.M', 'statistics.Q', 'statistics.Mxy', 'statistics.T', 'statistics.n']],
      ['MLP', MLP.fromJSON, net.toJSON(), ['parameters']],
      ['MLP with optimiser', (j) => { const m = MLP.fromJSON(j); try { nn.optimizerFromJSON(j, m)?.dispose(); } finally { m.dispose(); } return m; }, net.toJSON({ optimizer: opt }), ['optimizer.slots.0.data', 'optimizer.slots.1.data']],
      ['Classifier', Classifier.fromJSON, clf.toJSON(), ['net.parameters', 'net.optimizer.slots.0.data']],
      ['DeepCCA', DeepCCA.fromJSON, dcca.toJSON(), ['towers.0.parameters', 'towers.1.parameters', 'cca.xWeights', 'cca.yMeans']],
      ['DeepCCA scaled', DeepCCA.fromJSON, dccaS.toJSON(), ['scaler.mean.0', 'scaler.scale.1', 'scaler.crc32']],
      ['DeepCCA ey', DeepCCA.fromJSON, dccaE.toJSON(), ['towers.0.parameters', 'towers.1.parameters', 'cca.yWeights']],
      ['DeepCCA DCCAE', DeepCCA.fromJSON, dccaR.toJSON(), ['decoders.0.parameters', 'decoders.1.parameters', 'towers.1.parameters']],
      ['MultimodalAutoencoder scaled', MultimodalAutoencoder.fromJSON, aeS.toJSON(), ['scaler.mean.1', 'scaler.scale.0', 'scaler.crc32', 'heads.0.parameters']],
      ['ConditionalGAN scaled', ConditionalGAN.fromJSON, ganS.toJSON(), ['scaler.mean.0', 'scaler.scale.0', 'scaler.crc32', 'generator.parameters']],
      ['ConditionalGAN stabilised', ConditionalGAN.fromJSON, ganE.toJSON(), ['averageGenerator.parameters', 'averageGenerator.crc32', 'generator.parameters', 'discriminator.parameters', 'spectralNorm.u', 'spectralNorm.crc32']],
      ['ConditionalGAN projection', ConditionalGAN.fromJSON, ganP.toJSON(), ['projection.head.parameters', 'projection.embedding.parameters', 'projection.head.crc32', 'projection.u', 'projection.crc32', 'discriminator.parameters']],
      ['MultimodalVAE', MultimodalVAE.fromJSON, vae.toJSON(), ['encoders.0.parameters', 'encoders.1.parameters', 'decoders.0.parameters', 'decoders.1.parameters', 'logScale.values', 'logScale.crc32']],
    ];
    const before = memoryStats().liveBytes;
    for (const [name, load, good, fields] of files) {
      load(JSON.parse(JSON.stringify(good))).dispose(); // the undamaged file loads
      const text = JSON.stringify(good);
      const damaged: [string, unknown][] = [
        ['truncated', text.slice(0, Math.floor(text.length * 0.7))],
        ['version 99', { ...good, version: 99 }],
        ['another model', name.startsWith('CCA') ? net.toJSON() : cca.toJSON()],
        ...fields.map((f) => [`flipped ${f}`, flip(good, f)] as [string, unknown]),
      ];
      if (name === 'CCA cross-validated')
        damaged.push(['no choice', { ...good, selected: undefined }], ['a ridge, not cv', { ...good, regularization: 1e-3 }], ["grid 'auto'", { ...good, crossValidation: { ...(good.crossValidation as object), regularization: 'auto' } }], ['bad settings', { ...good, crossValidation: { folds: 1 } }], ['no settings', { ...good, crossValidation: 7 }]);
      if (name === 'CCA from moments with statistics') {
        const st = good.statistics as Record<string, Record<string, unknown>>;
        damaged.push(['fourth-order sums made up', { ...good, statistics: { ...st, Q: st.Mxy, T: st.Mxy } }], ['kept, says the file', { ...good, statistics: { ...st, without: null } }], ['another reason', { ...good, statistics: { ...st, without: 'old file' } }], ['a made-up reason', { ...good, statistics: { ...st, without: 'lost' } }], ['not external', { ...good, statistics: { ...st, external: false } }]);
      }
      if (name === 'CCA with statistics') {
        const st = good.statistics as Record<string, unknown>;
        damaged.push(['Q dropped', { ...good, statistics: { ...st, Q: null } }], ['Q too short', { ...good, statistics: { ...st, Q: st.Mxy } }], ['said missing', { ...good, statistics: { ...st, without: 'not asked' } }], ['another target', { ...good, shrinkageTarget: 'identity' }], ['no target', { ...good, shrinkageTarget: null }]);
      }
      if (name === 'CCA') damaged.push(['p too large', { ...good, p: 5 }], ['NaN weights', { ...good, xWeights: encodeF64(new Float64Array(8).fill(NaN)) }]);
      if (name === 'MLP') damaged.push(['layers changed', { ...good, layers: [4, 6, 3] }]);
      if (name.endsWith(' scaled'))
        damaged.push(['scaler dropped', { ...good, scaler: undefined }], ['scale: false with a scaler', { ...good, options: { ...(good.options as object), scale: false } }], ['a view short', { ...good, scaler: { ...(good.scaler as object), mean: [] } }]);
      if (name === 'MCCA' || name === 'GCCA') {
        damaged.push(['a view dropped', { ...good, dims: [4, 3] }], ['another view size', { ...good, dims: [4, 3, 3] }], ['scale not a boolean', { ...good, scale: 'no' }], ['scale flipped', { ...good, scale: true }]);
        // version 3's statistics (issue 35): dropped, short, swapped, or passed off as version 1 with or without them, or as version 2's under either name
        const cv = good.structure as string[], va = good.scales as string[];
        damaged.push(['structure dropped', { ...good, structure: undefined }], ['scales dropped', { ...good, scales: undefined }], ['a view\'s structure short', { ...good, structure: [cv[0], cv[1], va[2]] }], ['structure swapped', { ...good, structure: [cv[1], cv[0], cv[2]] }], ['version 1 keeping them', { ...good, version: 1 }], ['version 1 without them', { ...good, version: 1, structure: undefined, scales: undefined }]);
        damaged.push(['version 2 keeping them', { ...good, version: 2 }], ['version 2 under its names', { ...good, version: 2, structure: undefined, scales: undefined, covariances: cv, variances: va }]);
      }
      if (name.startsWith('KernelCCA'))
        damaged.push(['another kernel', { ...good, kernel: 'linear', gamma: 'scale' }], ['another γ', { ...good, fittedGamma: [1, 1] }], ['ranks too large', { ...good, ranks: [500, 500] }], ['exact ↔ Nyström', { ...good, approximation: good.approximation === 'exact' ? { nystrom: 12, seed: 1 } : 'exact' }]);
      if (name.startsWith('SparseCCA'))
        damaged.push(['penalty changed', { ...good, penalty: [0.7, 0.9] }], ['penalty set', { ...good, penalty: good.penalty ? null : [0.5, 0.6] }], ['penalty a number', { ...good, penalty: 0.7 }], ['penalty out of range', { ...good, penalty: [0.7, 1.5] }], ['scale flipped', { ...good, scale: !good.scale }], ['tol 0', { ...good, tol: 0 }], ['components beyond min(p, q)', { ...good, components: 4 }], ['statistics of another shape', { ...good, statistics: { ...(good.statistics as object ?? {}), xM: encodeF64(new Float64Array(4)) } }], ['missing damaged', { ...good, missing: 'skip' }]);
      // missing (issue 33): a file without it loads as 'error'; another value is damage
      if (['CCA', 'CCA with statistics', 'MCCA', 'GCCA', 'KernelCCA'].includes(name)) damaged.push(['missing damaged', { ...good, missing: 'skip' }], ['missing not a string', { ...good, missing: 1 }]);
      if (name === 'ConditionalGAN stabilised') {
        const o = good.options as Record<string, unknown>;
        damaged.push(['average dropped', { ...good, averageGenerator: undefined }], ['an average without ema', { ...good, options: { ...o, ema: false } }], ['the discriminator as the average', { ...good, averageGenerator: good.discriminator }], ['average not a network', { ...good, averageGenerator: 7 }]);
        damaged.push(['ema 1', { ...good, options: { ...o, ema: 1 } }], ['ema true', { ...good, options: { ...o, ema: true } }], ['ema null', { ...good, options: { ...o, ema: null } }], ["loss 'mse'", { ...good, options: { ...o, loss: 'mse' } }], ['hinge with smoothing', { ...good, options: { ...o, labelSmoothing: 0.1 } }], ["D's rate 0", { ...good, options: { ...o, discriminatorLearningRate: 0 } }], ["D's rate a string", { ...good, options: { ...o, discriminatorLearningRate: '1e-3' } }]);
        const sn = good.spectralNorm as { u: string; crc32: number };
        damaged.push(['spectral vectors dropped', { ...good, spectralNorm: undefined }], ['spectral vectors without spectralNorm', { ...good, options: { ...o, spectralNorm: false } }], ['spectralNorm not a boolean', { ...good, options: { ...o, spectralNorm: 'yes' } }], ['spectralNorm null', { ...good, options: { ...o, spectralNorm: null } }], ['spectral vectors short', { ...good, spectralNorm: { ...sn, u: sn.u.slice(0, 8) } }], ['spectral vectors not an object', { ...good, spectralNorm: 7 }]);
      }
      if (name === 'ConditionalGAN projection') {
        const o = good.options as Record<string, unknown>, pr = good.projection as Record<string, unknown>;
        damaged.push(['projection dropped', { ...good, projection: undefined }], ['projection without the option', { ...good, options: { ...o, discriminator: 'concat' } }], ['discriminator null', { ...good, options: { ...o, discriminator: null } }], ["discriminator 'proj'", { ...good, options: { ...o, discriminator: 'proj' } }], ['discriminator dropped (concat)', { ...good, options: { ...o, discriminator: undefined } }]);
        damaged.push(['head and embedding swapped', { ...good, projection: { ...pr, head: pr.embedding, embedding: pr.head } }], ['embedding not a network', { ...good, projection: { ...pr, embedding: 7 } }], ['projection not an object', { ...good, projection: 7 }], ["ψ's vector dropped", { ...good, projection: { ...pr, u: undefined, crc32: undefined } }], ["ψ's vector without spectralNorm", { ...good, spectralNorm: undefined, options: { ...o, spectralNorm: false } }], ['the concat discriminator as the body', { ...good, discriminator: (ganE.toJSON() as Record<string, unknown>).discriminator }]);
      }
      if (name === 'DeepCCA DCCAE') {
        const [d0, d1] = good.decoders as unknown[], o = good.options as Record<string, unknown>;
        damaged.push(['decoders dropped', { ...good, decoders: undefined }], ['a decoder dropped', { ...good, decoders: [d0] }], ['decoders swapped', { ...good, decoders: [d1, d0] }], ['a decoder not a network', { ...good, decoders: [d0, 7] }]);
        damaged.push(['reconstruction dropped', { ...good, options: { ...o, reconstruction: undefined } }], ['other decoder widths', { ...good, options: { ...o, reconstruction: { hidden: [5], weight: 0.5 } } }], ['weight 0', { ...good, options: { ...o, reconstruction: { hidden: [4], weight: 0 } } }], ['reconstruction not an object', { ...good, options: { ...o, reconstruction: 'yes' } }]);
        damaged.push(['plain file with decoders', { ...dcca.toJSON(), decoders: good.decoders }]);
      }
      if (name === 'DeepCCA ey') {
        const o = good.options as Record<string, unknown>;
        damaged.push(['objective unknown', { ...good, options: { ...o, objective: 'max' } }], ['objective not a string', { ...good, options: { ...o, objective: 1 } }], ["'trace' at a batch below 2·outputs", { ...good, options: { ...o, objective: 'trace' } }], ['objective dropped (the default trace)', { ...good, options: { ...o, objective: undefined } }], ["a batch below 'ey''s 4 rows", { ...good, options: { ...o, batchSize: 3 } }]);
      }
      if (name === 'MultimodalVAE') {
        const [e0, e1] = good.encoders as unknown[], [d0, d1] = good.decoders as unknown[], o = good.options as Record<string, unknown>;
        damaged.push(['a view dropped', { ...good, widths: [4], encoders: [e0], decoders: [d0] }], ['another width', { ...good, widths: [4, 4] }], ['encoders swapped', { ...good, encoders: [e1, e0] }], ['decoders swapped', { ...good, decoders: [d1, d0] }], ['a decoder dropped', { ...good, decoders: [d0] }], ['a decoder not a network', { ...good, decoders: [d0, 7] }]);
        damaged.push(['logScale dropped', { ...good, logScale: undefined }], ['logScale short', { ...good, logScale: { ...(good.logScale as object), values: 'AAAAAA==' } }], ['no learned scale, a logScale', { ...good, options: { ...o, likelihood: ['bernoulli', { type: 'gaussian', scale: 1 }] } }]);
        damaged.push(['fusion unknown', { ...good, options: { ...o, fusion: 'sum' } }], ['another latent', { ...good, options: { ...o, latent: 3 } }], ['other hidden widths', { ...good, options: { ...o, hidden: [4] } }], ['likelihood damaged', { ...good, options: { ...o, likelihood: 'poisson' } }], ['a likelihood a view short', { ...good, options: { ...o, likelihood: ['bernoulli', 'gaussian', 'gaussian'] } }], ['beta negative', { ...good, options: { ...o, beta: -1 } }], ['missing damaged', { ...good, options: { ...o, missing: 'skip' } }]);
      }
      if (name === 'Classifier' || name === 'DeepCCA') damaged.push(['missing damaged', { ...good, options: { ...(good.options as object), missing: 'skip' } }], ['missing null', { ...good, options: { ...(good.options as object), missing: null } }]);
      for (const [what, file] of damaged) {
        const e = await caught(() => load(file));
        expect(e, `${name}, ${what}`).toBeInstanceOf(FormatError);
      }
    }
    expect(memoryStats().liveBytes).toBe(before);
    for (const o of [cca, net, opt, clf, dcca, dccaS, dccaE, dccaR, aeS, ganS, ganE, ganP, vae, mcca, gcca, kcca, nys, cv, fm, plsR, plsC, plsS, scca, sccaD]) o.dispose();
  });

  it('options given as −0 round-trip (a JSON number has no −0; the checksum must not see one)', () => {
    const X = randn(30, 3, 5), Y = randn(30, 2, 6), Z = randn(30, 2, 7);
    const models: [string, { toJSON(): unknown; dispose(): void }, (j: unknown) => { dispose(): void }][] = [
      ['CCA', new CCA({ components: 1, regularization: -0 }).fit(X, Y), CCA.fromJSON],
      ['CCA pair', new CCA({ components: 1, regularization: [-0, 0.1] }).fit(X, Y), CCA.fromJSON],
      ['CCA cv', new CCA({ components: 1, regularization: 'cv', crossValidation: { regularization: [-0, [0.1, -0]], folds: 3 } }).fit(X, Y), CCA.fromJSON],
      ['MCCA', new MCCA({ components: 1, regularization: [-0, 0.1, -0] }).fit([X, Y, Z]), MCCA.fromJSON],
      ['GCCA', new GCCA({ components: 1, regularization: -0 }).fit([X, Y, Z]), GCCA.fromJSON],
      ['KernelCCA', new KernelCCA({ kernel: 'polynomial', degree: 2, coef0: -0, regularization: [-0, 1e-3], components: 1 }).fit(X, Y), KernelCCA.fromJSON],
    ];
    for (const [name, m, load] of models) {
      expect(() => load(JSON.parse(JSON.stringify(m))).dispose(), name).not.toThrow();
      m.dispose();
    }
  });
});

describe('files written by crossmodal 0.1.0 still load (test/fixtures/v0.1.0)', () => {
  it('CCA: the held-out correlations of the saved model match the LAPACK reference and what 0.1.0 computed', () => {
    const f = fixture('v0.1.0/cca.json');
    expect(f.model.version).toBe(1);
    const cca = CCA.fromJSON(f.model);
    const s = cca.score(Lt, Rt);
    const want = reference.split.by_ridge['0.0001'].test_correlations_top10_using_train_weights as number[];
    s.forEach((r, i) => expect(Math.abs(r - want[i]!)).toBeLessThan(1e-8));
    expect(Array.from(s)).toEqual(f.expected.score);
    expect(Array.from(cca.transform(Lt.slice(0, 3), null)[0]!.data)).toEqual(f.expected.firstVariates);
    expect(cca.scale).toBe(false);
    cca.dispose();
  });

  it("CCA with statistics ('auto', Ledoit–Wolf then): what 0.1.0 computed; its statistics cannot continue today's 'auto' (test/cca_auto.test.ts has more)", () => {
    const f = fixture('v0.1.0/cca-statistics.json');
    const cca = CCA.fromJSON(f.model);
    expect(Array.from(cca.correlations)).toEqual(f.expected.correlations);
    expect(cca.shrinkageTarget).toBe('identity');
    expect(() => cca.partialFit(L.slice(1000), R.slice(1000))).toThrow(/written before version 3/);
    expect(cca.nSamples).toBe(1000);
    cca.dispose();
  });

  it('MLP with its optimiser, Classifier and DeepCCA give what 0.1.0 gave', () => {
    const m = fixture('v0.1.0/mlp-adam.json');
    const net = MLP.fromJSON(m.model);
    const opt = nn.optimizerFromJSON(m.model, net)!;
    expect(opt.steps).toBe(3);
    expect(Array.from(net.eval().predict(Lt.slice(0, 4)).data)).toEqual(m.expected.predict);
    const c = fixture('v0.1.0/classifier.json');
    const clf = Classifier.fromJSON(c.model);
    const px = digits.pixels.slice(1500, 1540).map((r) => r.map((v) => v / 16));
    expect(Array.from(clf.predict(px))).toEqual(c.expected.predict);
    const d = fixture('v0.1.0/deepcca.json');
    const dcca = DeepCCA.fromJSON(d.model);
    expect(Array.from(dcca.score(Lt, Rt))).toEqual(d.expected.score);
    for (const o of [net, opt, clf, dcca]) o.dispose();
  });
});
